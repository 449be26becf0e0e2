import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4';
import type { CodeSystem, ConceptMap, ValueSet } from 'fhir/r4';
import { structureDefinition, validateResource } from '../../src/fhir/resource-validation';

const validCodeSystem: CodeSystem = {
  resourceType: 'CodeSystem',
  id: 'example',
  url: 'http://example.org/fhir/CodeSystem/example',
  version: '1.0.0',
  name: 'Example',
  status: 'active',
  content: 'complete',
  property: [{ code: 'billable', type: 'boolean' }],
  concept: [
    { code: 'A', display: 'Alpha', property: [{ code: 'billable', valueBoolean: true }] },
    { code: 'B', display: 'Beta', concept: [{ code: 'B1', display: 'Beta one' }] },
  ],
};

const validConceptMap: ConceptMap = {
  resourceType: 'ConceptMap',
  url: 'http://example.org/fhir/ConceptMap/example',
  name: 'ExampleMap',
  status: 'active',
  sourceCanonical: 'http://example.org/fhir/ValueSet/source',
  targetCanonical: 'http://example.org/fhir/ValueSet/target',
  group: [
    {
      source: 'http://www.ama-assn.org/go/cpt',
      target: 'http://hl7.org/fhir/sid/icd-10-cm',
      element: [
        {
          code: '0554T',
          target: [
            { code: 'M81.0', equivalence: 'relatedto' },
            { code: 'M80.08XA', equivalence: 'narrower', comment: 'Only with a pathological fracture' },
          ],
        },
      ],
      unmapped: { mode: 'fixed', code: 'Z00.00' },
    },
  ],
};

const paths = (resource: unknown): string[] => validateResource(resource).map((problem) => problem.path);

describe('validateResource: JSON schema', () => {
  it('accepts a valid CodeSystem', () => {
    expect(validateResource(validCodeSystem)).toEqual([]);
  });

  it('names the element with a value of the wrong type', () => {
    const problems = validateResource({ ...validCodeSystem, concept: 'x' });
    expect(problems).toContainEqual(
      expect.objectContaining({ severity: 'error', path: 'CodeSystem.concept', message: expect.stringContaining('array') }),
    );
  });

  it('names a code outside its value set', () => {
    const problems = validateResource({ ...validCodeSystem, status: 'bogus' });
    expect(problems).toEqual([
      {
        severity: 'error',
        path: 'CodeSystem.status',
        message: 'Value "bogus" is not one of: draft, active, retired, unknown',
      },
    ]);
  });

  it('gives deep paths in FHIR style, one problem per bad value', () => {
    const resource = structuredClone(validCodeSystem) as unknown as { concept: Array<{ property: Array<Record<string, unknown>> }> };
    resource.concept[0]!.property[0]!.valueBoolean = 'yes';
    expect(validateResource(resource)).toEqual([
      expect.objectContaining({ path: 'CodeSystem.concept[0].property[0].valueBoolean', message: expect.stringContaining('boolean') }),
    ]);
  });

  it('reports an unknown element and a malformed dateTime', () => {
    expect(paths({ ...validCodeSystem, colour: 'red', date: '2025-13-01' })).toEqual(
      expect.arrayContaining(['CodeSystem.colour', 'CodeSystem.date']),
    );
  });

  it('rejects what is not an R4 resource', () => {
    expect(validateResource('x')[0]?.message).toMatch(/no resourceType/);
    expect(validateResource({ resourceType: 'Bot' })[0]?.message).toMatch(/Unknown FHIR R4 resource type 'Bot'/);
  });
});

