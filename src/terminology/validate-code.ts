import type { CodeableConcept, CodeSystem, ValueSet, ValueSetComposeInclude } from 'fhir/r4';
import type { CodeSystemIndex, Concept } from './code-system-index';
import { canonicalOf, ComposeContext, missingImport, newComposeContext, resolveValueSet, SystemVersionRules, valueSetContains } from './compose';
import { ConceptDisplays, DisplayDesignation, LanguagePreference } from './displays';
import { compileFilter } from './filters';
import { issue, MessageId, TerminologyError, TerminologyIssue } from './issues';
import type { TerminologyRegistry } from './registry';
import { requiredSupplements, requireSupplements } from './supplements';
import { resolveCodingVersion, ruleVersion, versionCheckIssue } from './system-versions';

/** One coding to check, as the request gave it. */
export interface CodingToValidate {
  system?: string;
  version?: string;
  code?: string;
  display?: string;
}

export type ValidationTarget = { kind: 'code-system' } | { kind: 'value-set'; valueSet: ValueSet };

export interface ValidateCodeInput {
  target: ValidationTarget;
  /** How the codings were given: a bare code, a Coding, or a CodeableConcept. */
  form: 'code' | 'coding' | 'codeableConcept';
  codings: CodingToValidate[];
  /** CodeableConcept.text, echoed back with the codings. */
  text?: string;
  /** displayLanguage, else Accept-Language, else the value set's language. */
  languages: LanguagePreference[];
  /** How the languages were asked for, for messages ("de", "en-AU, en;q=0.8"); absent when none were. */
  languageSummary?: string;
  /** Accept abstract / not-selectable concepts (R4 `abstract` parameter). */
  abstractAllowed: boolean;
  activeOnly: boolean;
  inferSystem: boolean;
  /** Only membership matters: no reports about the code system or the code itself. */
  membershipOnly?: boolean;
  /** Wrong displays are warnings rather than errors. */
  lenientDisplay: boolean;
  versionRules?: SystemVersionRules;
  /** Supplements the request asks to be used (useSupplement): each must exist. */
  useSupplements?: string[];
}

export interface ValidateCodeResult {
  result: boolean;
  system?: string;
  version?: string;
  code?: string;
  display?: string;
  message?: string;
  issues: TerminologyIssue[];
  inactive?: boolean;
  status?: string;
  normalizedCode?: string;
  /** Code systems that could not be found and made the answer false (x-caused-by-unknown-system). */
  unknownSystems: string[];
  /** Code systems that could not be found for codes that were not in the value set anyway (x-unknown-system). */
  otherUnknownSystems: string[];
  codeableConcept?: CodeableConcept;
}

/** true: in the value set; false: not in it; null: cannot tell (an unknown code system). */
type Verdict = boolean | null;

/** What checking one coding found out about it, beyond the verdict. */
interface Found {
  cs?: CodeSystemIndex;
  displays?: ConceptDisplays;
}

/** The state of one $validate-code: the issues, messages and findings shared by all its codings. */
class Validation {
  readonly issues: TerminologyIssue[] = [];
  readonly messages: string[] = [];
  readonly unknownSystems = new Set<string>();
  inactive?: { path: string; code: string; status?: string };
  normalForm?: string;
  /** Value sets being checked, outermost first, to stop import cycles. */
  private readonly stack: string[] = [];

  constructor(
    readonly ctx: ComposeContext,
    readonly input: ValidateCodeInput,
    readonly valueSet: ValueSet,
    /** The value set stands for a whole code system (CodeSystem/$validate-code). */
    readonly internal: boolean,
  ) {}

  get registry(): TerminologyRegistry {
    return this.ctx.registry;
  }

  add(i: TerminologyIssue, ifNew = false): boolean {
    if (ifNew && this.issues.some((x) => x.text === i.text)) return false;
    this.issues.push(i);
    return true;
  }

  message(text: string): void {
    if (!this.messages.includes(text)) this.messages.push(text);
  }

  hasErrors(): boolean {
    return this.issues.some((i) => i.severity === 'error');
  }

  /** The first inactive (or, failing that, deprecated) concept met, for the inactive/status report. */
  noteInactive(path: string, code: string, concept: Concept): void {
    if (this.inactive) return;
    if (isInactive(concept)) this.inactive = { path, code, status: statusOf(concept) };
    else if (concept.deprecated && !this.deprecated) this.deprecated = { path, code };
  }

