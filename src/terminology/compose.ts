import type { CodeSystem, ValueSet, ValueSetComposeInclude, ValueSetComposeIncludeConcept } from 'fhir/r4';
import type { CodeSystemIndex, Concept } from './code-system-index';
import { applyFilters, compileFilter } from './filters';
import { issue, TerminologyError, TerminologyIssue } from './issues';
import type { TerminologyRegistry } from './registry';
import { appliedRule, noVersionRules, resolveCodingVersion, ruleVersion, SystemVersionRules, VersionRuleName, versionCheckIssue } from './system-versions';
import { presentVersionList, splitCanonical } from './versions';

export { noVersionRules, type SystemVersionRules } from './system-versions';

export interface ComposeContext {
  registry: TerminologyRegistry;
  versionRules: SystemVersionRules;
  /** url|version of each code system an answer relied on. */
  usedCodeSystems: Map<string, CodeSystemIndex>;
  /** The version parameters that decided a version (an expansion reports these, and no others). */
  appliedVersionRules: Map<string, { name: VersionRuleName; canonical: string }>;
  /** Value sets being evaluated, outermost first, to detect import cycles. */
  path: string[];
  warnings: TerminologyIssue[];
}

export function newComposeContext(registry: TerminologyRegistry, versionRules = noVersionRules()): ComposeContext {
  return { registry, versionRules, usedCodeSystems: new Map(), appliedVersionRules: new Map(), path: [], warnings: [] };
}

/** Does the value set state different versions of one code system (so expansion entries must say which)? */
export function statesSeveralVersions(vs: ValueSet): boolean {
  const stated = new Map<string, string | undefined>();
  for (const set of [...(vs.compose?.include ?? []), ...(vs.compose?.exclude ?? [])]) {
    if (!set.system) continue;
    if (stated.has(set.system) && stated.get(set.system) !== set.version) return true;
    stated.set(set.system, set.version);
  }
  return false;
}

export function canonicalOf(r: { url?: string; version?: string }): string {
  return r.version ? `${r.url}|${r.version}` : (r.url ?? '');
}

/** A value set by canonical, including the implicit ones (CodeSystem.valueSet and `?fhir_vs`). */
export function resolveValueSet(registry: TerminologyRegistry, canonical: string, version?: string): ValueSet | undefined {
  const explicit = registry.resolve('ValueSet', canonical, version);
  if (explicit) return explicit;
  const { url } = splitCanonical(canonical);
  const q = url.indexOf('?fhir_vs');
  if (q >= 0) {
    const system = url.slice(0, q);
    const cs = registry.codeSystem(system);
    if (!cs) return undefined;
    const rest = url.slice(q + '?fhir_vs'.length);
    const include: ValueSetComposeInclude = { system };
    if (rest.startsWith('=isa/')) include.filter = [{ property: 'concept', op: 'is-a', value: decodeURIComponent(rest.slice(5)) }];
    else if (rest !== '') return undefined;
    return { resourceType: 'ValueSet', url, status: 'active', compose: { include: [include] } };
  }
  const owner = registry.all('CodeSystem').find((cs: CodeSystem) => cs.valueSet === url);
  if (owner?.url) {
    return {
      resourceType: 'ValueSet',
      url,
      version: owner.version,
      name: owner.name,
      status: owner.status,
      compose: { include: [{ system: owner.url, version: owner.version }] },
    };
  }
  return undefined;
}

function unknownSystemError(ctx: ComposeContext, system: string, version: string | undefined, forExpansion: boolean): TerminologyError {
  const versions = ctx.registry.versionsOf('CodeSystem', system);
  if (version) {
    return new TerminologyError(versions.length
        ? issue('UNKNOWN_CODESYSTEM_VERSION_EXP', [system, version, presentVersionList(versions)])
        : issue('UNKNOWN_CODESYSTEM_VERSION_EXP_NONE', [system, version]),
    );
  }
  return new TerminologyError(issue(forExpansion ? 'UNKNOWN_CODESYSTEM_EXP' : 'UNKNOWN_CODESYSTEM', [system]));
}

/**
 * The code system an include draws on, honouring the request's version rules. A version that
 * check-system-version rejects ends the operation (expansion); membership checks use
 * codeSystemForMembership, which leaves that to validation to report.
 */
export function codeSystemForInclude(
  ctx: ComposeContext,
  system: string,
  includeVersion: string | undefined,
): { cs?: CodeSystemIndex; version?: string } {
  const rule = appliedRule(ctx.versionRules, system, includeVersion);
  const version = rule?.version ?? (includeVersion || undefined);
  if (rule) ctx.appliedVersionRules.set(`${rule.name}|${system}|${rule.version}`, { name: rule.name, canonical: `${system}|${rule.version}` });
  const cs = ctx.registry.codeSystem(system, version);
  if (cs) {
    const rejected = versionCheckIssue(ctx.versionRules, cs);
    if (rejected) throw new TerminologyError(rejected);
    ctx.usedCodeSystems.set(canonicalOf(cs), cs);
  }
  return { cs, version };
}

