import type { CodeableConcept, ValueSet } from 'fhir/r4';
import type { CodeSystemIndex, Concept } from './code-system-index';
import { canonicalOf, ComposeContext, newComposeContext, SystemVersionRules, valueSetContains } from './compose';
import { displayCandidates, languageMatches, LanguagePreference, normalizeSpace } from './displays';
import { issue, TerminologyError, TerminologyIssue } from './issues';
import type { TerminologyRegistry } from './registry';

/** One coding to check; `path` is where it sits in the request (code, Coding, CodeableConcept.coding[1]). */
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
  languages: LanguagePreference[];
  /** Accept abstract / not-selectable concepts (R4 `abstract` parameter). */
  abstractAllowed: boolean;
  activeOnly: boolean;
  inferSystem: boolean;
  /** Wrong displays are warnings rather than errors. */
  lenientDisplay: boolean;
  versionRules?: SystemVersionRules;
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
  unknownSystems: string[];
  codeableConcept?: CodeableConcept;
}

interface CodingOutcome {
  valid: boolean;
  inValueSet: boolean;
  cs?: CodeSystemIndex;
  concept?: Concept;
  system?: string;
  code?: string;
  issues: TerminologyIssue[];
  unknownSystem?: string;
}

function pathFor(form: ValidateCodeInput['form'], index: number, element: 'code' | 'display' | 'system' | 'version'): string {
  if (form === 'code') return element;
  if (form === 'coding') return `Coding.${element}`;
  return `CodeableConcept.coding[${index}].${element}`;
}

const codingText = (system: string | undefined, code: string, version?: string, display?: string): string =>
  `${system ?? ''}${version ? `|${version}` : ''}#${code}${display ? ` ('${display}')` : ''}`;

/** Check one coding against its code system: existence, case, display, status. */
function checkAgainstCodeSystem(
  ctx: ComposeContext,
  input: ValidateCodeInput,
  coding: CodingToValidate,
  index: number,
  system: string,
): CodingOutcome {
  const code = coding.code ?? '';
  const issues: TerminologyIssue[] = [];
  const version = input.versionRules?.force.get(system) ?? coding.version ?? input.versionRules?.fallback.get(system);
  const cs = ctx.registry.codeSystem(system, version);
  if (!cs || cs.content === 'not-present') {
    const versions = ctx.registry.versionsOf('CodeSystem', system);
    const unknown = version ? `${system}|${version}` : system;
    if (version && versions.length) {
      issues.push(
        issue('error', 'not-found', 'not-found', 'UNKNOWN_CODESYSTEM_VERSION', [system, version, versions.join(', ')], pathFor(input.form, index, 'system')),
      );
    } else {
      issues.push(issue('error', 'not-found', 'not-found', 'UNKNOWN_CODESYSTEM', [system], pathFor(input.form, index, 'system')));
    }
    return { valid: false, inValueSet: false, system, code, issues, unknownSystem: unknown };
  }
  ctx.usedCodeSystems.set(canonicalOf(cs), cs);
  const concept = cs.get(code);
  if (!concept) {
    if (cs.content === 'fragment') {
      issues.push(
        issue('warning', 'code-invalid', 'invalid-code', 'UNKNOWN_CODE_IN_FRAGMENT', [code, cs.url, cs.version ?? ''], pathFor(input.form, index, 'code')),
      );
      return { valid: false, inValueSet: false, cs, system, code, issues };
    }
    issues.push(
      cs.version
        ? issue('error', 'code-invalid', 'invalid-code', 'Unknown_Code_in_Version', [code, cs.url, cs.version], pathFor(input.form, index, 'code'))
        : issue('error', 'code-invalid', 'invalid-code', 'Unknown_Code_in', [code, cs.url], pathFor(input.form, index, 'code')),
    );
    return { valid: false, inValueSet: false, cs, system, code, issues };
  }
  if (concept.code !== code) {
    issues.push(
      issue('information', 'business-rule', 'code-rule', 'CODE_CASE_DIFFERENCE', [code, concept.code, cs.url], pathFor(input.form, index, 'code')),
    );
  }
  if (concept.inactive) {
    issues.push(
      issue('warning', 'business-rule', 'code-comment', concept.deprecated ? 'DEPRECATED_CONCEPT_FOUND' : 'INACTIVE_CONCEPT_FOUND', [concept.status ?? 'inactive', concept.code], pathFor(input.form, index, 'code')),
    );
  }
  if (concept.notSelectable && input.target.kind === 'code-system') {
    issues.push(
      issue('warning', 'business-rule', 'code-rule', 'NOT_SELECTABLE_CODE', [canonicalOf(cs), concept.code], pathFor(input.form, index, 'code')),
    );
  }
  if (coding.display !== undefined) issues.push(...checkDisplay(input, cs, concept, coding.display, index));
  const valid = !issues.some((i) => i.severity === 'error');
  return { valid, inValueSet: false, cs, concept, system, code: concept.code, issues };
}

