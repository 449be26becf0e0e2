import type { CodeSystem, Extension, ValueSet, ValueSetComposeIncludeFilter, ValueSetExpansionContains } from 'fhir/r4';
import { expandValueSet, ExpandInput } from '../../src/terminology/expand';
import { TerminologyError } from '../../src/terminology/issues';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { quadValueSet, shapes } from './fixtures';

const SYSTEM = shapes.url as string;
const CONTAINS_PROPERTY = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.contains.property';
const EXPANSION_PROPERTY = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.property';

const allShapes: ValueSet = {
  resourceType: 'ValueSet',
  id: 'all-shapes',
  url: 'http://example.org/vs/all-shapes',
  version: '1',
  name: 'AllShapes',
  status: 'active',
  publisher: 'Example',
  description: 'Every shape',
  compose: { include: [{ system: SYSTEM }] },
};

const registry = new TerminologyRegistry([shapes, quadValueSet, allShapes]);

function expand(valueSet: ValueSet, options: Partial<ExpandInput> = {}, reg = registry): ValueSet {
  return expandValueSet(reg, { valueSet, designations: [], properties: [], echo: [], maxEntries: 1000, ...options });
}

const codes = (list: ValueSetExpansionContains[] | undefined): string[] => (list ?? []).map((c) => c.code ?? '');
const parameterNames = (vs: ValueSet): string[] => (vs.expansion?.parameter ?? []).map((p) => p.name);
const propertiesOf = (c: ValueSetExpansionContains): Array<[string | undefined, Extension | undefined]> =>
  (c.extension ?? []).filter((e) => e.url === CONTAINS_PROPERTY).map((e) => [e.extension?.[0]?.valueCode, e.extension?.[1]]);