  deprecated?: { path: string; code: string };

  /** The version of `system` an include (or the coding) selects, honouring the request's version rules. */
  versionFor(system: string, includeVersion: string | undefined, codingVersion: string | undefined): string | undefined {
    return ruleVersion(this.ctx.versionRules, system, includeVersion ?? codingVersion);
  }

  /**
   * The code system an include checks the coding against (see system-versions.ts): the include's
   * version under the request rules, narrowed by the coding's; reports version mismatches, an
   * unknown coding version, and a version that check-system-version rejects.
   */
  includeCodeSystem(path: string, system: string, includeVersion: string | undefined, codingVersion: string | undefined): { cs?: CodeSystemIndex; version?: string } {
    const rules = this.ctx.versionRules;
    const resolved = resolveCodingVersion(this.registry, rules, system, includeVersion, codingVersion, path);
    for (const i of resolved.issues) {
      if (i.severity === 'error') this.message(i.text);
      this.add(i, true);
    }
    if (resolved.unknownCodingVersion) this.unknownSystems.add(resolved.unknownCodingVersion);
    const version = ruleVersion(rules, system, resolved.version);
    const cs = this.findCodeSystem(system, version);
    const rejected = cs && versionCheckIssue(rules, cs, at(path, 'version'));
    if (rejected) {
      this.message(rejected.text);
      this.add(rejected, true);
    }
    return { cs, version };
  }

  findCodeSystem(system: string, version: string | undefined): CodeSystemIndex | undefined {
    const cs = this.registry.codeSystem(system, version);
    if (!cs || cs.content === 'not-present' || cs.content === 'supplement') return undefined;
    this.ctx.usedCodeSystems.set(canonicalOf(cs), cs);
    return cs;
  }

  /** Report a code system that cannot be found, once per system (and version). */
  unknownCodeSystem(path: string, system: string, version: string | undefined): void {
    const supplement = this.registry.resolve('CodeSystem', system, version);
    if (supplement?.content === 'supplement') {
      const i = issue('error', 'invalid', 'invalid-data', 'CODESYSTEM_CS_NO_SUPPLEMENT', [canonicalOf(supplement)], at(path, 'system'));
      this.message(i.text);
      if (!this.unknownSystems.has(system)) {
        this.unknownSystems.add(system);
        this.add(i);
      }
      return;
    }
    let id: MessageId = 'UNKNOWN_CODESYSTEM';
    let key = system;
    let args: string[] = [system];
    if (version) {
      const versions = this.registry.versionsOf('CodeSystem', system);
      id = versions.length ? 'UNKNOWN_CODESYSTEM_VERSION' : 'UNKNOWN_CODESYSTEM_VERSION_NONE';
      key = versions.length ? `${system}|${version}` : system;
      args = [system, version, presentList(versions)];
    }
    const i = issue('error', 'not-found', 'not-found', id, args, at(path, 'system'));
    this.message(i.text);
    if (!this.unknownSystems.has(key)) {
      this.unknownSystems.add(key);
      this.add(i);
    }
  }

  /**
   * Say when the answer relies on a code system or value set that is deprecated, withdrawn or
   * retired, or (unlike the value set asked about) experimental or draft.
   */
  checkStatus(resource: CodeSystem | ValueSet): void {
    const source = this.valueSet;
    const standards = resource.extension?.find((e) => e.url === STANDARDS_STATUS)?.valueCode;
    const sourceDraft = source.status === 'draft' || source.extension?.find((e) => e.url === STANDARDS_STATUS)?.valueCode === 'draft';
    let id: MessageId | undefined;
    if (standards === 'deprecated') id = 'MSG_DEPRECATED';
    else if (standards === 'withdrawn') id = 'MSG_WITHDRAWN';
    else if (resource.status === 'retired') id = 'MSG_RETIRED';
    else if (resource.experimental && !source.experimental) id = 'MSG_EXPERIMENTAL';
    else if ((resource.status === 'draft' || standards === 'draft') && !sourceDraft) id = 'MSG_DRAFT';
    if (id) this.add(issue('information', 'business-rule', 'status-check', id, [resource.resourceType, canonicalOf(resource)]), true);
  }

  enter(vs: ValueSet): () => void {
    const key = canonicalOf(vs);
    if (this.stack.includes(key)) {
      throw new TerminologyError(issue('error', 'processing', 'vs-invalid', 'VALUESET_CIRCULAR_REFERENCE', [key, this.stack.join(', ')]));
    }
    this.stack.push(key);
    return () => this.stack.pop();
  }
}

