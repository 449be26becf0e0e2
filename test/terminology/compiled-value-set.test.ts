import type { CodeSystem, ValueSet, ValueSetComposeInclude } from 'fhir/r4';
import { compileValueSet } from '../../src/terminology/compiled-value-set';
import { expandValueSet, ExpandInput } from '../../src/terminology/expand';
import { TerminologyError } from '../../src/terminology/issues';
import { cacheStats } from '../../src/terminology/bounded-cache';
import { requestIndexBytes, TerminologyRegistry } from '../../src/terminology/registry';
import { versionRules } from '../../src/terminology/system-versions';
import { validateCode, ValidateCodeInput } from '../../src/terminology/validate-code';
import { shapes, shapes2 } from './fixtures';

/**
 * Value set compose semantics (FHIR R4 ValueSet.compose; $expand and $validate-code), as the
 * compiled value set evaluates them.
 */
const SYSTEM = shapes.url as string;
const registry = new TerminologyRegistry([shapes, shapes2]);
const vs = (include: ValueSetComposeInclude[], exclude?: ValueSetComposeInclude[], url = 'http://example.org/vs/t'): ValueSet => ({
  resourceType: 'ValueSet',
  url,
  status: 'active',
  compose: exclude ? { include, exclude } : { include },
});
const members = (v: ValueSet, reg = registry, options: Partial<Parameters<typeof compileValueSet>[2]> = {}): string[] =>
  [...compileValueSet(reg, v, { maxEntries: 1000, ...options }).members()].map((m) => `${m.code}@${m.version ?? ''}`);
const expand = (v: ValueSet, extra: Partial<ExpandInput> = {}, reg = registry) =>
  expandValueSet(reg, { valueSet: v, designations: [], properties: [], echo: [], maxEntries: 1000, ...extra });
const used = (e: ValueSet, name: string): string[] => (e.expansion?.parameter ?? []).filter((p) => p.name === name).map((p) => p.valueUri ?? '');
const validate = (v: ValueSet, code: string, version?: string, extra: Partial<ValidateCodeInput> = {}, reg = registry) =>
  validateCode(reg, {
    target: { kind: 'value-set', valueSet: v },
    form: 'coding',
    codings: [{ system: SYSTEM, code, ...(version ? { version } : {}) }],
    languages: [],
    abstractAllowed: true,
    activeOnly: false,
    inferSystem: false,
    lenientDisplay: false,
    ...extra,
  });

describe('a value set spanning several versions of one code system', () => {
  const both = vs([
    { system: SYSTEM, version: '1.0.0', concept: [{ code: 'square' }] },
    { system: SYSTEM, version: '2.0.0', concept: [{ code: 'square' }, { code: 'ellipse' }] },
  ]);

  it('holds the code of each version as its own member', () => {
    expect(members(both)).toEqual(['square@1.0.0', 'square@2.0.0', 'ellipse@2.0.0']);
  });

  it('expands with a used-codesystem per version, the version on each entry and the right total', () => {
    const e = expand(both);
    expect(e.expansion?.total).toBe(3);
    expect(used(e, 'used-codesystem')).toEqual([`${SYSTEM}|1.0.0`, `${SYSTEM}|2.0.0`]);
    expect(e.expansion?.contains?.map((c) => `${c.code}@${c.version}`)).toEqual(['square@1.0.0', 'square@2.0.0', 'ellipse@2.0.0']);
  });

  it('says the version on each entry when imported value sets bring different versions', () => {
    const v1 = vs([{ system: SYSTEM, version: '1.0.0', concept: [{ code: 'circle' }] }], undefined, 'http://example.org/vs/v1');
    const v2 = vs([{ system: SYSTEM, version: '2.0.0', concept: [{ code: 'ellipse' }] }], undefined, 'http://example.org/vs/v2');
    const reg = new TerminologyRegistry([v1, v2], registry);
    const e = expand(vs([{ valueSet: [v1.url as string] }, { valueSet: [v2.url as string] }]), {}, reg);
    expect(e.expansion?.contains?.map((c) => `${c.code}@${c.version}`)).toEqual(['circle@1.0.0', 'ellipse@2.0.0']);
    expect(used(e, 'used-codesystem')).toEqual([`${SYSTEM}|1.0.0`, `${SYSTEM}|2.0.0`]);
  });

  it('resolves an unversioned include to the latest version loaded', () => {
    expect(members(vs([{ system: SYSTEM, concept: [{ code: 'ellipse' }] }]))).toEqual(['ellipse@2.0.0']);
  });

  it('reports the version a code was found in ($validate-code)', () => {
    const r = validate(both, 'ellipse');
    expect(r.result).toBe(true);
    expect(r.version).toBe('2.0.0');
    const inOne = validate(both, 'square', '1.0.0');
    expect(inOne.result).toBe(true);
    expect(inOne.version).toBe('1.0.0');
  });

  it('answers a coding that names a version from the include of that version, without a mismatch from the other', () => {
    const second = validate(both, 'square', '2.0.0');
    expect(second.result).toBe(true);
    expect(second.version).toBe('2.0.0');
    expect(second.issues).toEqual([]);
    const missing = validate(both, 'ellipse', '1.0.0');
    expect(missing.result).toBe(false);
    expect(missing.issues.map((i) => i.messageId)).toEqual(['Unknown_Code_in_Version', 'None_of_the_provided_codes_are_in_the_value_set_one']);
  });

  it('finds a member by version, wildcards included', () => {
    const compiled = compileValueSet(registry, both, { maxEntries: 1000 });
    expect(compiled.findAll(SYSTEM, 'square').map((m) => m.version)).toEqual(['1.0.0', '2.0.0']);
    expect(compiled.find(SYSTEM, 'square', '2.x')?.version).toBe('2.0.0');
    expect(compiled.find(SYSTEM, 'ellipse', '1.0.0')).toBeUndefined();
  });
});