/** The code system an include checks a coding against: the include's version, narrowed or filled in by the coding's. */
function codeSystemForMembership(ctx: ComposeContext, system: string, includeVersion: string | undefined, codingVersion: string | undefined): CodeSystemIndex | undefined {
  const { version } = resolveCodingVersion(ctx.registry, ctx.versionRules, system, includeVersion, codingVersion, '');
  const cs = ctx.registry.codeSystem(system, ruleVersion(ctx.versionRules, system, version));
  if (cs) ctx.usedCodeSystems.set(canonicalOf(cs), cs);
  return cs;
}

function ensureUsable(cs: CodeSystemIndex): void {
  if (cs.content === 'not-present' || cs.content === 'supplement') {
    throw new TerminologyError(issue('CODESYSTEM_CS_NO_VS_NOTCOMPLETE', [canonicalOf(cs), cs.content]),
    );
  }
}

function enterValueSet(ctx: ComposeContext, vs: ValueSet): () => void {
  const key = canonicalOf(vs);
  if (ctx.path.includes(key)) {
    throw new TerminologyError(issue('VALUESET_CIRCULAR_REFERENCE', [key, ctx.path.join(', ')]),
    );
  }
  ctx.path.push(key);
  return () => ctx.path.pop();
}

function importedValueSet(ctx: ComposeContext, canonical: string): ValueSet {
  return resolveValueSet(ctx.registry, canonical) ?? missingImport(canonical);
}

/** A value set imported by another (compose.include.valueSet) that cannot be found. */
export function missingImport(canonical: string): never {
  const parts = splitCanonical(canonical);
  throw new TerminologyError(parts.version
      ? issue('VALUESET_INCLUDE_NOT_FOUND', [parts.url, parts.version])
      : issue('Unable_to_resolve_value_Set_', [canonical]),
  );
}

// ---------------------------------------------------------------------------------------------
// Membership: is system#code in the value set? Answered from the definition, without expanding.

export type Membership =
  | { kind: 'member'; cs?: CodeSystemIndex; concept?: Concept; system: string; listed?: ValueSetComposeIncludeConcept }
  | { kind: 'not-member' };

export function valueSetContains(ctx: ComposeContext, vs: ValueSet, system: string, code: string, version?: string): Membership {
  const leave = enterValueSet(ctx, vs);
  try {
    if (!vs.compose) return containsInExpansion(vs, system, code);
    let found: Membership = { kind: 'not-member' };
    for (const include of vs.compose.include) {
      const m = includeContains(ctx, include, system, code, version);
      if (m.kind === 'member') {
        found = m;
        break;
      }
    }
    if (found.kind === 'not-member') return found;
    for (const exclude of vs.compose.exclude ?? []) {
      if (includeContains(ctx, exclude, system, code, version).kind === 'member') return { kind: 'not-member' };
    }
    return found;
  } finally {
    leave();
  }
}

function containsInExpansion(vs: ValueSet, system: string, code: string): Membership {
  const stack = [...(vs.expansion?.contains ?? [])];
  while (stack.length) {
    const c = stack.pop();
    if (!c) break;
    if (c.system === system && c.code === code) return { kind: 'member', system };
    stack.push(...(c.contains ?? []));
  }
  return { kind: 'not-member' };
}