/** A value set as messages name it: url|version, or '(unidentified)' for one without a url. */
const vsLabel = (vs: ValueSet): string => (vs.url ? canonicalOf(vs) : '(unidentified)');

const at = (path: string, element: string): string => (path ? `${path}.${element}` : element);

function presentList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Deprecated concepts are still active, unless the code system also says they are inactive. */
function isInactive(concept: Concept): boolean {
  if (!concept.deprecated) return concept.inactive;
  return concept.properties.some((p) => p.code === 'inactive' && p.value.value === true);
}

function statusOf(concept: Concept): string | undefined {
  if (concept.status) return concept.status;
  return concept.inactive ? 'inactive' : undefined;
}

function isAbsoluteUri(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(s);
}

/** Any designation the value set's include gives a listed concept counts as a display too. */
function includeDesignations(include: ValueSetComposeInclude, code: string): DisplayDesignation[] {
  const listed = include.concept?.find((c) => c.code === code);
  if (!listed) return [];
  const out: DisplayDesignation[] = [];
  if (listed.display) out.push({ value: listed.display, primary: false });
  for (const d of listed.designation ?? []) out.push({ value: d.value, language: d.language, use: d.use, primary: false });
  return out;
}

const STANDARDS_STATUS = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status';
const VALUESET_DEPRECATED = 'http://hl7.org/fhir/StructureDefinition/valueset-deprecated';

/** Does the include (one compose.include or exclude) hold the code? Reports what it finds about the code on the way. */
function checkInclude(
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
    found.displays = ConceptDisplays.of(cs, concept).withExtra(includeDesignations(include, concept.code));
    if (concept.notSelectable && !v.input.abstractAllowed && !v.internal) {
      if (report) v.add(issue('error', 'business-rule', 'code-rule', 'ABSTRACT_CODE_NOT_ALLOWED', [cs.url, code], at(path, 'code')));
      return false;
    }
    if (isInactive(concept) && (excludeInactive || v.input.activeOnly)) {
      if (role === 'in') {
        const i = issue('error', 'business-rule', 'code-rule', 'STATUS_CODE_WARNING_CODE', [code], at(path, 'code'));
        v.add(i);
        v.message(i.text);
        if (!v.input.membershipOnly) v.noteInactive(path, code, concept);
      }
      return false;
    }
    if (role === 'in') v.noteInactive(path, code, concept);
    return true;
  };

  if (!include.concept && !include.filter?.length) {
    const concept = cs.get(code);
    if (!concept) {
      if (report) {
        if (cs.content !== 'complete') {
          // Against a value set the code may be in some other fragment; asked whether the code
          // system itself has the code, a fragment that lacks it cannot say yes.
          const i = issue(v.internal ? 'error' : 'warning', 'code-invalid', 'invalid-code', 'UNKNOWN_CODE_IN_FRAGMENT', [code, cs.url, cs.version ?? ''], at(path, 'code'));
          v.add(i);
          return !v.internal;
        }
        addUnknownCode(v, cs, code, path);
      }
      return false;
    }
    if (concept.code !== code && role === 'in') {
      v.add(issue('information', 'business-rule', 'code-rule', 'CODE_CASE_DIFFERENCE', [code, concept.code, canonicalOf(cs)], at(path, 'code')));
      v.normalForm = concept.code;
    }
    return accept(concept);
  }

  if (include.concept) {
    const listed = include.concept.find((c) => c.code === code);
    if (listed) {
      const concept = cs.get(code);
      if (concept && accept(concept)) {
        const status = listed.extension?.find((e) => e.url === STANDARDS_STATUS)?.valueCode;
        const deprecated = status === 'withdrawn' || status === 'deprecated' ? status : listed.extension?.some((e) => e.url === VALUESET_DEPRECATED) ? 'deprecated' : undefined;
        if (deprecated && role === 'in') {
          v.add(issue('warning', 'business-rule', 'code-comment', 'CONCEPT_DEPRECATED_IN_VALUESET', [cs.url, code, deprecated, vsLabel(v.valueSet)], at(path, 'code')));
        }
        return true;
      }
      if (concept) return false;
    }
  }

  if (include.filter?.length) {
    const filters = include.filter.map((f) => compileFilter(cs, f));
    const concept = cs.get(code);
    if (concept && filters.every((f) => f.test(concept))) return accept(concept);
  }
  return false;
}

