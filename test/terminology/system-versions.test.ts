import { codeSystemForInclude, newComposeContext, statesSeveralVersions } from '../../src/terminology/compose';
import { TerminologyError } from '../../src/terminology/issues';
import { TerminologyRegistry } from '../../src/terminology/registry';
import {
  appliedRule,
  noVersionRules,
  resolveCodingVersion,
  ruleVersion,
  SystemVersionRules,
  versionCheckIssue,
  versionIsMoreDetailed,
  versionRules,
} from '../../src/terminology/system-versions';
import { presentVersionList } from '../../src/terminology/versions';
import { shapes, shapes2 } from './fixtures';

const SYSTEM = shapes.url as string;
const registry = new TerminologyRegistry([shapes, shapes2]);
const rules = (kind: keyof SystemVersionRules, version: string): SystemVersionRules => versionRules({ [kind]: new Map([[SYSTEM, version]]) });

describe('system version rules', () => {
  it('force wins over a stated version; system-version and check-system-version only fill in', () => {
    expect(ruleVersion(rules('force', '1.0.x'), SYSTEM, '2.0.0')).toBe('1.0.x');
    expect(ruleVersion(rules('fallback', '1.0.0'), SYSTEM, '2.0.0')).toBe('2.0.0');
    expect(ruleVersion(rules('fallback', '1.0.0'), SYSTEM, undefined)).toBe('1.0.0');
    expect(ruleVersion(rules('check', '1.0.x'), SYSTEM, undefined)).toBe('1.0.x');
    expect(ruleVersion(rules('check', '1.0.x'), SYSTEM, '2.0.0')).toBe('2.0.0');
    expect(ruleVersion(noVersionRules(), SYSTEM, undefined)).toBeUndefined();
  });

  it('check-system-version rejects a resolved version it does not match', () => {
    const latest = registry.codeSystem(SYSTEM);
    const first = registry.codeSystem(SYSTEM, '1.0.0');
    if (!latest || !first) throw new Error('fixtures');
    expect(versionCheckIssue(rules('check', '1.0.x'), first)).toBeUndefined();
    const rejected = versionCheckIssue(rules('check', '1.0.x'), latest, 'Coding.version');
    expect(rejected?.messageId).toBe('VALUESET_VERSION_CHECK');
    expect(rejected?.text).toBe(`The version '2.0.0' is not allowed for system '${SYSTEM}': required to be '1.0.x' by a version-check parameter`);
    expect(rejected?.expression).toEqual(['Coding.version']);
  });

  it('a version is more detailed than a wildcard it matches, never than a shorter plain version', () => {
    expect(versionIsMoreDetailed('1.x.x', '1.0.0')).toBe(true);
    expect(versionIsMoreDetailed('1.0.x', '2.0.0')).toBe(false);
    expect(versionIsMoreDetailed('1', '1.0.0')).toBe(false);
  });

  it('lists versions the way messages do', () => {
    expect(presentVersionList(['0.1.0'])).toBe('0.1.0');
    expect(presentVersionList(['1.2.0', '1.0.0'])).toBe('1.0.0 or 1.2.0');
    expect(presentVersionList(['3', '1', '2'])).toBe('1, 2 and 3');
  });
});