describe('exclusions', () => {
  const twoVersions = [
    { system: SYSTEM, version: '1.0.0', concept: [{ code: 'square' }, { code: 'circle' }] },
    { system: SYSTEM, version: '2.0.0', concept: [{ code: 'square' }, { code: 'ellipse' }] },
  ];

  it('by enumerated code: an exclude naming a version removes that version only; one naming none removes every version', () => {
    expect(members(vs(twoVersions, [{ system: SYSTEM, version: '1.0.0', concept: [{ code: 'square' }] }]))).toEqual(['circle@1.0.0', 'square@2.0.0', 'ellipse@2.0.0']);
    expect(members(vs(twoVersions, [{ system: SYSTEM, concept: [{ code: 'square' }] }]))).toEqual(['circle@1.0.0', 'ellipse@2.0.0']);
  });

  it('agree between the compiled value set and $validate-code: a code excluded from one version is still a member in another', () => {
    const v = vs(
      [
        { system: SYSTEM, version: '1.0.0' },
        { system: SYSTEM, version: '2.0.0' },
      ],
      [{ system: SYSTEM, version: '1.0.0', concept: [{ code: 'square' }] }],
    );
    expect(compileValueSet(registry, v, { maxEntries: 1000 }).findAll(SYSTEM, 'square').map((m) => m.version)).toEqual(['2.0.0']);
    const r = validate(v, 'square');
    expect(r.result).toBe(true);
    expect(r.version).toBe('2.0.0');
    expect(validate(v, 'square', '1.0.0').result).toBe(false);
    const unversioned = vs([{ system: SYSTEM, version: '1.0.0', concept: [{ code: 'circle' }, { code: 'square' }] }], [{ system: SYSTEM, filter: [{ property: 'concept', op: 'is-a', value: 'quad' }] }]);
    expect(members(unversioned)).toEqual(['circle@1.0.0']);
    expect(validate(unversioned, 'square').result).toBe(false);
    expect(validate(unversioned, 'circle').result).toBe(true);
  });

  it('by filter', () => {
    const all = vs([{ system: SYSTEM, version: '1.0.0' }], [{ system: SYSTEM, version: '1.0.0', filter: [{ property: 'concept', op: 'is-a', value: 'quad' }] }]);
    expect(members(all)).toEqual(['polygon@1.0.0', 'triangle@1.0.0', 'circle@1.0.0']);
  });

  it('by imported value set, and the same answer in $validate-code', () => {
    const quads = vs([{ system: SYSTEM, filter: [{ property: 'concept', op: 'descendent-of', value: 'quad' }] }], undefined, 'http://example.org/vs/quads');
    const reg = new TerminologyRegistry([quads], registry);
    const rest = vs([{ system: SYSTEM }], [{ valueSet: [quads.url as string] }]);
    expect(members(rest, reg)).toEqual(['polygon@2.0.0', 'triangle@2.0.0', 'quad@2.0.0', 'circle@2.0.0', 'ellipse@2.0.0']);
    expect(validate(rest, 'square', undefined, {}, reg).result).toBe(false);
    expect(validate(rest, 'quad', undefined, {}, reg).result).toBe(true);
  });
});