function unknownCode(cs: CodeSystemIndex, code: string, path: string): TerminologyIssue {
  return cs.version
    ? issue('error', 'code-invalid', 'invalid-code', 'Unknown_Code_in_Version', [code, cs.url, cs.version], at(path, 'code'))
    : issue('error', 'code-invalid', 'invalid-code', 'Unknown_Code_in', [code, cs.url], at(path, 'code'));
}

/** Report an unknown code, with the code system's own explanation when it has one (UCUM's grammar). */
function addUnknownCode(v: Validation, cs: CodeSystemIndex, code: string, path: string, inMessage = false, onlyIfNew = false): void {
  const i = unknownCode(cs, code, path);
  if (inMessage) v.message(i.text);
  v.add(i, onlyIfNew);
  const why = cs.whyNotACode(code);
  if (why) v.add(issue('information', 'code-invalid', 'invalid-code', 'CODE_PROBLEM', [code, why], at(path, 'code')), onlyIfNew);
}

/** Is system#code in the value set? Reports on the code system and the code as it goes. */
function checkValueSet(v: Validation, vs: ValueSet, path: string, system: string, version: string | undefined, code: string, found: Found): Verdict {
  const leave = v.enter(vs);
  try {
    if (!vs.compose) return checkExpansion(v, vs, path, system, version, code, found);
    let result: Verdict = false;
    for (const include of vs.compose.include) {
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
      if (result === true) break;
    }
    if (result !== true) return result;
    for (const exclude of vs.compose.exclude ?? []) {
      let excluded = true;
      if (exclude.system) {
        const cs = exclude.system === system ? v.findCodeSystem(system, v.versionFor(system, exclude.version, version)) : undefined;
        excluded = !!cs && checkInclude(v, path, 'not in', cs, exclude, code, {});
      }
      for (const canonical of exclude.valueSet ?? []) {
        excluded = excluded && membershipOf(v, importedValueSet(v, canonical, vs), system, code);
      }
      if (excluded) return false;
    }
    return true;
  } finally {
    leave();
  }
}

const CONCEPT_COMMENTS = 'http://hl7.org/fhir/StructureDefinition/valueset-concept-comments';

/**
 * A code that the value set, or one it imports, excludes with a stated reason (valueset-concept-comments
 * on the exclude entry): the refusal says why. Imports resolve without cycles (checked by prepare).
 */
function reportExclusionReason(v: Validation, system: string, code: string, path: string, vs: ValueSet = v.valueSet): boolean {
  for (const exclude of vs.compose?.exclude ?? []) {
    if (exclude.system !== system) continue;
    const why = exclude.concept?.find((c) => c.code === code)?.extension?.find((e) => e.url === CONCEPT_COMMENTS)?.valueString;
    if (!why) continue;
    const i = issue('information', 'business-rule', 'code-comment', 'VALUESET_EXCLUDED_CODE', [code, vsLabel(vs), why.replace(/\.$/, '')], at(path, 'code'));
    v.message(i.text);
    v.add(i, true);
    return true;
  }
  const imports = (vs.compose?.include ?? []).flatMap((include) => include.valueSet ?? []);
  return imports.some((canonical) => reportExclusionReason(v, system, code, path, importedValueSet(v, canonical, vs)));
}

/** Plain membership, without reports (for excludes). */
function membershipOf(v: Validation, vs: ValueSet, system: string, code: string): boolean {
  try {
    return valueSetContains(newComposeContext(v.registry, v.ctx.versionRules), vs, system, code).kind === 'member';
  } catch {
    return false;
  }
}

