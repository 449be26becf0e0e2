import type { ValueSet, ValueSetComposeInclude } from 'fhir/r4';
import { newComposeContext } from './compose';
import { issue, TerminologyError, TerminologyIssue } from './issues';
import type { TerminologyRegistry } from './registry';
import { requiredSupplements, requireSupplements } from './supplements';
import { checkDisplay, reportExclusionReason, reportOutside } from './validation-reports';
import { at, Found, ValidateCodeInput, ValidateCodeResult, Validation, Verdict, vsLabel } from './validation';
import { checkValueSet, inferSystem, prepare } from './value-set-check';
import { canonicalOf } from './versions';

export type { CodingToValidate, ValidateCodeInput, ValidateCodeResult, ValidationTarget } from './validation';

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
  return new Validation(newComposeContext(registry, input.versionRules, input.valueSetVersions), input, valueSet, internal);
}

function check(registry: TerminologyRegistry, input: ValidateCodeInput): ValidateCodeResult {
  const internal = input.target.kind === 'code-system';
  const valueSet = input.target.kind === 'value-set' ? input.target.valueSet : codeSystemValueSet(registry, input);
  requireSupplements(registry, [...requiredSupplements(valueSet), ...(input.useSupplements ?? [])]);
  const v = newValidation(registry, input, valueSet, internal);
  prepare(v, valueSet);
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
      const i = coding.system ? issue('Coding_has_no_code_for_system', [coding.system], path || undefined) : issue('Coding_has_no_code', [], path || undefined);
      v.message(i.text);
      v.add(i);
      noCode = true;
      break;
    }
    const found: Found = {};
    let system = coding.system;
    let verdict: Verdict;
    if (!system && !input.inferSystem && form !== 'code') {
      const i = issue('Coding_has_no_system__cannot_validate', [], path || undefined);
      v.message(i.text);
      v.add(i);
      verdict = false;
    } else if (!system) {
      const inferred = inferSystem(v, code);
      system = inferred.system;
      if (!system) {
        const i =
          inferred.candidates.length > 1
            ? issue('Unable_to_resolve_system__value_set_has_multiple_matches', [code, vsLabel(valueSet), inferred.candidates.join(', ')], 'code')
            : issue('UNABLE_TO_INFER_CODESYSTEM', [code, vsLabel(valueSet)], 'code');
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
        issue('THIS_CODE_NOT_IN_VS', [`'${renderCoding(system, coding.version, code, coding.display)}'`, vsLabel(valueSet)], `${path}.code`),
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
          display: found.displays?.preferred(input.languages, input.wildcardRefused),
          path,
        };
      }
    } else if (!input.membershipOnly && (system ?? coding.system)) {
      const before = found.displays;
      reportOutside(v, coding, (system ?? coding.system) as string, index, path, found, reported);
      if (found.displays && found.displays !== before && !chosen) {
        fallbackDisplay = found.displays.preferred(input.languages, input.wildcardRefused);
      }
      if (found.cs?.version && form !== 'codeableConcept' && fallback && !fallback.version) fallback.version = found.cs.version;
    }
  }

  const noCodeSummary = noCode && (form !== 'codeableConcept' || internal);
  if (ok === false && !noCodeSummary && (!internal || !v.hasErrors())) {
    const i =
      form === 'codeableConcept'
        ? issue('TX_GENERAL_CC_ERROR_MESSAGE', [vsLabel(valueSet)])
        : issue('None_of_the_provided_codes_are_in_the_value_set_one', [codelist.join(', '), vsLabel(valueSet)], form === 'coding' ? 'Coding.code' : 'code');
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
    const i = issue(plain ? 'INACTIVE_CONCEPT_FOUND' : 'INACTIVE_CONCEPT_FOUND_ADD', [status ?? 'inactive', v.inactive.code, 'inactive'], v.inactive.path || 'code');
    v.message(i.text);
    v.add(i);
  } else if (v.deprecated) {
    result.status = 'deprecated';
    const i = issue('DEPRECATED_CONCEPT_FOUND', ['deprecated', v.deprecated.code], v.deprecated.path || 'code');
    v.message(i.text);
    v.add(i);
  }

  // With a concept that is valid, the not-selectable note of a code system check is the project's own warning
  if (internal && chosen) {
    const cs = registry.codeSystem(chosen.system ?? '', chosen.version);
    const concept = cs?.get(chosen.code);
    if (cs && concept?.notSelectable) {
      const i = issue('NOT_SELECTABLE_CODE', [canonicalOf(cs), concept.code], at(chosen.path, 'code'));
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
  return new TerminologyError(issue('Unable_to_resolve_value_Set_', [canonical]));
}