describe('expandValueSet', () => {
  it('keeps the hierarchy of a whole code system unless excludeNested', () => {
    const nested = expand(allShapes);
    expect(codes(nested.expansion?.contains)).toEqual(['polygon', 'circle']);
    expect(codes(nested.expansion?.contains?.[0].contains)).toEqual(['triangle', 'quad']);
    expect(nested.expansion?.total).toBe(6);
    const flat = expand(allShapes, { excludeNested: true });
    expect(codes(flat.expansion?.contains)).toEqual(['polygon', 'triangle', 'quad', 'square', 'rhombus', 'circle']);
  });

  it('lists enumerated concepts flat, in the order given', () => {
    const vs: ValueSet = { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: SYSTEM, concept: [{ code: 'square' }, { code: 'quad' }] }] } };
    expect(codes(expand(vs).expansion?.contains)).toEqual(['square', 'quad']);
  });

  it('echoes the parameters it applied, and names the code systems used', () => {
    const vs = expand(allShapes, { excludeNested: true, activeOnly: true, count: 2, filter: 'r' });
    expect(parameterNames(vs)).toEqual(['filter', 'excludeNested', 'activeOnly', 'count', 'used-codesystem']);
    expect(vs.expansion?.parameter?.find((p) => p.name === 'used-codesystem')?.valueUri).toBe(`${SYSTEM}|1.0.0`);
    expect(vs.expansion?.offset).toBeUndefined();
  });

  it('returns the identifying fields of the value set, not its definition, unless includeDefinition', () => {
    const plain = expand(allShapes);
    expect(plain.id).toBeUndefined();
    expect(plain.compose).toBeUndefined();
    expect(plain.publisher).toBeUndefined();
    expect(plain.description).toBeUndefined();
    expect(plain.name).toBe('AllShapes');
    expect(expand(allShapes, { includeDefinition: true }).compose).toEqual(allShapes.compose);
  });

  it('leaves inactive concepts out with activeOnly or compose.inactive = false', () => {
    expect(codes(expand(allShapes, { excludeNested: true, activeOnly: true }).expansion?.contains)).not.toContain('circle');
    const noInactive: ValueSet = { ...allShapes, compose: { inactive: false, include: [{ system: SYSTEM }] } };
    expect(codes(expand(noInactive, { excludeNested: true }).expansion?.contains)).not.toContain('circle');
  });

  it('marks inactive and abstract concepts, with their status as a property', () => {
    const contains = expand(allShapes, { excludeNested: true }).expansion?.contains ?? [];
    const circle = contains.find((c) => c.code === 'circle') as ValueSetExpansionContains;
    expect(circle.inactive).toBe(true);
    expect(propertiesOf(circle)).toEqual([['status', { url: 'value', valueCode: 'retired' }]]);
    expect(contains.find((c) => c.code === 'polygon')?.abstract).toBe(true);
  });

  it('returns requested properties, definitions included, and declares them', () => {
    const vs = expand(allShapes, { excludeNested: true, properties: ['sides', 'definition'] });
    const contains = vs.expansion?.contains ?? [];
    expect(propertiesOf(contains.find((c) => c.code === 'quad') as ValueSetExpansionContains)).toEqual([['sides', { url: 'value', valueInteger: 4 }]]);
    expect(propertiesOf(contains.find((c) => c.code === 'circle') as ValueSetExpansionContains)).toContainEqual(['definition', { url: 'value', valueString: 'Round' }]);
    const declared = (vs.expansion?.extension ?? []).filter((e) => e.url === EXPANSION_PROPERTY).map((e) => e.extension?.[0]?.valueCode);
    expect(declared.sort()).toEqual(['definition', 'sides', 'status']);
  });

  it('chooses displays by language and lists the other designations', () => {
    const square = (options: Partial<ExpandInput>): ValueSetExpansionContains | undefined =>
      expand(allShapes, { excludeNested: true, includeDesignations: true, ...options }).expansion?.contains?.find((c) => c.code === 'square');
    expect(square({})?.display).toBe('Square');
    expect(square({})?.designation).toEqual([{ language: 'de', value: 'Quadrat' }]);
    const german = square({ displayLanguage: 'de' });
    expect(german?.display).toBe('Quadrat');
    expect(german?.designation?.map((d) => d.value)).toEqual(['Square']);
    expect(square({ displayLanguage: 'fr' })?.display).toBe('Square');
    expect(square({ displayLanguage: 'fr, *; q=0' })?.display).toBeUndefined();
    expect(square({ designations: ['urn:ietf:bcp:47|fr'] })?.designation).toBeUndefined();
  });

  it('filters by the words of the filter text', () => {
    expect(codes(expand(allShapes, { filter: 'TRI' }).expansion?.contains)).toEqual(['triangle']);
    expect(codes(expand(allShapes, { filter: 'quad' }).expansion?.contains)).toEqual(['quad', 'square']); // Quadrat
    expect(codes(expand(allShapes, { filter: 'iangle' }).expansion?.contains)).toEqual([]);
  });

  it('applies expansion parameters the value set declares, unless the request sets them', () => {
    const declared: ValueSet = {
      ...allShapes,
      compose: {
        extension: [
          {
            url: 'http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter',
            extension: [{ url: 'name', valueCode: 'displayLanguage' }, { url: 'value', valueCode: 'de' }],
          },
        ],
        include: [{ system: SYSTEM }],
      },
    };
    const vs = expand(declared, { excludeNested: true });
    expect(vs.expansion?.contains?.find((c) => c.code === 'square')?.display).toBe('Quadrat');
    expect(vs.expansion?.parameter?.find((p) => p.name === 'displayLanguage')?.valueCode).toBe('de');
  });

  it('refuses a value set whose required supplement is unknown', () => {
    const needs: ValueSet = {
      ...allShapes,
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/valueset-supplement', valueCanonical: 'http://example.org/missing' }],
    };
    expect(() => expand(needs)).toThrow(TerminologyError);
  });

  it('warns about draft code systems in a value set that is not itself draft', () => {
    const draft: CodeSystem = { ...shapes, url: 'http://example.org/draft', status: 'draft' };
    const reg = new TerminologyRegistry([draft]);
    const vs: ValueSet = { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: 'http://example.org/draft' }] } };
    expect(expand(vs, {}, reg).expansion?.parameter).toContainEqual({ name: 'warning-draft', valueUri: 'http://example.org/draft|1.0.0' });
  });
  it('lists a poly-hierarchy flat', () => {
    const poly: CodeSystem = {
      resourceType: 'CodeSystem',
      url: 'http://example.org/poly',
      status: 'active',
      content: 'complete',
      property: [{ code: 'parent', uri: 'http://hl7.org/fhir/concept-properties#parent', type: 'code' }],
      concept: [
        { code: 'a' },
        { code: 'b' },
        { code: 'ab', property: [{ code: 'parent', valueCode: 'a' }, { code: 'parent', valueCode: 'b' }] },
      ],
    };
    const vs: ValueSet = { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: 'http://example.org/poly' }] } };
    expect(codes(expand(vs, {}, new TerminologyRegistry([poly])).expansion?.contains)).toEqual(['a', 'b', 'ab']);
  });

  it('resolves contained value sets by #id, without naming them as used value sets', () => {
    const vs: ValueSet = {
      resourceType: 'ValueSet',
      status: 'active',
      contained: [{ resourceType: 'ValueSet', id: 'sq', status: 'active', compose: { include: [{ system: SYSTEM, concept: [{ code: 'square' }] }] } }],
      compose: { include: [{ valueSet: ['#sq'] }] },
    };
    const out = expand(vs);
    expect(codes(out.expansion?.contains)).toEqual(['square']);
    expect(parameterNames(out)).not.toContain('used-valueset');
    expect(out.contained).toBeUndefined();
  });

  it('marks an expansion from a fragment as not closed', () => {
    const fragment: CodeSystem = { ...shapes, content: 'fragment' };
    const out = expand(allShapes, {}, new TerminologyRegistry([fragment]));
    expect(out.expansion?.parameter).toContainEqual({ name: 'used-fragment', valueUri: `${SYSTEM}|1.0.0` });
    expect(out.expansion?.extension).toContainEqual({ url: 'http://hl7.org/fhir/StructureDefinition/valueset-unclosed', valueBoolean: true });
  });

  it('warns that the value set itself is withdrawn', () => {
    const withdrawn: ValueSet = {
      ...allShapes,
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status', valueCode: 'withdrawn' }],
    };
    expect(expand(withdrawn).expansion?.parameter).toContainEqual({ name: 'warning-withdrawn', valueUri: 'http://example.org/vs/all-shapes|1' });
  });

  it('refuses to return more than maxReturned concepts at once, but pages them', () => {
    expect(() => expand(allShapes, { maxReturned: 3 })).toThrow(/too many codes/);
    expect(expand(allShapes, { maxReturned: 3, count: 3, offset: 3 }).expansion?.contains).toHaveLength(3);
  });

  it('reads the R5 filter operators R4 carries in an extension', () => {
    const vs: ValueSet = {
      resourceType: 'ValueSet',
      status: 'active',
      compose: {
        include: [
          {
            system: SYSTEM,
            filter: [
              {
                property: 'concept',
                _op: { extension: [{ url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.compose.include.filter.op', valueCode: 'child-of' }] },
                value: 'polygon',
              } as ValueSetComposeIncludeFilter,
            ],
          },
        ],
      },
    };
    expect(codes(expand(vs).expansion?.contains)).toEqual(['triangle', 'quad']);
  });
});
