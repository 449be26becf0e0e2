import type { ValueSet, ValueSetComposeInclude } from 'fhir/r4';
import type { CodeSystemIndex, Concept } from './code-system-index';
import { compileValueSet } from './compiled-value-set';
import { importedValueSet as importedFromRegistry } from './compose';
import { ConceptDisplays, DisplayDesignation } from './displays';
import { includeSelects, listedEntry } from './membership';
import { issue } from './issues';
import { addUnknownCode, at, Found, Validation, Verdict, vsLabel } from './validation';
import { canonicalOf, versionMatches } from './versions';
import { STANDARDS_STATUS } from './concept-status';

/** Checking a coding against a value set, include by include, reporting what each include finds. */

/**
 * The displays of a concept as the value set's include presents it: the display the include gives
 * a listed concept (in the value set's language) comes before the code system's, as in $expand;
 * its designations count as displays too.
 */
function includeDisplays(cs: CodeSystemIndex, include: ValueSetComposeInclude, concept: Concept, vsLanguage: string | undefined): ConceptDisplays {
  const own = ConceptDisplays.of(cs, concept);
  const listed = listedEntry(cs, include, concept);
  if (!listed) return own;
  const designations: DisplayDesignation[] = (listed.designation ?? []).map((d) => ({ value: d.value, language: d.language, use: d.use, primary: false }));
  const shown: DisplayDesignation[] = listed.display ? [{ value: listed.display, language: vsLanguage, primary: true }] : [];
  return new ConceptDisplays([...shown, ...own.items, ...designations], own.baseLanguage);
}

const VALUESET_DEPRECATED = 'http://hl7.org/fhir/StructureDefinition/valueset-deprecated';

/** Does the include (one compose.include or exclude) hold the code? Reports what it finds about the code on the way. */
export function checkInclude(
  v: Validation,
  path: string,
  role: 'in' | 'not in',
  cs: CodeSystemIndex,
  include: ValueSetComposeInclude,
  code: string,
  found: Found,
): boolean {
  const report = role === 'in' && !v.input.membershipOnly;
  const excludeInactive = v.valueSet.compose?.inactive === false;
  const accept = (concept: Concept): boolean => {
    found.displays = includeDisplays(cs, include, concept, v.valueSet.language);
    if (concept.notSelectable && !v.input.abstractAllowed && !v.internal) {
      if (report) v.add(issue('ABSTRACT_CODE_NOT_ALLOWED', [cs.url, code], at(path, 'code')));
      return false;
    }
    if (concept.inactive && (excludeInactive || v.input.activeOnly)) {
      if (role === 'in') {
        const i = issue('STATUS_CODE_WARNING_CODE', [code], at(path, 'code'));
        v.add(i);
        v.message(i.text);
        if (!v.input.membershipOnly) v.noteInactive(path, code, concept);
      }
      return false;
    }
    if (role === 'in') v.noteInactive(path, code, concept);
    return true;
  };

  const concept = cs.get(code);
  if (!include.concept && !include.filter?.length && !concept) {
    if (report) {
      if (cs.content !== 'complete') {
        // Against a value set the code may be in some other fragment; asked whether the code
        // system itself has the code, a fragment that lacks it cannot say yes.
        v.add(issue('UNKNOWN_CODE_IN_FRAGMENT', [code, cs.url, cs.version ?? ''], at(path, 'code'), v.internal ? 'error' : 'warning'));
        return !v.internal;
      }
      addUnknownCode(v, cs, code, path);
    }
    return false;
  }
  if (!concept || !includeSelects(cs, include, concept)) return false;
  if (concept.code !== code && role === 'in') {
    v.add(issue('CODE_CASE_DIFFERENCE', [code, concept.code, canonicalOf(cs)], at(path, 'code')));
    v.normalForm = concept.code;
  }
  if (!accept(concept)) return false;
  const listed = listedEntry(cs, include, concept);
  const status = listed?.extension?.find((e) => e.url === STANDARDS_STATUS)?.valueCode;
  const deprecated = status === 'withdrawn' || status === 'deprecated' ? status : listed?.extension?.some((e) => e.url === VALUESET_DEPRECATED) ? 'deprecated' : undefined;
  if (deprecated && role === 'in') {
    v.add(issue('CONCEPT_DEPRECATED_IN_VALUESET', [cs.url, code, deprecated, vsLabel(v.valueSet)], at(path, 'code')));
  }
  return true;
}

/** Is system#code in the value set? Reports on the code system and the code as it goes. */
export function checkValueSet(v: Validation, vs: ValueSet, path: string, system: string, version: string | undefined, code: string, found: Found): Verdict {
  const leave = v.enter(vs);
  try {
    if (!vs.compose) return checkExpansion(v, vs, path, system, version, code, found);
    let result: Verdict = false;
    const skip = includesForOtherVersions(vs, system, version);
    for (const include of vs.compose.include) {
      if (skip.has(include)) {
        result = false;
        continue;
      }
      if (!include.system) {
        result = true;
      } else if (include.system === system) {
        const { cs, version: wanted } = v.includeCodeSystem(path, system, include.version, version);
        if (!cs) {
          if (v.input.membershipOnly) return false;
          v.unknownCodeSystem(path, system, wanted);
          return null;
        }
        found.cs = cs;
        v.checkStatus(cs.resource);
        result = checkInclude(v, path, 'in', cs, include, code, found);
      } else {
        result = false;
      }
      for (const canonical of include.valueSet ?? []) {
        const imported = importedValueSet(v, canonical, vs);
        v.checkStatus(imported);
        if (result === true) result = checkValueSet(v, imported, path, system, version, code, found);
      }
      // An exclude takes the code out of the version it was found in; another include may hold it in another version.
      if (result === true && isExcluded(v, vs, path, system, code, found.cs?.version ?? version)) {
        result = false;
        continue;
      }
      if (result === true) break;
    }
    return result;
  } finally {
    leave();
  }
}

