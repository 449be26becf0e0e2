import type { CodeSystem } from 'fhir/r4';
import { CodeSystemIndex } from '../../src/terminology/code-system-index';
import { conceptStatus, inactiveStatusWord } from '../../src/terminology/concept-status';

describe('the status of a concept', () => {
  it('is inactive for an inactive, retired or withdrawn status, or a true inactive flag', () => {
    for (const status of ['inactive', 'retired', 'withdrawn']) expect(conceptStatus(status, undefined).inactive).toBe(true);
    expect(conceptStatus(undefined, true).inactive).toBe(true);
    expect(conceptStatus('active', false).inactive).toBe(false);
  });

  it('keeps a deprecated concept active unless its inactive flag says otherwise', () => {
    expect(conceptStatus('deprecated', undefined)).toEqual({ status: 'deprecated', inactive: false, deprecated: true });
    expect(conceptStatus('deprecated', true)).toEqual({ status: 'deprecated', inactive: true, deprecated: true });
  });

  it('reports an inactive concept by its status, else as inactive', () => {
    expect(inactiveStatusWord(conceptStatus('retired', undefined))).toBe('retired');
    expect(inactiveStatusWord(conceptStatus(undefined, true))).toBe('inactive');
    expect(inactiveStatusWord(conceptStatus(undefined, false))).toBeUndefined();
  });

  it('is read from whatever codes the code system gives the standard properties, or the standards-status extension', () => {
    const cs: CodeSystem = {
      resourceType: 'CodeSystem',
      url: 'http://example.org/status',
      status: 'active',
      content: 'complete',
      property: [
        { code: 'state', uri: 'http://hl7.org/fhir/concept-properties#status', type: 'code' },
        { code: 'gone', uri: 'http://hl7.org/fhir/concept-properties#inactive', type: 'boolean' },
      ],
      concept: [
        { code: 'a', property: [{ code: 'state', valueCode: 'deprecated' }, { code: 'gone', valueBoolean: true }] },
        { code: 'b', property: [{ code: 'state', valueCode: 'deprecated' }] },
        { code: 'c', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status', valueCode: 'withdrawn' }] },
        { code: 'd', property: [{ code: 'inactive', valueBoolean: true }] },
      ],
    };
    const index = new CodeSystemIndex(cs);
    expect(['a', 'b', 'c', 'd'].map((code) => index.get(code)?.inactive)).toEqual([true, false, true, false]);
    expect(index.standardProperty('gone')).toBe('inactive');
    expect(index.standardProperty('inactive')).toBe('inactive');
  });
});
