import type { ValueSet } from 'fhir/r4';
import type { CodeSystemIndex } from './code-system-index';
import { resolveValueSet } from './compose';
import { ConceptDisplays, DEFAULT_DISPLAY_LANGUAGE } from './displays';
import { issue, TerminologyIssue } from './issues';
import { addUnknownCode, at, CodingToValidate, Found, Validation, vsLabel } from './validation';
import { importedValueSet } from './value-set-check';

/** $validate-code reports on a coding beyond membership: its display, and what is wrong with a coding outside the value set. */

export function isAbsoluteUri(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(s);
}

/** Check a display given for a code that is in the value set. */
export function checkDisplay(v: Validation, displays: ConceptDisplays, cs: CodeSystemIndex, code: string, display: string, path: string): void {
  const languages = v.input.languages;
  const summary = v.input.languageSummary ?? '--';
  const system = cs.url;
  const match = displays.has(languages, display);
  if (match.found && match.inactiveStatus) {
    v.add(issue('INACTIVE_DISPLAY_FOUND', [display, code, match.inactiveStatus, displays.current()], at(path, 'display')));
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
      i = issue('NO_VALID_DISPLAY_AT_ALL', [display, system, code], at(path, 'display'));
    } else if (displays.has(languages, display, cs.language ?? DEFAULT_DISPLAY_LANGUAGE).found) {
      i = issue('NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_OK', [display, system, code, summary, fallback], at(path, 'display'));
    } else {
      i = issue('NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_ERR', [display, system, code, summary, fallback], at(path, 'display'), v.input.lenientDisplay ? 'warning' : 'error');
    }
  } else {
    i = displayIssue(severity, id, count, system, code, displays.present(languages, true), display, summary, path);
  }
  v.message(i.text);
  v.add(i);
}

export function displayIssue(
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
  return issue(count === 1 ? `${id}_one` : `${id}_other`, [count, system, code, choices, display, summary], at(path, 'display'), severity);
}

/** A coding that is not in the value set is still looked up in its code system, to say what is wrong with it. */
export function reportOutside(v: Validation, coding: CodingToValidate, system: string, index: number, path: string, found: Found, reported: Set<string>): void {
  const input = v.input;
  if (!isAbsoluteUri(system)) {
    const where = input.form === 'coding' ? 'Coding.system' : input.form === 'codeableConcept' ? `CodeableConcept.coding[${index}].system` : 'system';
    const i = issue('Terminology_TX_System_Relative', [], where);
    v.messages.push(i.text);
    v.add(i);
  }
  const version = coding.version ?? impliedVersion(v.valueSet, system);
  const cs = v.findCodeSystem(system, version);
  if (!cs) {
    if (resolveValueSet(v.registry, system)) {
      const i = issue('Terminology_TX_System_ValueSet2', [system], at(path, 'system'));
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
      v.add(issue('UNKNOWN_CODE_IN_FRAGMENT', [code, system, cs.version ?? ''], at(path, 'code')), true);
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
          ? issue('NO_VALID_DISPLAY_AT_ALL', [coding.display, system, code], at(path, 'display'))
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


const CONCEPT_COMMENTS = 'http://hl7.org/fhir/StructureDefinition/valueset-concept-comments';

/**
 * A code that the value set, or one it imports, excludes with a stated reason (valueset-concept-comments
 * on the exclude entry): the refusal says why. Imports resolve without cycles (checked by prepare).
 */
export function reportExclusionReason(v: Validation, system: string, code: string, path: string, vs: ValueSet = v.valueSet): boolean {
  for (const exclude of vs.compose?.exclude ?? []) {
    if (exclude.system !== system) continue;
    const why = exclude.concept?.find((c) => c.code === code)?.extension?.find((e) => e.url === CONCEPT_COMMENTS)?.valueString;
    if (!why) continue;
    const i = issue('VALUESET_EXCLUDED_CODE', [code, vsLabel(vs), why.replace(/\.$/, '')], at(path, 'code'));
    v.message(i.text);
    v.add(i, true);
    return true;
  }
  const imports = (vs.compose?.include ?? []).flatMap((include) => include.valueSet ?? []);
  return imports.some((canonical) => reportExclusionReason(v, system, code, path, importedValueSet(v, canonical, vs)));
}
