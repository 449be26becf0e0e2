import type { CodeSystem, ValueSet, ValueSetComposeInclude } from 'fhir/r4';
import type { CodeSystemIndex } from './code-system-index';
import { issue, TerminologyError } from './issues';
import type { TerminologyRegistry } from './registry';
import { appliedRule, noVersionRules, SystemVersionRules, VersionRuleName, versionCheckIssue } from './system-versions';
import { canonicalOf, presentVersionList, splitCanonical } from './versions';

export { noVersionRules, type SystemVersionRules, versionRules } from './system-versions';

export interface ComposeContext {
  registry: TerminologyRegistry;
  versionRules: SystemVersionRules;
  /** url|version of each code system an answer relied on. */
  usedCodeSystems: Map<string, CodeSystemIndex>;
  /** The version parameters that decided a version (an expansion reports these, and no others). */
  appliedVersionRules: Map<string, { name: VersionRuleName; canonical: string }>;
  /** default-valueset-version: the version of each value set url referenced without one. */
  valueSetVersions: ReadonlyMap<string, string>;
  /** Value sets being evaluated, outermost first, to detect import cycles. */
  path: string[];
  /** Imported value sets already resolved in this request, by the canonical that imports them. */
  imports: Map<string, ValueSet>;
  /** The default-valueset-version pins that decided an import (url|version), for the expansion to report. */
  appliedValueSetVersions: Set<string>;
}

/** No default-valueset-version pins (shared: pins are only read). */
export const NO_PINS: ReadonlyMap<string, string> = new Map();

export function newComposeContext(registry: TerminologyRegistry, versionRules = noVersionRules(), valueSetVersions: ReadonlyMap<string, string> = NO_PINS): ComposeContext {
  return { registry, versionRules, valueSetVersions, usedCodeSystems: new Map(), appliedVersionRules: new Map(), path: [], imports: new Map(), appliedValueSetVersions: new Set() };
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

export function unknownSystemError(ctx: ComposeContext, system: string, version: string | undefined, forExpansion: boolean): TerminologyError {
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
    ctx.usedCodeSystems.set(cs.canonical, cs);
  }
  return { cs, version };
}

export function ensureUsable(cs: CodeSystemIndex): void {
  if (cs.content === 'not-present' || cs.content === 'supplement') {
    throw new TerminologyError(issue('CODESYSTEM_CS_NO_VS_NOTCOMPLETE', [canonicalOf(cs), cs.content]),
    );
  }
}

export function enterValueSet(ctx: ComposeContext, vs: ValueSet): () => void {
  const key = canonicalOf(vs);
  if (ctx.path.includes(key)) {
    throw new TerminologyError(issue('VALUESET_CIRCULAR_REFERENCE', [key, ctx.path.join(', ')]),
    );
  }
  ctx.path.push(key);
  return () => ctx.path.pop();
}

/**
 * A value set imported by another (compose.include.valueSet), resolved once per request. One
 * imported without a version takes the version default-valueset-version pins for its url, at any
 * depth of imports; a pin to a version that does not exist is an error that names it.
 */
export function importedValueSet(ctx: ComposeContext, canonical: string): ValueSet {
  const known = ctx.imports.get(canonical);
  if (known) return known;
  const parts = splitCanonical(canonical);
  const pinned = parts.version === undefined ? ctx.valueSetVersions.get(parts.url) : undefined;
  const found = resolveValueSet(ctx.registry, parts.url, parts.version ?? pinned) ?? missingImport(pinned ? `${parts.url}|${pinned}` : canonical);
  if (pinned) ctx.appliedValueSetVersions.add(`${parts.url}|${pinned}`);
  ctx.imports.set(canonical, found);
  return found;
}

/** A value set imported by another (compose.include.valueSet) that cannot be found. */
export function missingImport(canonical: string): never {
  const parts = splitCanonical(canonical);
  throw new TerminologyError(parts.version
      ? issue('VALUESET_INCLUDE_NOT_FOUND', [parts.url, parts.version])
      : issue('Unable_to_resolve_value_Set_', [canonical]),
  );
}
