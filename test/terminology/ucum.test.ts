import { TerminologyRegistry } from '../../src/terminology/registry';
import { UCUM_CODE_SYSTEM, UCUM_URL, UcumCodeSystem } from '../../src/terminology/ucum';
import { validateCode, ValidateCodeInput } from '../../src/terminology/validate-code';
import { lookup } from '../../src/terminology/lookup';

const base: Omit<ValidateCodeInput, 'target' | 'codings'> = { form: 'code', languages: [], abstractAllowed: true, activeOnly: false, inferSystem: false, lenientDisplay: false };

describe('UCUM, a code system defined by a grammar', () => {
  const registry = new TerminologyRegistry([UCUM_CODE_SYSTEM]);

  it('is indexed by its grammar', () => {
    expect(registry.codeSystem(UCUM_URL)).toBeInstanceOf(UcumCodeSystem);
  });

  it('accepts well-formed units, with their name and base units', () => {
    const cs = new UcumCodeSystem();
    expect(cs.get('mg/dL')).toMatchObject({ display: 'mg/dL', designations: [{ value: 'milligram per deciliter' }] });
    expect(cs.propertyValues(cs.get('mg/dL')!, 'canonical')).toEqual([{ type: 'string', value: 'g.m-3' }]);
    expect(cs.propertyValues(cs.get('[lb_av]')!, 'canonical')).toEqual([{ type: 'string', value: 'g' }]);
    expect(cs.get('kg.m-2')).toBeDefined();
    expect(cs.get('{score}')).toBeDefined();
    expect(cs.get('mL/min/{1.73_m2}')).toBeDefined();
  });

  it('accepts spaces inside an annotation, which carries no meaning, and nowhere else', () => {
    const cs = new UcumCodeSystem();
    const annotated = cs.get('mg/dL{milligram per deciliter}');
    expect(annotated).toMatchObject({ code: 'mg/dL{milligram per deciliter}', display: 'mg/dL{milligram per deciliter}' });
    expect(cs.propertyValues(annotated!, 'canonical')).toEqual([{ type: 'string', value: 'g.m-3' }]);
    expect(cs.get('{number of cells}/uL')).toBeDefined();
    expect(cs.get('mg /dL')).toBeUndefined();
    expect(cs.get('mg/dL {x}')).toBeUndefined();
    expect(cs.whyNotACode('mg /dL')).toContain('space');
  });

  it('keeps the UCUM library from printing to stdout (the service logs JSON lines there)', () => {
    const log = jest.spyOn(console, 'log');
    try {
      const cs = new UcumCodeSystem();
      expect(cs.get('mg /dL/ /')).toBeUndefined();
      expect(cs.whyNotACode('{a}(m) x')).toBeDefined();
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });

  it('refuses what is not a unit, saying why', () => {
    const r = validateCode(registry, { ...base, target: { kind: 'code-system' }, codings: [{ system: UCUM_URL, code: 'kgXX' }] });
    expect(r.result).toBe(false);
    expect(r.issues.map((i) => i.messageId)).toEqual(['Unknown_Code_in_Version', 'CODE_PROBLEM']);
    expect(r.issues[1].text).toContain('kgXX');
  });

  it('answers value sets that filter on the base units', () => {
    const masses = { resourceType: 'ValueSet' as const, status: 'active' as const, url: 'http://example.org/masses', compose: { include: [{ system: UCUM_URL, filter: [{ property: 'canonical', op: '=' as const, value: 'g' }] }] } };
    const check = (code: string) => validateCode(registry, { ...base, target: { kind: 'value-set', valueSet: masses }, codings: [{ system: UCUM_URL, code }] }).result;
    expect(check('mg')).toBe(true);
    expect(check('[lb_av]')).toBe(true);
    expect(check('mL')).toBe(false);
  });

  it('looks up a unit', () => {
    expect(lookup(registry, { system: UCUM_URL, code: 'mm[Hg]', languages: [], properties: [] }).designations.map((d) => d.value)).toContain('millimeter of mercury');
  });
});