describe('notSelectable in filters', () => {
  const NOT_SELECTABLE = 'http://hl7.org/fhir/concept-properties#notSelectable';
  const system = (url: string, property: CodeSystem['property'], code: string): CodeSystem => ({
    resourceType: 'CodeSystem',
    url,
    status: 'active',
    content: 'complete',
    ...(property ? { property } : {}),
    concept: [
      { code: 'group', display: 'Group', property: [{ code, valueBoolean: true }] },
      { code: 'leaf', display: 'Leaf', property: [{ code, valueBoolean: false }] },
      { code: 'plain', display: 'Plain' },
    ],
  });
  const declared = system('http://example.org/ns/declared', [{ code: 'notSelectable', uri: NOT_SELECTABLE, type: 'boolean' }], 'notSelectable');
  const otherCode = system('http://example.org/ns/other', [{ code: 'abstract', uri: NOT_SELECTABLE, type: 'boolean' }], 'abstract');
  const undeclared = system('http://example.org/ns/undeclared', undefined, 'notSelectable');
  const reg = new TerminologyRegistry([declared, otherCode, undeclared]);
  const filtered = (cs: CodeSystem, property: string, op: 'in' | '=' | 'not-in' | 'exists', value: string): string[] =>
    members(vs([{ system: cs.url, filter: [{ property, op, value }] }]), reg).map((m) => m.split('@')[0] as string);

  it.each([
    ['declared', declared, 'notSelectable'],
    ['declared under another code (by its uri)', otherCode, 'abstract'],
    ['declared under another code, asked by the standard name', otherCode, 'notSelectable'],
    ['used without being declared', undeclared, 'notSelectable'],
  ])('works when the property is %s', (_label, cs, property) => {
    expect(filtered(cs, property, '=', 'true')).toEqual(['group']);
    expect(filtered(cs, property, '=', 'false')).toEqual(['leaf', 'plain']);
    expect(filtered(cs, property, 'in', 'true')).toEqual(['group']);
    expect(filtered(cs, property, 'not-in', 'true')).toEqual(['leaf', 'plain']);
    expect(filtered(cs, property, 'exists', 'true')).toEqual(['group', 'leaf']);
    expect(filtered(cs, property, 'exists', 'false')).toEqual(['plain']);
  });

  it('leaves a not-selectable concept out of a value set that selects only selectable ones, in $expand and $validate-code', () => {
    const selectable = vs([{ system: otherCode.url, filter: [{ property: 'notSelectable', op: '=', value: 'false' }] }]);
    expect(codesOf(expand(selectable, {}, reg))).toEqual(['leaf', 'plain']);
    const ask = (code: string) =>
      validateCode(reg, { target: { kind: 'value-set', valueSet: selectable }, form: 'coding', codings: [{ system: otherCode.url, code }], languages: [], abstractAllowed: true, activeOnly: false, inferSystem: false, lenientDisplay: false });
    expect(ask('group').result).toBe(false);
    expect(ask('leaf').result).toBe(true);
  });
});

const codesOf = (e: ValueSet): string[] => (e.expansion?.contains ?? []).map((c) => c.code ?? '');

describe('default-valueset-version', () => {
  const inner = (version: string, code: string): ValueSet => ({ ...vs([{ system: SYSTEM, version: '1.0.0', concept: [{ code }] }], undefined, 'http://example.org/vs/inner'), version });
  const middle = vs([{ valueSet: ['http://example.org/vs/inner'] }], undefined, 'http://example.org/vs/middle');
  const outer = vs([{ valueSet: ['http://example.org/vs/middle'] }], undefined, 'http://example.org/vs/outer');
  const reg = new TerminologyRegistry([inner('1', 'square'), inner('2', 'triangle'), middle, outer], registry);
  const pins = (version: string) => new Map([['http://example.org/vs/inner', version]]);

  it('pins the version of a value set imported without one, through several levels of imports', () => {
    expect(members(outer, reg)).toEqual(['triangle@1.0.0']);
    expect(members(outer, reg, { valueSetVersions: pins('1') })).toEqual(['square@1.0.0']);
    const e = expand(outer, { valueSetVersions: pins('1') }, reg);
    expect(codesOf(e)).toEqual(['square']);
    expect((e.expansion?.parameter ?? []).find((p) => p.name === 'default-valueset-version')?.valueUri).toBe('http://example.org/vs/inner|1');
  });

  it('applies to $validate-code', () => {
    expect(validate(outer, 'square', undefined, { valueSetVersions: pins('1') }, reg).result).toBe(true);
    expect(validate(outer, 'square', undefined, {}, reg).result).toBe(false);
  });

  it('is an error naming the version when the pinned version does not exist', () => {
    expect(() => expand(outer, { valueSetVersions: pins('9') }, reg)).toThrow("Unable to find included value set 'http://example.org/vs/inner' version '9'");
    const r = validate(outer, 'square', undefined, { valueSetVersions: pins('9') }, reg);
    expect(r.result).toBe(false);
    expect(r.message).toContain("version '9'");
  });
});