function checkDisplay(input: ValidateCodeInput, cs: CodeSystemIndex, concept: Concept, display: string, index: number): TerminologyIssue[] {
  const all = displayCandidates(cs, concept);
  if (!all.length) return [];
  const wanted = input.languages.filter((l) => l.tag !== '*');
  const inLanguage = wanted.length ? all.filter((c) => wanted.some((w) => languageMatches(w.tag, c.language ?? cs.language ?? 'en'))) : all;
  const pool = inLanguage.length ? inLanguage : all;
  if (pool.some((c) => c.value === display)) return [];
  if (!cs.caseSensitive && pool.some((c) => c.value.toLowerCase() === display.toLowerCase())) return [];
  const severity = input.lenientDisplay ? 'warning' : 'error';
  const languageList = wanted.length ? wanted.map((w) => w.tag).join(', ') : '--';
  const expression = pathFor(input.form, index, 'display');
  if (wanted.length && !inLanguage.length && all.some((c) => c.value === display)) {
    return [
      issue('information', 'invalid', 'display-comment', 'NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_OK', [cs.url, concept.code, languageList, display], expression),
    ];
  }
  const choices = pool.map((c) => `'${c.value}'${c.language ? ` (${c.language})` : ''}`);
  const whitespaceOnly = pool.some((c) => normalizeSpace(c.value) === normalizeSpace(display));
  if (whitespaceOnly) {
    return [issue(severity, 'invalid', 'invalid-display', 'Display_Name_WS_for__should_be_one_of__instead_of', [display, cs.url, concept.code, choices[0], languageList], expression)];
  }
  if (wanted.length && !inLanguage.length) {
    return [
      issue(severity, 'invalid', 'invalid-display', 'NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_ERR', [display, cs.url, concept.code, languageList, concept.display ?? ''], expression),
    ];
  }
  return choices.length === 1
    ? [issue(severity, 'invalid', 'invalid-display', 'Display_Name_for__should_be_one_of__instead_of', [display, cs.url, concept.code, choices[0], languageList], expression)]
    : [issue(severity, 'invalid', 'invalid-display', 'Display_Name_for__should_be_one_of__instead_of_other', [display, cs.url, concept.code, choices.length, choices.join(', '), languageList], expression)];
}

/** The system a value set can only mean for a bare code (inferSystem). */
function inferSystem(ctx: ComposeContext, vs: ValueSet, code: string): string | undefined {
  const systems = new Set<string>();
  for (const include of vs.compose?.include ?? []) if (include.system) systems.add(include.system);
  const matches = [...systems].filter((s) => {
    try {
      return valueSetContains(ctx, vs, s, code).kind === 'member';
    } catch {
      return false;
    }
  });
  return matches.length === 1 ? matches[0] : undefined;
}

