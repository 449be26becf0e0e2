import type { CodeSystemIndex } from './code-system-index';
import { issue, TerminologyIssue } from './issues';
import type { TerminologyRegistry } from './registry';
import { isWildcardVersion, presentVersionList, versionMatches } from './versions';

/**
 * Which version of a code system answers, under the version parameters of a request
 * (force-system-version, system-version, check-system-version), for an include of a value set
 * and a coding that may each state a version. The rules tx.fhir.org applies:
 *
 * - force-system-version wins over any stated version; system-version applies only when nothing
 *   is stated; check-system-version also picks the version when nothing else does, and otherwise
 *   rejects a resolved version it does not match.
 * - A coding's version narrows a wildcard include version it matches (1.x + 1.0.0 -> 1.0.0) and
 *   fills in for a versionless include when it is a known version; any other difference between
 *   the coding's version and the include's is an issue (and the coding's version, when unknown,
 *   is reported as an unknown code system version).
 */
export interface SystemVersionRules {
  readonly force: ReadonlyMap<string, string>;
  readonly fallback: ReadonlyMap<string, string>;
  readonly check: ReadonlyMap<string, string>;
}

const NONE: ReadonlyMap<string, string> = new Map();
const NO_VERSION_RULES: SystemVersionRules = Object.freeze({ force: NONE, fallback: NONE, check: NONE });

/** The rules of a request that sets no version parameter (one shared value: rules are only read). */
export const noVersionRules = (): SystemVersionRules => NO_VERSION_RULES;

/** Rules from the versions each parameter sets, by code system url (a parameter not given sets none). */
export function versionRules(rules: { [K in keyof SystemVersionRules]?: ReadonlyMap<string, string> }): SystemVersionRules {
  return { force: rules.force ?? NONE, fallback: rules.fallback ?? NONE, check: rules.check ?? NONE };
}

export type VersionRuleName = 'force-system-version' | 'system-version' | 'check-system-version';

/** The request parameter that decides the version of `system` for a reference stating `stated`, if one does. */
export function appliedRule(
  rules: SystemVersionRules | undefined,
  system: string,
  stated: string | undefined,
): { name: VersionRuleName; version: string } | undefined {
  const force = rules?.force.get(system);
  if (force !== undefined) return { name: 'force-system-version', version: force };
  if (stated) return undefined;
  const fallback = rules?.fallback.get(system);
  if (fallback !== undefined) return { name: 'system-version', version: fallback };
  const check = rules?.check.get(system);
  if (check !== undefined) return { name: 'check-system-version', version: check };
  return undefined;
}

/** The version a reference to `system` (stating `stated`, perhaps nothing) resolves to under the rules. */
export function ruleVersion(rules: SystemVersionRules | undefined, system: string, stated: string | undefined): string | undefined {
  return appliedRule(rules, system, stated)?.version ?? (stated || undefined);
}

/** The check-system-version rule a resolved code system breaks, as an issue; undefined when it passes. */
export function versionCheckIssue(
  rules: SystemVersionRules | undefined,
  cs: CodeSystemIndex,
  expression?: string,
): TerminologyIssue | undefined {
  const required = rules?.check.get(cs.url);
  if (required === undefined || versionMatches(required, cs.version)) return undefined;
  return issue('VALUESET_VERSION_CHECK', [cs.url, cs.version ?? '', required], expression);
}

/** `actual` is a more detailed form of `pattern`: it matches the wildcard version `pattern`. */
export function versionIsMoreDetailed(pattern: string, actual: string | undefined): boolean {
  return actual !== undefined && pattern !== actual && isWildcardVersion(pattern) && versionMatches(pattern, actual);
}

export interface CodingVersionResolution {
  /** The version the include resolves to for this coding (before the request rules are applied again). */
  version?: string;
  /** Differences between the coding's version and the include's, and an unknown coding version. */
  issues: TerminologyIssue[];
  /** system|version when the coding names a version of the code system that is not known. */
  unknownCodingVersion?: string;
}

/**
 * The version of `system` an include (stating `includeVersion`) uses to check a coding (stating
 * `codingVersion`), with the issues a mismatch raises. `path` is where the coding sits
 * (`Coding`, `CodeableConcept.coding[0]`, or '' for a bare code).
 */
export function resolveCodingVersion(
  registry: TerminologyRegistry,
  rules: SystemVersionRules | undefined,
  system: string,
  includeVersion: string | undefined,
  codingVersion: string | undefined,
  path: string,
): CodingVersionResolution {
  let result = ruleVersion(rules, system, includeVersion);
  const issues: TerminologyIssue[] = [];
  if (!codingVersion) return { version: result, issues };
  const at = (element: string): string => (path ? `${path}.${element}` : element);
  const known = registry.versionsOf('CodeSystem', system);
  if (result && versionIsMoreDetailed(result, codingVersion)) result = codingVersion;
  if (!result && known.some((v) => v === codingVersion || versionIsMoreDetailed(codingVersion, v))) result = codingVersion;
  const cs = registry.codeSystem(system, result);
  let unknownCodingVersion: string | undefined;
  if (cs && cs.version !== codingVersion && !versionIsMoreDetailed(codingVersion, cs.version)) {
    if (!result) {
      issues.push(
        issue('VALUESET_VALUE_MISMATCH_DEFAULT', [system, cs.version ?? '', includeVersion ?? '', codingVersion], at('version')),
      );
    } else if (result !== includeVersion) {
      issues.push(
        issue('VALUESET_VALUE_MISMATCH_CHANGED', [system, result, includeVersion ?? '', codingVersion], at('version')),
      );
    } else {
      issues.push(issue('VALUESET_VALUE_MISMATCH', [system, includeVersion, codingVersion], at('version')));
    }
    if (!registry.codeSystem(system, codingVersion)) {
      unknownCodingVersion = `${system}|${codingVersion}`;
      issues.push(unknownVersionIssue(system, codingVersion, known, at('system')));
    }
  } else if (!cs && result !== codingVersion) {
    issues.push(issue('VALUESET_VALUE_MISMATCH', [system, result ?? '', codingVersion], at('version')));
  }
  return { version: result, issues, unknownCodingVersion };
}

/** UNKNOWN_CODESYSTEM_VERSION (or _NONE when no version of the system is known at all). */
export function unknownVersionIssue(system: string, version: string, known: string[], expression?: string): TerminologyIssue {
  return known.length
    ? issue('UNKNOWN_CODESYSTEM_VERSION', [system, version, presentVersionList(known)], expression)
    : issue('UNKNOWN_CODESYSTEM_VERSION_NONE', [system, version], expression);
}