describe('version selection with system-version, force-system-version and check-system-version together', () => {
  const other: CodeSystem = { ...shapes, url: 'http://example.org/other', version: '1.0.0' };
  const other2: CodeSystem = { ...shapes2, url: 'http://example.org/other', version: '2.0.0' };
  const reg = new TerminologyRegistry([shapes, shapes2, other, other2]);
  const third: CodeSystem = { ...shapes, url: 'http://example.org/third', version: '3.1.0' };
  const withThird = new TerminologyRegistry([third], reg);

  it('force overrides a stated version, system-version fills in an unstated one, check-system-version accepts a match', () => {
    const rules = versionRules({
      force: new Map([[SYSTEM, '1.0.0']]),
      fallback: new Map([['http://example.org/other', '1.0.0']]),
      check: new Map([['http://example.org/third', '3.x']]),
    });
    const v = vs([
      { system: SYSTEM, version: '2.0.0', concept: [{ code: 'square' }] },
      { system: 'http://example.org/other', concept: [{ code: 'square' }] },
      { system: 'http://example.org/third', concept: [{ code: 'square' }] },
    ]);
    const e = expand(v, { versionRules: rules }, withThird);
    expect(used(e, 'used-codesystem')).toEqual([`${SYSTEM}|1.0.0`, 'http://example.org/other|1.0.0', 'http://example.org/third|3.1.0']);
    expect(used(e, 'force-system-version')).toEqual([`${SYSTEM}|1.0.0`]);
    expect(used(e, 'system-version')).toEqual(['http://example.org/other|1.0.0']);
  });

  it('check-system-version refuses a version that does not match it', () => {
    const rules = versionRules({ check: new Map([[SYSTEM, '1.x']]) });
    expect(() => expand(vs([{ system: SYSTEM, version: '2.0.0' }]), { versionRules: rules })).toThrow(TerminologyError);
  });

  it('a wildcard include version takes the latest version it matches', () => {
    expect(members(vs([{ system: SYSTEM, version: '1.x', concept: [{ code: 'square' }] }]))).toEqual(['square@1.0.0']);
    expect(members(vs([{ system: SYSTEM, version: '*', concept: [{ code: 'square' }] }]))).toEqual(['square@2.0.0']);
  });
});

describe('regex filters', () => {
  it('match the whole value', () => {
    expect(members(vs([{ system: SYSTEM, version: '1.0.0', filter: [{ property: 'code', op: 'regex', value: 'qua' }] }]))).toEqual([]);
    expect(members(vs([{ system: SYSTEM, version: '1.0.0', filter: [{ property: 'code', op: 'regex', value: 'qua.*' }] }]))).toEqual(['quad@1.0.0']);
    expect(members(vs([{ system: SYSTEM, version: '1.0.0', filter: [{ property: 'display', op: 'regex', value: '[A-Z][a-z]+le' }] }]))).toEqual(['triangle@1.0.0', 'circle@1.0.0']);
  });
});

describe('the cache of compiled value sets', () => {
  it('never answers one registry with another registry’s sent resources', () => {
    const mine: CodeSystem = { resourceType: 'CodeSystem', url: 'http://example.org/sent', status: 'active', content: 'complete', concept: [{ code: 'x' }] };
    const theirs: CodeSystem = { ...mine, concept: [{ code: 'y' }] };
    const v = vs([{ system: 'http://example.org/sent' }]);
    expect(members(v, registry.overlay([mine]))).toEqual(['x@']);
    expect(members(v, registry.overlay([theirs]))).toEqual(['y@']);
    expect(members(v, registry.overlay([{ ...mine }]))).toEqual(['x@']);
  });

  it('gives the same compiled value set for the same content', () => {
    const v = vs([{ system: SYSTEM, concept: [{ code: 'square' }] }]);
    expect(compileValueSet(registry, v, { maxEntries: 10 })).toBe(compileValueSet(registry, { ...v }, { maxEntries: 10 }));
  });
});

