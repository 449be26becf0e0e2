import type { CodeSystem, ValueSet } from 'fhir/r4';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { validateCode, ValidateCodeInput } from '../../src/terminology/validate-code';

const base: Omit<ValidateCodeInput, 'target' | 'codings'> = {
  form: 'coding',
  languages: [],
  abstractAllowed: true,
  activeOnly: false,
  inferSystem: false,
  lenientDisplay: false,
};

const colours: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'http://example.org/colours',
  version: '1',
  language: 'en',
  status: 'active',
  content: 'complete',
  caseSensitive: false,
  property: [{ code: 'status', uri: 'http://hl7.org/fhir/concept-properties#status', type: 'code' }],
  concept: [
    { code: 'red', display: 'Red', designation: [{ language: 'de', value: 'Rot' }] },
    { code: 'blue', display: 'Blue' },
    { code: 'mauve', display: 'Mauve', property: [{ code: 'status', valueCode: 'deprecated' }] },
    { code: 'puce', display: 'Puce', property: [{ code: 'status', valueCode: 'retired' }] },
  ],
};

const fragment: CodeSystem = { resourceType: 'CodeSystem', url: 'http://example.org/frag', version: '2', status: 'active', content: 'fragment', concept: [{ code: 'a', display: 'A' }] };

const all = (system: string): ValueSet => ({ resourceType: 'ValueSet', url: `${system}/vs`, version: '1', status: 'active', compose: { include: [{ system }] } });

const registry = new TerminologyRegistry([colours, fragment]);
const inSet = (system: string, coding: ValidateCodeInput['codings'][number], extra: Partial<ValidateCodeInput> = {}) =>
  validateCode(registry, { ...base, target: { kind: 'value-set', valueSet: all(system) }, codings: [coding], ...extra });

describe('validateCode (ecosystem rules)', () => {
  it('accepts a code missing from a fragment in a value set, with a warning, but not in the code system itself', () => {
    const vs = inSet(fragment.url as string, { system: fragment.url, code: 'zz' });
    expect(vs.result).toBe(true);
    expect(vs.issues.map((i) => [i.severity, i.messageId])).toEqual([['warning', 'UNKNOWN_CODE_IN_FRAGMENT']]);
    const cs = validateCode(registry, { ...base, target: { kind: 'code-system' }, codings: [{ system: fragment.url, code: 'zz' }] });
    expect(cs.result).toBe(false);
    expect(cs.issues[0]).toMatchObject({ severity: 'error', messageId: 'UNKNOWN_CODE_IN_FRAGMENT' });
  });

  it('reports a case difference in a case-insensitive code system with the normalized code', () => {
    const r = inSet(colours.url as string, { system: colours.url, code: 'RED' });
    expect(r).toMatchObject({ result: true, code: 'RED', normalizedCode: 'red' });
    expect(r.issues[0]).toMatchObject({ severity: 'information', messageId: 'CODE_CASE_DIFFERENCE' });
  });

  it('checks displays in the requested language and falls back to the default language', () => {
    const de = [{ tag: 'de', q: 1 }];
    expect(inSet(colours.url as string, { system: colours.url, code: 'red', display: 'Rot' }, { languages: de, languageSummary: 'de' })).toMatchObject({ result: true, display: 'Rot' });
    const fallback = inSet(colours.url as string, { system: colours.url, code: 'blue', display: 'Blue' }, { languages: de, languageSummary: 'de' });
    expect(fallback.result).toBe(true);
    expect(fallback.issues[0]).toMatchObject({ severity: 'information', messageId: 'NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_OK' });
    const wrong = inSet(colours.url as string, { system: colours.url, code: 'red', display: 'Green' });
    expect(wrong.result).toBe(false);
    expect(wrong.message).toBe("Wrong Display Name 'Green' for http://example.org/colours#red. Valid display is one of 2 choices: 'Red' (en) or 'Rot' (de) (for the language(s) '--')");
  });

  it('reports deprecated concepts as active with a status, retired ones as inactive', () => {
    expect(inSet(colours.url as string, { system: colours.url, code: 'mauve' })).toMatchObject({ result: true, status: 'deprecated' });
    const retired = inSet(colours.url as string, { system: colours.url, code: 'puce' });
    expect(retired).toMatchObject({ result: true, inactive: true, status: 'retired' });
    expect(retired.message).toBe("The concept 'puce' has a status of retired and inactive and its use should be reviewed");
  });

  it('tells an unknown system that made the answer unknowable from one outside the value set', () => {
    const caused = inSet('http://example.org/nowhere', { system: 'http://example.org/nowhere', code: 'x' });
    expect(caused).toMatchObject({ result: false, unknownSystems: ['http://example.org/nowhere'], otherUnknownSystems: [] });
    const other = inSet(colours.url as string, { system: 'http://example.org/nowhere', code: 'x' });
    expect(other).toMatchObject({ result: false, unknownSystems: [], otherUnknownSystems: ['http://example.org/nowhere'] });
    expect(other.issues.map((i) => i.txType).sort()).toEqual(['not-found', 'not-in-vs']);
  });

  it('answers false, not an error, when an imported value set cannot be found', () => {
    const vs: ValueSet = { resourceType: 'ValueSet', url: 'http://example.org/vs/imports', status: 'active', compose: { include: [{ valueSet: ['http://example.org/vs/missing'] }] } };
    const r = validateCode(registry, { ...base, target: { kind: 'value-set', valueSet: vs }, codings: [{ system: colours.url, code: 'red' }] });
    expect(r).toMatchObject({ result: false, code: 'red', system: colours.url, version: '1' });
    expect(r.issues[0].messageId).toBe('Unable_to_resolve_value_Set_');
  });

  it('says why a code is refused when the value set, or one it imports, excludes it with a comment', () => {
    const comments = 'http://hl7.org/fhir/StructureDefinition/valueset-concept-comments';
    const noBlue: ValueSet = {
      resourceType: 'ValueSet',
      url: 'http://example.org/vs/no-blue',
      version: '1',
      status: 'active',
      compose: {
        include: [{ system: colours.url }],
        exclude: [{ system: colours.url, concept: [{ code: 'blue', extension: [{ url: comments, valueString: 'Blue is for the sea.' }] }, { code: 'mauve' }] }],
      },
    };
    const importer: ValueSet = { resourceType: 'ValueSet', url: 'http://example.org/vs/importer', version: '1', status: 'active', compose: { include: [{ valueSet: [noBlue.url as string] }] } };
    const withImport = new TerminologyRegistry([colours, fragment, noBlue]);
    for (const [reg, valueSet] of [[registry, noBlue], [withImport, importer]] as const) {
      const r = validateCode(reg, { ...base, target: { kind: 'value-set', valueSet }, codings: [{ system: colours.url, code: 'blue' }] });
      expect(r.result).toBe(false);
      expect(r.issues.find((i) => i.messageId === 'VALUESET_EXCLUDED_CODE')).toMatchObject({
        severity: 'information',
        txType: 'code-comment',
        text: "The code 'blue' is excluded from the value set 'http://example.org/vs/no-blue|1': Blue is for the sea",
      });
      expect(r.message).toContain('Blue is for the sea');
    }
    // an exclusion without a comment is the plain answer
    const plain = validateCode(registry, { ...base, target: { kind: 'value-set', valueSet: noBlue }, codings: [{ system: colours.url, code: 'mauve' }] });
    expect(plain.result).toBe(false);
    expect(plain.issues.map((i) => i.messageId)).not.toContain('VALUESET_EXCLUDED_CODE');
  });
});