/**
 * Does an exclude of the value set take system#code out of the version it was found in? An exclude
 * that states a version applies to that version only; one that states none, to every version.
 */
function isExcluded(v: Validation, vs: ValueSet, path: string, system: string, code: string, foundVersion: string | undefined): boolean {
  for (const exclude of vs.compose?.exclude ?? []) {
    let excluded = true;
    if (exclude.system) {
      const stated = exclude.version && foundVersion !== undefined && !versionMatches(exclude.version, foundVersion) && exclude.version !== foundVersion;
      const cs = exclude.system === system && !stated ? v.findCodeSystem(system, v.versionFor(system, exclude.version, foundVersion)) : undefined;
      excluded = !!cs && checkInclude(v, path, 'not in', cs, exclude, code, {});
    }
    for (const canonical of exclude.valueSet ?? []) {
      excluded = excluded && membershipOf(v, importedValueSet(v, canonical, vs), system, code);
    }
    if (excluded) return true;
  }
  return false;
}

/**
 * A value set that includes several versions of a system answers a coding that names a version
 * from the includes of that version: the includes stating another version are not asked (they
 * would report a version mismatch for a code that another include holds).
 */
function includesForOtherVersions(vs: ValueSet, system: string, version: string | undefined): ReadonlySet<ValueSetComposeInclude> {
  if (!version) return NO_INCLUDES;
  const stated = (vs.compose?.include ?? []).filter((i) => i.system === system && i.version);
  if (stated.length < 2) return NO_INCLUDES;
  const fits = (i: ValueSetComposeInclude): boolean => i.version === version || versionMatches(i.version as string, version);
  return stated.some(fits) ? new Set(stated.filter((i) => !fits(i))) : NO_INCLUDES;
}

const NO_INCLUDES: ReadonlySet<ValueSetComposeInclude> = new Set();

/** Plain membership, without reports (for excludes and inferSystem): asked of the compiled value set. */
export function membershipOf(v: Validation, vs: ValueSet, system: string, code: string): boolean {
  try {
    const compiled = compileValueSet(v.registry, vs, { versionRules: v.ctx.versionRules, valueSetVersions: v.ctx.valueSetVersions, maxEntries: MEMBERSHIP_LIMIT, imports: v.ctx.imports });
    return compiled.find(system, code) !== undefined;
  } catch {
    return false;
  }
}

/** Membership checks compile value sets of any size: only expansions return their members. */
const MEMBERSHIP_LIMIT = Number.MAX_SAFE_INTEGER;

/** An imported value set: a contained one (`#id`) of the importing or the outermost value set, or one the registry knows. */
export function importedValueSet(v: Validation, canonical: string, from: ValueSet): ValueSet {
  if (canonical.startsWith('#')) {
    const id = canonical.slice(1);
    const contained = [...(from.contained ?? []), ...(v.valueSet.contained ?? [])].find((r) => r.resourceType === 'ValueSet' && r.id === id);
    if (contained?.resourceType === 'ValueSet') return contained;
  }
  return importedFromRegistry(v.ctx, canonical);
}

/** A value set given only as an expansion: membership is being listed in it. */
function checkExpansion(v: Validation, vs: ValueSet, path: string, system: string, version: string | undefined, code: string, found: Found): Verdict {
  const stack = [...(vs.expansion?.contains ?? [])];
  let entry: (typeof stack)[number] | undefined;
  while (stack.length) {
    const c = stack.pop();
    if (!c) break;
    if (c.system === system && c.code === code && (!version || !c.version || c.version === version)) {
      entry = c;
      break;
    }
    stack.push(...(c.contains ?? []));
  }
  if (!entry) return false;
  const wanted = v.versionFor(system, entry.version, version);
  const cs = v.findCodeSystem(system, wanted);
  if (!cs) {
    if (v.input.membershipOnly) return false;
    v.unknownCodeSystem(path, system, wanted);
    return null;
  }
  found.cs = cs;
  const concept = cs.get(code);
  if (!concept) {
    if (!v.input.membershipOnly) addUnknownCode(v, cs, code, path);
    return false;
  }
  found.displays = ConceptDisplays.of(cs, concept);
  v.noteInactive(path, code, concept);
  return true;
}

/** The system a value set can only mean for a bare code (inferSystem). */
export function inferSystem(v: Validation, code: string): { system?: string; candidates: string[] } {
  const systems = new Set<string>();
  const walk = (vs: ValueSet, depth: number): void => {
    for (const include of vs.compose?.include ?? []) {
      if (include.system) systems.add(include.system);
      if (depth < 8) for (const c of include.valueSet ?? []) {
        walk(importedValueSet(v, c, vs), depth + 1);
      }
    }
    for (const c of vs.expansion?.contains ?? []) if (c.system) systems.add(c.system);
  };
  walk(v.valueSet, 0);
  const candidates = [...systems].filter((s) => membershipOf(v, v.valueSet, s, code));
  return { system: candidates.length === 1 ? candidates[0] : undefined, candidates };
}

/** Before any code is checked, every imported value set must resolve, without cycles (as tx.fhir.org prepares a value set). */
export function prepare(v: Validation, vs: ValueSet): void {
  const leave = v.enter(vs);
  try {
    for (const includes of [vs.compose?.include, vs.compose?.exclude]) {
      for (const include of includes ?? []) for (const canonical of include.valueSet ?? []) prepare(v, importedValueSet(v, canonical, vs));
    }
  } finally {
    leave();
  }
}