describe('one membership engine', () => {
  const quads: ValueSet = { resourceType: 'ValueSet', url: 'http://x/quads', status: 'active', compose: { include: [{ system: SYSTEM, filter: [{ property: 'concept', op: 'is-a', value: 'quad' }] }] } };
  const agreeRegistry = new TerminologyRegistry([shapes, shapes2, quads]);
  const composeOf = (include: ValueSetComposeInclude[], exclude?: ValueSetComposeInclude[], inactive?: boolean): ValueSet => ({ resourceType: 'ValueSet', url: 'http://x/vs', status: 'active', compose: { include, ...(exclude ? { exclude } : {}), ...(inactive === false ? { inactive } : {}) } });
  const cases: Array<[string, ValueSet]> = [
    ['whole', composeOf([{ system: SYSTEM }])],
    ['whole v1', composeOf([{ system: SYSTEM, version: '1.0.0' }])],
    ['v1+v2 lists', composeOf([{ system: SYSTEM, version: '1.0.0', concept: [{ code: 'square' }, { code: 'circle' }] }, { system: SYSTEM, version: '2.0.0', concept: [{ code: 'ellipse' }, { code: 'square' }] }])],
    ['filter', composeOf([{ system: SYSTEM, filter: [{ property: 'sides', op: 'exists', value: 'true' }] }])],
    ['import', composeOf([{ valueSet: [quads.url as string] }])],
    ['import+system', composeOf([{ system: SYSTEM, concept: [{ code: 'square' }, { code: 'circle' }], valueSet: [quads.url as string] }])],
    ['exclude import', composeOf([{ system: SYSTEM }], [{ valueSet: [quads.url as string] }])],
    ['exclude v1', composeOf([{ system: SYSTEM, version: '1.0.0' }, { system: SYSTEM, version: '2.0.0' }], [{ system: SYSTEM, version: '1.0.0', concept: [{ code: 'square' }] }])],
    ['exclude unversioned filter', composeOf([{ system: SYSTEM, version: '1.0.0' }, { system: SYSTEM, version: '2.0.0' }], [{ system: SYSTEM, filter: [{ property: 'concept', op: 'is-a', value: 'quad' }] }])],
    ['inactive false', composeOf([{ system: SYSTEM }], undefined, false)],
    ['notSelectable false', composeOf([{ system: SYSTEM, filter: [{ property: 'notSelectable', op: '=', value: 'false' }] }])],
  ];
  const askedCodes = ['polygon', 'triangle', 'quad', 'square', 'rhombus', 'circle', 'ellipse', 'SQUARE', 'nope'];

  it('gives the compiled value set and $validate-code the same answer', () => {
    const disagreements: string[] = [];
    for (const [label, v] of cases) {
      const compiled = compileValueSet(agreeRegistry, v, { maxEntries: 1000 });
      for (const code of askedCodes) {
        for (const version of [undefined, '1.0.0', '2.0.0']) {
          // A coding's version fills in a versionless include ($validate-code checks that version of
          // the system); the compiled value set holds the version the include resolves to (its imports' includes too).
          if (version && [v, ...(v.compose?.include.some((i) => i.valueSet?.length) ? [quads] : [])].some((x) => x.compose?.include.some((i) => i.system === SYSTEM && !i.version))) continue;
          const inCompiled = compiled.find(SYSTEM, code, version) !== undefined;
          const validated = validate(v, code, version, { membershipOnly: true }, agreeRegistry).result;
          if (inCompiled !== validated) disagreements.push(`${label} ${code}@${version}: compiled ${inCompiled}, $validate-code ${validated}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});

describe('the compiled value set cache', () => {
  const cachedBytes = (): number => cacheStats().find((c) => c.name === 'compiled-value-sets')?.bytes ?? 0;

  it("counts the index of a code system sent with the request that a compiled value set keeps alive (the index cache may have refused it), and not the server's own", () => {
    const sent: CodeSystem = {
      ...shapes,
      url: 'http://example.org/sent-large',
      version: '1',
      concept: Array.from({ length: 2000 }, (_, i) => ({ code: `c${i}`, display: `Concept ${i}` })),
    };
    const overlay = registry.overlay([sent]);
    const before = cachedBytes();
    compileValueSet(overlay, vs([{ system: sent.url, filter: [{ property: 'code', op: 'regex', value: 'c1.*' }] }]), { maxEntries: 100_000 });
    const index = overlay.codeSystem(sent.url as string);
    if (!index) throw new Error('the sent code system');
    expect(requestIndexBytes(index)).toBeGreaterThan(JSON.stringify(sent).length);
    expect(cachedBytes() - before).toBeGreaterThanOrEqual(requestIndexBytes(index));
    const own = registry.codeSystem(SYSTEM);
    if (!own) throw new Error('fixtures');
    expect(requestIndexBytes(own)).toBe(0);
  });
});