function validateOne(ctx: ComposeContext, input: ValidateCodeInput, coding: CodingToValidate, index: number): CodingOutcome {
  const code = coding.code ?? '';
  let system = coding.system;
  const target = input.target;
  if (!system && target.kind === 'value-set' && (input.inferSystem || input.form === 'code')) {
    system = inferSystem(ctx, target.valueSet, code);
    if (!system) {
      return {
        valid: false,
        inValueSet: false,
        code,
        issues: [
          issue('error', 'not-found', 'cannot-infer', 'UNABLE_TO_INFER_CODESYSTEM', [code, canonicalOf(target.valueSet)], pathFor(input.form, index, 'code')),
          issue('error', 'code-invalid', 'not-in-vs', 'None_of_the_provided_codes_are_in_the_value_set_one', [`#${code}`, canonicalOf(target.valueSet)], pathFor(input.form, index, 'code')),
        ],
      };
    }
  }
  if (!system) {
    return {
      valid: false,
      inValueSet: false,
      code,
      issues: [issue('error', 'invalid', 'invalid-data', 'Coding_has_no_system__cannot_validate', [], pathFor(input.form, index, 'system'))],
    };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(system) === false) {
    return {
      valid: false,
      inValueSet: false,
      code,
      system,
      issues: [issue('error', 'invalid', 'invalid-data', 'Terminology_TX_System_Relative', [], pathFor(input.form, index, 'system'))],
    };
  }
  const outcome = checkAgainstCodeSystem(ctx, input, coding, index, system);
  if (target.kind === 'code-system') return { ...outcome, inValueSet: outcome.valid };
  const vs = target.valueSet;
  if (outcome.unknownSystem) {
    const mismatch = issue('warning', 'not-found', 'not-found', 'VALUESET_VALUE_MISMATCH', [canonicalOf(vs), outcome.unknownSystem], pathFor(input.form, index, 'code'));
    return { ...outcome, issues: [...outcome.issues, mismatch] };
  }
  const membership = valueSetContains(ctx, vs, system, outcome.code ?? code, coding.version);
  let inValueSet = membership.kind === 'member';
  const issues = [...outcome.issues];
  if (inValueSet && outcome.concept) {
    if (outcome.concept.notSelectable && !input.abstractAllowed) inValueSet = false;
    if (outcome.concept.inactive && input.activeOnly) inValueSet = false;
  }
  if (!inValueSet && outcome.concept) {
    issues.unshift(
      issue('error', 'code-invalid', 'not-in-vs', 'None_of_the_provided_codes_are_in_the_value_set_one', [codingText(system, code, coding.version), canonicalOf(vs)], pathFor(input.form, index, 'code')),
    );
  } else if (!outcome.concept && !outcome.unknownSystem) {
    issues.unshift(
      issue('error', 'code-invalid', 'not-in-vs', 'None_of_the_provided_codes_are_in_the_value_set_one', [codingText(system, code, coding.version), canonicalOf(vs)], pathFor(input.form, index, 'code')),
    );
  }
  return { ...outcome, inValueSet, valid: outcome.valid && inValueSet, issues };
}

/** $validate-code against a code system or a value set (the target), for a code, Coding or CodeableConcept. */
export function validateCode(registry: TerminologyRegistry, input: ValidateCodeInput): ValidateCodeResult {
  const ctx = newComposeContext(registry, input.versionRules);
  const outcomes = input.codings.map((c, i) => validateOne(ctx, input, c, i));
  const chosen = outcomes.find((o) => o.valid) ?? outcomes.find((o) => o.concept) ?? outcomes[0];
  const issues = outcomes.flatMap((o) => o.issues);
  const valid = outcomes.some((o) => o.valid);
  if (input.form === 'codeableConcept' && !valid && input.target.kind === 'value-set') {
    issues.unshift(issue('error', 'code-invalid', 'not-in-vs', 'TX_GENERAL_CC_ERROR_MESSAGE', [canonicalOf(input.target.valueSet)]));
  }
  const result: ValidateCodeResult = {
    result: valid,
    issues: valid ? issues.filter((i) => i.severity !== 'error' || i.txType !== 'not-in-vs') : issues,
    unknownSystems: [...new Set(outcomes.map((o) => o.unknownSystem).filter((s): s is string => !!s))],
  };
  if (chosen) {
    result.code = chosen.code;
    result.system = chosen.system;
    if (chosen.cs) result.version = chosen.cs.version;
    if (chosen.concept) {
      result.display = chosen.concept.display;
      if (chosen.concept.inactive) {
        result.inactive = true;
        result.status = chosen.concept.status ?? 'inactive';
      }
      if (chosen.code !== undefined && input.codings.some((c) => c.code !== chosen.concept?.code && c.code?.toLowerCase() === chosen.concept?.code.toLowerCase())) {
        result.normalizedCode = chosen.concept.code;
      }
    }
  }
  if (input.form === 'codeableConcept') {
    result.codeableConcept = { coding: input.codings.map((c) => ({ ...c })) };
  }
  const messages = result.issues.filter((i) => i.severity === 'error' || i.severity === 'warning').map((i) => i.text);
  if (messages.length) result.message = messages.join('; ');
  return result;
}

/** Raised when the value set to validate against is not known: an error response, not a result. */
export function unknownValueSet(canonical: string): TerminologyError {
  return new TerminologyError(404, issue('error', 'not-found', 'not-found', 'Unable_to_resolve_value_Set_', [canonical]));
}