describe('validateResource: StructureDefinition rules', () => {
  it('reports a missing required element', () => {
    const withoutStatus: Record<string, unknown> = { ...validCodeSystem };
    delete withoutStatus.status;
    expect(validateResource(withoutStatus)).toEqual([
      expect.objectContaining({ path: 'CodeSystem.status', message: expect.stringContaining('Missing required element') }),
    ]);
    const conceptWithoutCode = { ...validCodeSystem, concept: [{ display: 'No code' }] };
    expect(paths(conceptWithoutCode)).toEqual(['CodeSystem.concept[0].code']);
  });

  it('reports a ValueSet include with both concept and filter by its invariant key (vsd-3)', () => {
    const valueSet: ValueSet = {
      resourceType: 'ValueSet',
      url: 'http://example.org/fhir/ValueSet/example',
      status: 'active',
      compose: {
        include: [
          { system: 'http://hl7.org/fhir/sid/icd-10-cm', concept: [{ code: 'M81.0' }] },
          {
            system: 'http://hl7.org/fhir/sid/icd-10-cm',
            concept: [{ code: 'M81.0' }],
            filter: [{ property: 'concept', op: 'is-a', value: 'M81' }],
          },
        ],
      },
    };
    expect(validateResource(valueSet)).toEqual([
      { severity: 'error', path: 'ValueSet.compose.include[1]', message: 'vsd-3: Cannot have both concept and filter' },
    ]);
  });

  it('applies the invariants of a referenced element (exclude is defined as include)', () => {
    const valueSet: ValueSet = {
      resourceType: 'ValueSet',
      status: 'active',
      compose: { include: [{ system: 'http://x' }], exclude: [{ concept: [{ code: 'a' }] }] },
    };
    const messages = validateResource(valueSet).map((problem) => `${problem.path} ${problem.message.split(':')[0]}`);
    expect(messages).toEqual(['ValueSet.compose.exclude[0] vsd-1', 'ValueSet.compose.exclude[0] vsd-2']);
  });

  it('evaluates invariants inside recursive elements (expansion.contains.contains)', () => {
    const valueSet: ValueSet = {
      resourceType: 'ValueSet',
      status: 'active',
      expansion: {
        timestamp: '2025-01-01T00:00:00Z',
        contains: [{ system: 'http://x', code: 'a', contains: [{ code: 'b' }] }],
      },
    };
    expect(validateResource(valueSet)).toEqual([
      expect.objectContaining({ path: 'ValueSet.expansion.contains[0].contains[0]', message: expect.stringMatching(/^vsd-10:/) }),
    ]);
  });

  it('accepts a valid R4 ConceptMap', () => {
    expect(validateResource(validConceptMap)).toEqual([]);
  });

  it('reports ConceptMap invariants (cmd-1, cmd-2)', () => {
    const conceptMap = structuredClone(validConceptMap);
    delete conceptMap.group![0]!.element![0]!.target![1]!.comment;
    delete conceptMap.group![0]!.unmapped!.code;
    expect(validateResource(conceptMap).map((problem) => `${problem.path} ${problem.message.split(':')[0]}`)).toEqual([
      'ConceptMap.group[0].element[0].target[1] cmd-1',
      'ConceptMap.group[0].unmapped cmd-2',
    ]);
  });

  it('finds duplicate codes anywhere in the hierarchy (csd-1), in agreement with its FHIRPath', () => {
    const duplicated = { ...validCodeSystem, concept: [...validCodeSystem.concept!, { code: 'X', concept: [{ code: 'B1' }] }] };
    expect(validateResource(duplicated)).toEqual([
      {
        severity: 'error',
        path: 'CodeSystem',
        message: "csd-1: Within a code system definition, all the codes SHALL be unique (duplicate code 'B1')",
      },
    ]);
    const csd1 = structureDefinition('CodeSystem')
      ?.snapshot?.element?.[0]?.constraint?.find((constraint) => constraint.key === 'csd-1')?.expression;
    expect(csd1).toBeDefined();
    expect(fhirpath.evaluate(duplicated, csd1!, undefined, r4model)).toEqual([false]);
    expect(fhirpath.evaluate(validCodeSystem, csd1!, undefined, r4model)).toEqual([true]);
  });

  it('checks empty elements (ele-1) and extensions (ext-1)', () => {
    const resource = {
      ...validCodeSystem,
      identifier: [{}],
      extension: [{ url: 'http://example.org/ext' }],
      _status: { extension: [{ url: 'http://example.org/ext', valueString: 'x', extension: [{ url: 'a', valueString: 'b' }] }] },
    };
    expect(validateResource(resource).map((problem) => `${problem.path} ${problem.message.split(':')[0]}`)).toEqual([
      'CodeSystem.extension[0] ext-1',
      'CodeSystem.identifier[0] ele-1',
      'CodeSystem._status.extension[0] ext-1',
    ]);
  });

  it('validates contained resources against their own type, with paths inside the container', () => {
    const valueSet: ValueSet = {
      resourceType: 'ValueSet',
      status: 'active',
      contained: [{ ...validCodeSystem, id: 'cs', status: 'bogus' } as unknown as CodeSystem],
      compose: { include: [{ system: '#cs' }] },
    };
    expect(paths(valueSet)).toEqual(['ValueSet.contained[0].status']);
  });

  it('reports a contained resource nothing refers to (dom-3)', () => {
    const valueSet: ValueSet = {
      resourceType: 'ValueSet',
      status: 'active',
      contained: [{ ...validCodeSystem, id: 'cs' }],
      compose: { include: [{ system: 'http://x' }] },
    };
    expect(validateResource(valueSet)).toEqual([
      expect.objectContaining({ path: 'ValueSet', message: expect.stringMatching(/^dom-3: .*\(nothing refers to '#cs'\)$/) }),
    ]);
  });
});

describe('validateResource: speed', () => {
  it('validates a 10,000-concept CodeSystem quickly once warm', () => {
    validateResource(validCodeSystem);
    const concept = Array.from({ length: 10_000 }, (_, index) => ({
      code: `C${index}`,
      display: `Concept ${index}`,
      property: [{ code: 'billable', valueBoolean: index % 2 === 0 }],
    }));
    const started = performance.now();
    expect(validateResource({ ...validCodeSystem, concept })).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