/** An imported value set: a contained one (`#id`) of the importing or the outermost value set, or one the registry knows. */
function importedValueSet(v: Validation, canonical: string, from: ValueSet): ValueSet {
  if (canonical.startsWith('#')) {
    const id = canonical.slice(1);
    const contained = [...(from.contained ?? []), ...(v.valueSet.contained ?? [])].find((r) => r.resourceType === 'ValueSet' && r.id === id);
    if (contained?.resourceType === 'ValueSet') return contained;
  }
  return resolveValueSet(v.registry, canonical) ?? missingImport(canonical);
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
function inferSystem(v: Validation, code: string): { system?: string; candidates: string[] } {
  const systems = new Set<string>();
  const walk = (vs: ValueSet, depth: number): void => {
    for (const include of vs.compose?.include ?? []) {
      if (include.system) systems.add(include.system);
      if (depth < 8) for (const c of include.valueSet ?? []) {
        const imported = resolveValueSet(v.registry, c);
        if (imported) walk(imported, depth + 1);
      }
    }
    for (const c of vs.expansion?.contains ?? []) if (c.system) systems.add(c.system);
  };
  walk(v.valueSet, 0);
  const candidates = [...systems].filter((s) => membershipOf(v, v.valueSet, s, code));
  return { system: candidates.length === 1 ? candidates[0] : undefined, candidates };
}

/** Check a display given for a code that is in the value set. */
function checkDisplay(v: Validation, displays: ConceptDisplays, cs: CodeSystemIndex, code: string, display: string, path: string): void {
  const languages = v.input.languages;
  const summary = v.input.languageSummary ?? '--';
  const system = cs.url;
  const match = displays.has(languages, display);
  if (match.found && match.inactiveStatus) {
    v.add(issue('warning', 'invalid', 'display-comment', 'INACTIVE_DISPLAY_FOUND', [display, code, match.inactiveStatus, displays.current()], at(path, 'display')));
    return;
  }
  if (match.found) return;
  let severity: TerminologyIssue['severity'] = v.input.lenientDisplay ? 'warning' : 'error';
  const id = match.whitespace ? 'Display_Name_WS_for__should_be_one_of__instead_of' : 'Display_Name_for__should_be_one_of__instead_of';
  let count = displays.count(languages, true);
  if (count === 0) {
    severity = 'warning';
    count = displays.count(languages, false);
  }
  let i: TerminologyIssue;
  if (count === 0) {
    const fallback = displays.preferred([]);
    if (fallback === undefined) {
      i = issue('warning', 'invalid', 'invalid-display', 'NO_VALID_DISPLAY_AT_ALL', [display, system, code], at(path, 'display'));
    } else if (displays.has(languages, display, cs.language ?? 'en').found) {
      i = issue('information', 'invalid', 'invalid-display', 'NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_OK', [display, system, code, summary, fallback], at(path, 'display'));
    } else {
      i = issue(v.input.lenientDisplay ? 'warning' : 'error', 'invalid', 'invalid-display', 'NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_ERR', [display, system, code, summary, fallback], at(path, 'display'));
    }
  } else {
    i = displayIssue(severity, id, count, system, code, displays.present(languages, true), display, summary, path);
  }
  v.message(i.text);
  v.add(i);
}

function displayIssue(
  severity: TerminologyIssue['severity'],
  id: 'Display_Name_WS_for__should_be_one_of__instead_of' | 'Display_Name_for__should_be_one_of__instead_of',
  count: number,
  system: string,
  code: string,
  choices: string,
  display: string,
  summary: string,
  path: string,
): TerminologyIssue {
  const text = issue(severity, 'invalid', 'invalid-display', count === 1 ? `${id}_one` : `${id}_other`, [count, system, code, choices, display, summary], at(path, 'display'));
  return { ...text, messageId: id };
}

/** A coding that is not in the value set is still looked up in its code system, to say what is wrong with it. */
function reportOutside(v: Validation, coding: CodingToValidate, system: string, index: number, path: string, found: Found, reported: Set<string>): void {
  const input = v.input;
  if (!isAbsoluteUri(system)) {
    const where = input.form === 'coding' ? 'Coding.system' : input.form === 'codeableConcept' ? `CodeableConcept.coding[${index}].system` : 'system';
    const i = issue('error', 'invalid', 'invalid-data', 'Terminology_TX_System_Relative', [], where);
    v.messages.push(i.text);
    v.add(i);
  }
  const version = coding.version ?? impliedVersion(v.valueSet, system);
  const cs = v.findCodeSystem(system, version);
  if (!cs) {
    if (resolveValueSet(v.registry, system)) {
      const i = issue('error', 'invalid', 'invalid-data', 'Terminology_TX_System_ValueSet2', [system], at(path, 'system'));
      v.message(i.text);
      v.add(i);
      return;
    }
    const exists = !!v.findCodeSystem(system, undefined);
    v.unknownCodeSystem(path, system, !exists || version ? version : undefined);
    return;
  }
  found.cs = cs;
  const code = coding.code ?? '';
  const concept = cs.get(code);
  if (!concept) {
    const key = `${system}|${cs.version ?? ''}#${code}`;
    if (reported.has(key)) return;
    reported.add(key);
    if (cs.content === 'complete') {
      addUnknownCode(v, cs, code, path, true, true);
    } else {
      v.add(issue('warning', 'code-invalid', 'invalid-code', 'UNKNOWN_CODE_IN_FRAGMENT', [code, system, cs.version ?? ''], at(path, 'code')), true);
    }
    return;
  }
  found.displays = ConceptDisplays.of(cs, concept);
  if (!input.membershipOnly) v.noteInactive(path, code, concept);
  if (coding.display && !found.displays.isEmpty) {
    const languages = input.languages;
    const match = found.displays.has(languages, coding.display);
    if (!match.found) {
      const id = match.whitespace ? 'Display_Name_WS_for__should_be_one_of__instead_of' : 'Display_Name_for__should_be_one_of__instead_of';
      const count = found.displays.count(languages, true);
      const severity = input.lenientDisplay ? 'warning' : 'error';
      const i =
        count === 0
          ? issue('warning', 'invalid', 'invalid-display', 'NO_VALID_DISPLAY_AT_ALL', [coding.display, system, code], at(path, 'display'))
          : displayIssue(severity, id, count, system, code, found.displays.present(languages, true), coding.display, input.languageSummary ?? '--', path);
      v.message(i.text);
      v.add(i);
    }
  }
}

/** The version a value set pins for a system, when the coding names none. */
function impliedVersion(vs: ValueSet, system: string): string | undefined {
  const versions = (vs.compose?.include ?? []).filter((i) => i.system === system && i.version).map((i) => i.version as string);
  return versions.sort().pop();
}

/** The path of coding `index` in the request, for issue expressions. */
function codingPath(form: ValidateCodeInput['form'], index: number): string {
  if (form === 'code') return '';
  if (form === 'coding') return 'Coding';
  return `CodeableConcept.coding[${index}]`;
}

function renderCoding(system: string | undefined, version: string | undefined, code: string, display?: string): string {
  return `${system ?? ''}${version ? `|${version}` : ''}#${code}${display ? ` ('${display}')` : ''}`;
}

/** The value set that stands for a code system in CodeSystem/$validate-code. */
function codeSystemValueSet(registry: TerminologyRegistry, input: ValidateCodeInput): ValueSet {
  const first = input.codings.find((c) => c.system) ?? input.codings[0];
  const system = first?.system ?? '';
  const cs = registry.codeSystem(system, first?.version);
  const include: ValueSetComposeInclude = { system };
  const version = cs?.version ?? first?.version;
  if (version) include.version = version;
  return {
    resourceType: 'ValueSet',
    status: 'active',
    url: cs?.resource.valueSet ?? `${system}/vs`,
    version,
    compose: { include: [include] },
  };
}

/** Problems in the value set's definition that make the answer false rather than the request an error. */
const DEFINITION_PROBLEMS = new Set<string>(['Unable_to_resolve_value_Set_', 'VALUESET_INCLUDE_NOT_FOUND']);

/** $validate-code against a code system or a value set (the target), for a code, Coding or CodeableConcept. */
export function validateCode(registry: TerminologyRegistry, input: ValidateCodeInput): ValidateCodeResult {
  try {
    return check(registry, input);
  } catch (e) {
    if (!(e instanceof TerminologyError) || !DEFINITION_PROBLEMS.has(e.issue.messageId)) throw e;
    return definitionProblem(registry, input, e.issue);
  }
}

/** The answer when the value set cannot be evaluated: false, with the reason and the coding as given. */
function definitionProblem(registry: TerminologyRegistry, input: ValidateCodeInput, problem: TerminologyIssue): ValidateCodeResult {
  const result: ValidateCodeResult = { result: false, issues: [problem], message: problem.text, unknownSystems: [], otherUnknownSystems: [] };
  if (input.form === 'codeableConcept') {
    result.codeableConcept = { coding: input.codings.map((c) => ({ ...c })) };
    if (input.text !== undefined) result.codeableConcept.text = input.text;
    return result;
  }
  const first = input.codings[0];
  if (first?.system) {
    result.system = first.system;
    const version = first.version ?? registry.codeSystem(first.system)?.version;
    if (version) result.version = version;
  }
  if (first?.code) result.code = first.code;
  return result;
}

function newValidation(registry: TerminologyRegistry, input: ValidateCodeInput, valueSet: ValueSet, internal: boolean): Validation {
  return new Validation(newComposeContext(registry, input.versionRules), input, valueSet, internal);
}

/** Before any code is checked, every imported value set must resolve, without cycles (as tx.fhir.org prepares a value set). */
function prepare(v: Validation, vs: ValueSet): void {
  const leave = v.enter(vs);
  try {
    for (const include of [...(vs.compose?.include ?? []), ...(vs.compose?.exclude ?? [])]) {
      for (const canonical of include.valueSet ?? []) prepare(v, importedValueSet(v, canonical, vs));
    }
  } finally {
    leave();
  }
}

function check(registry: TerminologyRegistry, input: ValidateCodeInput): ValidateCodeResult {
  const internal = input.target.kind === 'code-system';
  const valueSet = input.target.kind === 'value-set' ? input.target.valueSet : codeSystemValueSet(registry, input);
  requireSupplements(registry, [...requiredSupplements(valueSet), ...(input.useSupplements ?? [])]);
  prepare(newValidation(registry, input, valueSet, internal), valueSet);
  const v = newValidation(registry, input, valueSet, internal);
  v.checkStatus(valueSet);
  const form = input.form;
  const reported = new Set<string>();

  let ok: Verdict = false;
  let chosen: { system?: string; code: string; version?: string; display?: string; path: string } | undefined;
  let fallback: { system?: string; code: string; version?: string } | undefined;
  let fallbackDisplay: string | undefined;
  let impliedSystem: string | undefined;
  const codelist: string[] = [];
  let noCode = false;

  for (const [index, coding] of input.codings.entries()) {
    const path = codingPath(form, index);
    const code = coding.code;
    if (!code) {
      const text = coding.system ? `Coding has no code for system ${coding.system} and cannot be validated` : 'Coding has no code and cannot be validated';
      v.message(text);
      v.add({ severity: 'warning', type: 'invalid', txType: 'invalid-data', messageId: 'Coding_has_no_code', text, ...(path ? { expression: [path] } : {}) });
      noCode = true;
      break;
    }
    const found: Found = {};
    let system = coding.system;
    let verdict: Verdict;
    if (!system && !input.inferSystem && form !== 'code') {
      const i = issue('warning', 'invalid', 'invalid-data', 'Coding_has_no_system__cannot_validate', [], path || undefined);
      v.message(i.text);
      v.add(i);
      verdict = false;
    } else if (!system) {
      const inferred = inferSystem(v, code);
      system = inferred.system;
      if (!system) {
        const i =
          inferred.candidates.length > 1
            ? issue('error', 'not-found', 'cannot-infer', 'Unable_to_resolve_system__value_set_has_multiple_matches', [code, vsLabel(valueSet), inferred.candidates.join(', ')], 'code')
            : issue('error', 'not-found', 'cannot-infer', 'UNABLE_TO_INFER_CODESYSTEM', [code, vsLabel(valueSet)], 'code');
        v.message(i.text);
        v.add(i);
        verdict = false;
      } else {
        impliedSystem = system;
        verdict = checkValueSet(v, valueSet, path, system, coding.version, code, found);
      }
    } else {
      verdict = checkValueSet(v, valueSet, path, system, coding.version, code, found);
    }

    if (!fallback || verdict === true) fallback = { system: coding.system, code, version: coding.version };
    if (fallback && !fallback.version && found.cs?.version) fallback.version = found.cs.version;
    codelist.push(`'${renderCoding(system ?? coding.system, coding.version, code, coding.display)}'`);

    if (verdict === false && !internal && form === 'codeableConcept') {
      v.add(
        issue('information', 'code-invalid', 'this-code-not-in-vs', 'None_of_the_provided_codes_are_in_the_value_set_one', [`'${renderCoding(system, coding.version, code, coding.display)}'`, vsLabel(valueSet)], `${path}.code`),
      );
    }
    if (verdict === false && !internal && system) reportExclusionReason(v, system, code, path);
    if (ok !== true && verdict !== false) ok = verdict;

    if (verdict === true) {
      if (coding.display && found.displays && !found.displays.isEmpty && found.cs) {
        checkDisplay(v, found.displays, found.cs, code, coding.display, path);
      }
      if (!chosen) {
        chosen = {
          system: system ?? coding.system,
          code,
          version: found.cs?.version,
          display: found.displays?.preferred(input.languages) ?? found.displays?.preferred([]),
          path,
        };
      }
    } else if (!input.membershipOnly && (system ?? coding.system)) {
      const before = found.displays;
      reportOutside(v, coding, (system ?? coding.system) as string, index, path, found, reported);
      if (found.displays && found.displays !== before && !chosen) {
        fallbackDisplay = found.displays.preferred(input.languages) ?? found.displays.preferred([]);
      }
      if (found.cs?.version && form !== 'codeableConcept' && fallback && !fallback.version) fallback.version = found.cs.version;
    }
  }

  const noCodeSummary = noCode && (form !== 'codeableConcept' || internal);
  if (ok === false && !noCodeSummary && (!internal || !v.hasErrors())) {
    const i =
      form === 'codeableConcept'
        ? issue('error', 'code-invalid', 'not-in-vs', 'TX_GENERAL_CC_ERROR_MESSAGE', [vsLabel(valueSet)])
        : issue('error', 'code-invalid', 'not-in-vs', 'None_of_the_provided_codes_are_in_the_value_set_one', [codelist.join(', '), vsLabel(valueSet)], form === 'coding' ? 'Coding.code' : 'code');
    if (v.add(i, true)) v.message(i.text);
  }

  const valid = ok === true && !v.hasErrors();
  const result: ValidateCodeResult = { result: valid, issues: v.issues, unknownSystems: [], otherUnknownSystems: [] };
  if (chosen?.system) result.system = chosen.system;
  else if (ok === true && impliedSystem) result.system = impliedSystem;
  else if (fallback?.system && form !== 'codeableConcept') result.system = fallback.system;
  for (const s of v.unknownSystems) {
    if (ok === false) result.otherUnknownSystems.push(s);
    else if (!valid) result.unknownSystems.push(s);
  }
  if (v.normalForm) result.normalizedCode = v.normalForm;
  if (chosen) result.code = chosen.code;
  else if (fallback && form !== 'codeableConcept') result.code = fallback.code;
  if (chosen?.version) result.version = chosen.version;
  else if (fallback?.version && form !== 'codeableConcept') result.version = fallback.version;
  const display = chosen ? chosen.display : form !== 'codeableConcept' ? fallbackDisplay : undefined;
  if (display !== undefined && (chosen || (fallback && form !== 'codeableConcept'))) result.display = display;

  if (v.inactive) {
    const status = v.inactive.status;
    if (form !== 'codeableConcept' || (chosen && v.inactive.path === chosen.path)) {
      result.inactive = true;
      if (status && status !== 'inactive') result.status = status;
    }
    const plain = status === undefined || status === 'inactive' || status === 'DISCOURAGED';
    const i = issue('warning', 'business-rule', 'code-comment', plain ? 'INACTIVE_CONCEPT_FOUND' : 'INACTIVE_CONCEPT_FOUND_ADD', [status ?? 'inactive', v.inactive.code, 'inactive'], v.inactive.path || 'code');
    v.message(i.text);
    v.add({ ...i, messageId: 'INACTIVE_CONCEPT_FOUND' });
  } else if (v.deprecated) {
    result.status = 'deprecated';
    const i = issue('warning', 'business-rule', 'code-comment', 'DEPRECATED_CONCEPT_FOUND', ['deprecated', v.deprecated.code], v.deprecated.path || 'code');
    v.message(i.text);
    v.add(i);
  }

  // With a concept that is valid, the not-selectable note of a code system check is the project's own warning
  if (internal && chosen) {
    const cs = registry.codeSystem(chosen.system ?? '', chosen.version);
    const concept = cs?.get(chosen.code);
    if (cs && concept?.notSelectable) {
      const i = issue('warning', 'business-rule', 'code-rule', 'NOT_SELECTABLE_CODE', [canonicalOf(cs), concept.code], at(chosen.path, 'code'));
      v.add(i);
      v.message(i.text);
    }
  }

  for (const i of v.issues) if (i.severity === 'error') v.message(i.text);
  if (v.messages.length) result.message = [...v.messages].sort().join('; ');
  if (form === 'codeableConcept') {
    result.codeableConcept = { coding: input.codings.map((c) => ({ ...c })) };
    if (input.text !== undefined) result.codeableConcept.text = input.text;
  }
  return result;
}

/** Raised when the value set to validate against is not known: an error response, not a result. */
export function unknownValueSet(canonical: string): TerminologyError {
  return new TerminologyError(issue('error', 'not-found', 'not-found', 'Unable_to_resolve_value_Set_', [canonical]));
}