function includeContains(
  ctx: ComposeContext,
  include: ValueSetComposeInclude,
  system: string,
  code: string,
  requestedVersion?: string,
): Membership {
  let result: Membership = { kind: 'member', system };
  if (include.system) {
    if (include.system !== system) return { kind: 'not-member' };
    // An include whose code system is not known contains nothing; validation reports the unknown version.
    const cs = codeSystemForMembership(ctx, include.system, include.version, requestedVersion);
    if (!cs) return { kind: 'not-member' };
    ensureUsable(cs);
    const concept = cs.get(code);
    if (include.concept) {
      const listed = include.concept.find((c) => (cs.caseSensitive ? c.code === code : c.code.toLowerCase() === code.toLowerCase()));
      if (!listed || !concept) return { kind: 'not-member' };
      result = { kind: 'member', cs, concept, system, listed };
    } else {
      if (!concept) return { kind: 'not-member' };
      const filters = (include.filter ?? []).map((f) => compileFilter(cs, f));
      if (!filters.every((f) => f.test(concept))) return { kind: 'not-member' };
      result = { kind: 'member', cs, concept, system };
    }
  }
  for (const canonical of include.valueSet ?? []) {
    const imported = importedValueSet(ctx, canonical);
    const m = valueSetContains(ctx, imported, system, code, requestedVersion);
    if (m.kind === 'not-member') return m;
    if (!include.system) result = m;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Expansion: every member of the value set.

export interface ExpansionEntry {
  system: string;
  version?: string;
  code: string;
  display?: string;
  concept?: Concept;
  cs?: CodeSystemIndex;
  listed?: ValueSetComposeIncludeConcept;
}

export interface ExpansionLimits {
  maxEntries: number;
  /** Leave out inactive concepts everywhere (the activeOnly parameter). */
  activeOnly?: boolean;
  /** Collects the value sets imported along the way (used-valueset, status warnings). */
  usedValueSets?: ValueSet[];
}

const entryKey = (e: { system: string; code: string }): string => `${e.system}\u0000${e.code}`;

export function expandCompose(ctx: ComposeContext, vs: ValueSet, limits: ExpansionLimits): ExpansionEntry[] {
  const leave = enterValueSet(ctx, vs);
  try {
    if (!vs.compose) {
      return flattenExpansion(vs);
    }
    const entries = new Map<string, ExpansionEntry>();
    for (const include of vs.compose.include) {
      for (const e of includeEntries(ctx, include, limits)) {
        if (!entries.has(entryKey(e))) entries.set(entryKey(e), e);
        if (entries.size > limits.maxEntries) {
          throw new TerminologyError(issue('VALUESET_TOO_COSTLY', [canonicalOf(vs), limits.maxEntries]),
          );
        }
      }
    }
    for (const exclude of vs.compose.exclude ?? []) {
      for (const e of includeEntries(ctx, exclude, { ...limits, maxEntries: Number.MAX_SAFE_INTEGER })) entries.delete(entryKey(e));
    }
    // compose.inactive = false: this value set leaves inactive concepts out.
    const all = [...entries.values()];
    return vs.compose.inactive === false || limits.activeOnly ? all.filter((e) => !e.concept?.inactive) : all;
  } finally {
    leave();
  }
}

function flattenExpansion(vs: ValueSet): ExpansionEntry[] {
  const out: ExpansionEntry[] = [];
  const walk = (list: NonNullable<ValueSet['expansion']>['contains']): void => {
    for (const c of list ?? []) {
      if (c.system && c.code) out.push({ system: c.system, version: c.version, code: c.code, display: c.display });
      walk(c.contains);
    }
  };
  walk(vs.expansion?.contains);
  return out;
}

/**
 * A value set that is one include of a code system, whole or by property filters (no concept
 * list, no imported value sets, no exclude), such as the implicit `?fhir_vs` value sets: its
 * code system and its members in expansion order, taken from the index without building entries.
 * Undefined for any other value set. `filtered`: narrowed by the include's filters (else all of `cs.concepts`).
 */
export function singleSystemMembers(
  ctx: ComposeContext,
  vs: ValueSet,
): { system: string; cs: CodeSystemIndex; concepts: readonly Concept[]; filtered: boolean } | undefined {
  const include = vs.compose?.include;
  if (!include || include.length !== 1 || vs.compose?.exclude?.length) return undefined;
  const only = include[0] as ValueSetComposeInclude;
  if (!only.system || only.concept || only.valueSet?.length) return undefined;
  const leave = enterValueSet(ctx, vs);
  try {
    const { cs, version } = codeSystemForInclude(ctx, only.system, only.version);
    if (!cs) throw unknownSystemError(ctx, only.system, version, true);
    ensureUsable(cs);
    const filters = (only.filter ?? []).map((f) => compileFilter(cs, f));
    return { system: only.system, cs, concepts: filters.length ? applyFilters(cs, filters) : cs.concepts, filtered: filters.length > 0 };
  } finally {
    leave();
  }
}

function includeEntries(ctx: ComposeContext, include: ValueSetComposeInclude, limits: ExpansionLimits): ExpansionEntry[] {
  let entries: ExpansionEntry[] | undefined;
  if (include.system) {
    const { cs, version } = codeSystemForInclude(ctx, include.system, include.version);
    if (!cs) throw unknownSystemError(ctx, include.system, version, true);
    ensureUsable(cs);
    if (include.concept) {
      entries = [];
      for (const listed of include.concept) {
        const concept = cs.get(listed.code);
        if (!concept) continue;
        entries.push({ system: include.system, version: cs.version, code: concept.code, display: listed.display ?? concept.display, concept, cs, listed });
      }
    } else {
      const filters = (include.filter ?? []).map((f) => compileFilter(cs, f));
      if (!filters.length && cs.size > limits.maxEntries) {
        throw new TerminologyError(issue('VALUESET_TOO_COSTLY', [canonicalOf(cs), limits.maxEntries]),
        );
      }
      const concepts = filters.length ? applyFilters(cs, filters) : cs.concepts;
      entries = concepts.map((concept) => ({ system: include.system as string, version: cs.version, code: concept.code, display: concept.display, concept, cs }));
    }
  }
  for (const canonical of include.valueSet ?? []) {
    const importedVs = importedValueSet(ctx, canonical);
    if (limits.usedValueSets && !limits.usedValueSets.includes(importedVs)) limits.usedValueSets.push(importedVs);
    const imported = expandCompose(ctx, importedVs, limits);
    if (entries === undefined) {
      entries = imported;
    } else {
      const keep = new Set(imported.map(entryKey));
      entries = entries.filter((e) => keep.has(entryKey(e)));
    }
  }
  return entries ?? [];
}