describe('the version an include checks a coding against', () => {
  const none = noVersionRules();

  it('is the include version when the coding names none', () => {
    expect(resolveCodingVersion(registry, none, SYSTEM, '1.0.0', undefined, 'Coding')).toEqual({ version: '1.0.0', issues: [] });
    expect(resolveCodingVersion(registry, none, SYSTEM, undefined, undefined, 'Coding').version).toBeUndefined();
  });

  it('is narrowed by a coding version matching a wildcard include', () => {
    const r = resolveCodingVersion(registry, none, SYSTEM, '1.x', '1.0.0', 'Coding');
    expect(r).toEqual({ version: '1.0.0', issues: [] });
  });

  it('is filled in by a known coding version for a versionless include', () => {
    expect(resolveCodingVersion(registry, none, SYSTEM, undefined, '1.0.0', 'Coding')).toEqual({ version: '1.0.0', issues: [] });
  });

  it('reports a coding version that differs from the include version', () => {
    const r = resolveCodingVersion(registry, none, SYSTEM, '2.0.0', '1.0.0', 'Coding');
    expect(r.version).toBe('2.0.0');
    expect(r.issues.map((i) => [i.severity, i.messageId, i.expression?.[0]])).toEqual([['error', 'VALUESET_VALUE_MISMATCH', 'Coding.version']]);
    expect(r.issues[0]?.text).toBe(`The code system '${SYSTEM}' version '2.0.0' in the ValueSet include is different to the one in the value ('1.0.0')`);
  });

  it('warns when a versionless include resolves to another version than an unknown coding version, and reports that version unknown', () => {
    const r = resolveCodingVersion(registry, none, SYSTEM, undefined, '9.9.9', '');
    expect(r.version).toBeUndefined();
    expect(r.unknownCodingVersion).toBe(`${SYSTEM}|9.9.9`);
    expect(r.issues.map((i) => [i.severity, i.messageId, i.expression?.[0]])).toEqual([
      ['warning', 'VALUESET_VALUE_MISMATCH_DEFAULT', 'version'],
      ['error', 'UNKNOWN_CODESYSTEM_VERSION', 'system'],
    ]);
    expect(r.issues[1]?.text).toContain('Valid versions: 1.0.0 or 2.0.0');
  });

  it('says which version a request rule changed the include to', () => {
    const r = resolveCodingVersion(registry, rules('force', '1.0.x'), SYSTEM, '1.0.0', '9.9.9', 'Coding');
    expect(r.issues[0]?.messageId).toBe('VALUESET_VALUE_MISMATCH_CHANGED');
    expect(r.issues[0]?.text).toBe(
      `The code system '${SYSTEM}' version '1.0.x' resulting from the version '1.0.0' in the ValueSet include is different to the one in the value ('9.9.9')`,
    );
  });

  it('reports an include version that matches no code system', () => {
    const r = resolveCodingVersion(registry, none, SYSTEM, '1', '1.0.0', 'Coding');
    expect(r.version).toBe('1');
    expect(r.issues.map((i) => i.messageId)).toEqual(['VALUESET_VALUE_MISMATCH']);
  });
});

describe('the code system an expansion include uses', () => {
  it('follows the rules, and ends the expansion when check-system-version rejects it', () => {
    expect(codeSystemForInclude(newComposeContext(registry, rules('check', '1.0.x')), SYSTEM, undefined).cs?.version).toBe('1.0.0');
    expect(codeSystemForInclude(newComposeContext(registry, rules('force', '1.0.x')), SYSTEM, '2.0.0').cs?.version).toBe('1.0.0');
    expect(codeSystemForInclude(newComposeContext(registry, rules('fallback', '1.0.0')), SYSTEM, '2.0.0').cs?.version).toBe('2.0.0');
    expect(() => codeSystemForInclude(newComposeContext(registry, rules('check', '1.0.x')), SYSTEM, '2.0.0')).toThrow(TerminologyError);
  });
});

describe('the version parameters an expansion reports', () => {
  it('are those that decided a version', () => {
    expect(appliedRule(rules('force', '1.0.x'), SYSTEM, '2.0.0')).toEqual({ name: 'force-system-version', version: '1.0.x' });
    expect(appliedRule(rules('fallback', '1.0.0'), SYSTEM, '2.0.0')).toBeUndefined();
    expect(appliedRule(rules('check', '1.0.x'), SYSTEM, undefined)).toEqual({ name: 'check-system-version', version: '1.0.x' });
    const ctx = newComposeContext(registry, rules('fallback', '1.0.0'));
    codeSystemForInclude(ctx, SYSTEM, '2.0.0');
    expect([...ctx.appliedVersionRules.values()]).toEqual([]);
    codeSystemForInclude(ctx, SYSTEM, undefined);
    expect([...ctx.appliedVersionRules.values()]).toEqual([{ name: 'system-version', canonical: `${SYSTEM}|1.0.0` }]);
  });

  it('entries name their version when a value set states several versions of one system', () => {
    const compose = (versions: Array<string | undefined>) => ({
      resourceType: 'ValueSet' as const,
      status: 'active' as const,
      compose: { include: versions.map((version) => ({ system: SYSTEM, ...(version ? { version } : {}) })) },
    });
    expect(statesSeveralVersions(compose(['1.0.0', '2.0.0']))).toBe(true);
    expect(statesSeveralVersions(compose(['1.0.0', '1.0.0']))).toBe(false);
    expect(statesSeveralVersions(compose([undefined]))).toBe(false);
  });
});
