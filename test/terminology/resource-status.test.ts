import type { CodeSystem, ValueSet } from 'fhir/r4';
import { declaredParameters } from '../../src/terminology/declared-parameters';
import { resourceStatusNote } from '../../src/terminology/resource-status';

const STANDARDS = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status';
const vs = (extra: Partial<ValueSet> = {}): ValueSet => ({ resourceType: 'ValueSet', status: 'active', ...extra });
const cs = (extra: Partial<CodeSystem> = {}): CodeSystem => ({ resourceType: 'CodeSystem', status: 'active', content: 'complete', ...extra });

describe('status notes for the resources an answer relies on', () => {
  it('note what the value set asked about does not share', () => {
    const source = vs();
    expect(resourceStatusNote(cs({ extension: [{ url: STANDARDS, valueCode: 'deprecated' }] }), source)).toBe('deprecated');
    expect(resourceStatusNote(cs({ status: 'retired' }), source)).toBe('retired');
    expect(resourceStatusNote(cs({ experimental: true }), source)).toBe('experimental');
    expect(resourceStatusNote(cs({ status: 'draft' }), source)).toBe('draft');
    expect(resourceStatusNote(cs({ status: 'draft' }), vs({ status: 'draft' }))).toBeUndefined();
    expect(resourceStatusNote(cs({ experimental: true }), vs({ experimental: true }))).toBeUndefined();
  });

  it('note the value set itself only when it is deprecated, withdrawn or retired', () => {
    const retired = vs({ status: 'retired' });
    expect(resourceStatusNote(retired, retired)).toBe('retired');
    const draft = vs({ status: 'draft' });
    expect(resourceStatusNote(draft, draft)).toBeUndefined();
  });
});

describe('parameters a value set declares for itself', () => {
  it('are read under the core and the tools extension url', () => {
    const declared = vs({
      compose: {
        include: [],
        extension: [
          { url: 'http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter', extension: [{ url: 'name', valueCode: 'displayLanguage' }, { url: 'value', valueCode: 'de' }] },
          { url: 'http://hl7.org/fhir/tools/StructureDefinition/valueset-expansion-parameter', extension: [{ url: 'name', valueCode: 'activeOnly' }, { url: 'value', valueBoolean: true }] },
        ],
      },
    });
    expect(declaredParameters(declared)).toEqual([
      { name: 'displayLanguage', text: 'de' },
      { name: 'activeOnly', flag: true },
    ]);
  });
});
