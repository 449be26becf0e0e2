import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4';

/**
 * The one catalogue of terminology issues: each has a stable message id (as the HL7 validator and
 * tx.fhir.org use them), a tx-issue-type code, an OperationOutcome issue type and a message template.
 */

export type TxIssueType =
  | 'not-in-vs'
  | 'this-code-not-in-vs'
  | 'invalid-code'
  | 'invalid-display'
  | 'display-comment'
  | 'not-found'
  | 'code-rule'
  | 'vs-invalid'
  | 'status-check'
  | 'inactive-code'
  | 'processing-note'
  | 'cannot-infer'
  | 'code-comment'
  | 'version-error'
  | 'invalid-data'
  | 'cache-id-unknown'
  | 'too-costly';

export type Severity = 'error' | 'warning' | 'information';

export interface TerminologyIssue {
  severity: Severity;
  /** OperationOutcome.issue.code */
  type: OperationOutcomeIssue['code'];
  txType: TxIssueType;
  messageId: string;
  text: string;
  expression?: string[];
}

interface CatalogueEntry {
  severity: Severity;
  type: OperationOutcomeIssue['code'];
  txType: TxIssueType;
  /** The message id the issue carries, when the ecosystem shares one id between several catalogue entries (plural forms, roles). */
  emits?: string;
  template: string;
}

/**
 * Every issue the engine can raise: its id (the key), default severity, issue type, tx-issue-type
 * and message template ({0}, {1}, ... are the arguments). Severity is the only thing a call site
 * may change, and only where a request parameter decides it (lenient-display-validation, a code
 * system asked about directly rather than through a value set).
 */
const CATALOGUE = {
  None_of_the_provided_codes_are_in_the_value_set_one: { severity: 'error', type: 'code-invalid', txType: 'not-in-vs', template: "The provided code {0} was not found in the value set '{1}'" },
  THIS_CODE_NOT_IN_VS: { severity: 'information', type: 'code-invalid', txType: 'this-code-not-in-vs', emits: 'None_of_the_provided_codes_are_in_the_value_set_one', template: "The provided code {0} was not found in the value set '{1}'" },
  TX_GENERAL_CC_ERROR_MESSAGE: { severity: 'error', type: 'code-invalid', txType: 'not-in-vs', template: "No valid coding was found for the value set '{0}'" },
  Unknown_Code_in_Version: { severity: 'error', type: 'code-invalid', txType: 'invalid-code', template: "Unknown code '{0}' in the CodeSystem '{1}' version '{2}'" },
  Unknown_Code_in: { severity: 'error', type: 'code-invalid', txType: 'invalid-code', template: "Unknown code '{0}' in the CodeSystem '{1}'" },
  LOOKUP_UNKNOWN_CODE: { severity: 'error', type: 'not-found', txType: 'invalid-code', template: "Unable to find code '{0}' in {1}" },
  LOOKUP_UNKNOWN_CODE_VERSION: { severity: 'error', type: 'not-found', txType: 'invalid-code', template: "Unable to find code '{0}' in {1} version {2}" },
  UNKNOWN_CODE_IN_FRAGMENT: { severity: 'warning', type: 'code-invalid', txType: 'invalid-code', template: "Unknown Code '{0}' in the CodeSystem '{1}' version '{2}' - note that the code system is labeled as a fragment, so the code may be valid in some other fragment" },
  UNKNOWN_CODESYSTEM: { severity: 'error', type: 'not-found', txType: 'not-found', template: "A definition for CodeSystem '{0}' could not be found, so the code cannot be validated" },
  UNKNOWN_CODESYSTEM_VERSION: { severity: 'error', type: 'not-found', txType: 'not-found', template: "A definition for CodeSystem '{0}' version '{1}' could not be found, so the code cannot be validated. Valid versions: {2}" },
  UNKNOWN_CODESYSTEM_VERSION_NONE: { severity: 'error', type: 'not-found', txType: 'not-found', template: "A definition for CodeSystem '{0}' version '{1}' could not be found, so the code cannot be validated. No versions of this code system are known" },
  UNKNOWN_CODESYSTEM_EXP: { severity: 'error', type: 'not-found', txType: 'not-found', template: "A definition for CodeSystem '{0}' could not be found, so the value set cannot be expanded" },
  UNKNOWN_CODESYSTEM_VERSION_EXP: { severity: 'error', type: 'not-found', txType: 'not-found', template: "A definition for CodeSystem '{0}' version '{1}' could not be found, so the value set cannot be expanded. Valid versions: {2}" },
  UNKNOWN_CODESYSTEM_VERSION_EXP_NONE: { severity: 'error', type: 'not-found', txType: 'not-found', template: "A definition for CodeSystem '{0}' version '{1}' could not be found, so the value set cannot be expanded. No versions of this code system are known" },
  VALUESET_VALUE_MISMATCH: { severity: 'error', type: 'invalid', txType: 'vs-invalid', template: "The code system '{0}' version '{1}' in the ValueSet include is different to the one in the value ('{2}')" },
  VALUESET_VALUE_MISMATCH_DEFAULT: { severity: 'warning', type: 'invalid', txType: 'vs-invalid', template: "The code system '{0}' version '{1}' for the versionless include in the ValueSet include is different to the one in the value ('{3}')" },
  VALUESET_VALUE_MISMATCH_CHANGED: { severity: 'error', type: 'invalid', txType: 'vs-invalid', template: "The code system '{0}' version '{1}' resulting from the version '{2}' in the ValueSet include is different to the one in the value ('{3}')" },
  Unable_to_resolve_value_Set_: { severity: 'error', type: 'not-found', txType: 'not-found', template: "A definition for the value Set '{0}' could not be found" },
  Display_Name_for__should_be_one_of__instead_of_one: { severity: 'error', type: 'invalid', txType: 'invalid-display', emits: 'Display_Name_for__should_be_one_of__instead_of', template: "Wrong Display Name '{4}' for {1}#{2}. Valid display is {3} (for the language(s) '{5}')" },
  Display_Name_for__should_be_one_of__instead_of_other: { severity: 'error', type: 'invalid', txType: 'invalid-display', emits: 'Display_Name_for__should_be_one_of__instead_of', template: "Wrong Display Name '{4}' for {1}#{2}. Valid display is one of {0} choices: {3} (for the language(s) '{5}')" },
  Display_Name_WS_for__should_be_one_of__instead_of_one: { severity: 'error', type: 'invalid', txType: 'invalid-display', emits: 'Display_Name_WS_for__should_be_one_of__instead_of', template: "Wrong whitespace in Display Name '{4}' for {1}#{2}. Valid display is {3} (for the language(s) '{5}')" },
  Display_Name_WS_for__should_be_one_of__instead_of_other: { severity: 'error', type: 'invalid', txType: 'invalid-display', emits: 'Display_Name_WS_for__should_be_one_of__instead_of', template: "Wrong whitespace in Display Name '{4}' for {1}#{2}. Valid display is one of {0} choices: {3} (for the language(s) '{5}')" },
  NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_OK: { severity: 'information', type: 'invalid', txType: 'invalid-display', template: "There are no valid display names found for the code {1}#{2} for language(s) '{3}'. The display is '{0}' which is a valid display for the default language" },
  NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_ERR: { severity: 'error', type: 'invalid', txType: 'invalid-display', template: "Wrong Display Name '{0}' for {1}#{2}. There are no valid display names found for language(s) '{3}'. Default display is '{4}'" },
  NO_VALID_DISPLAY_AT_ALL: { severity: 'warning', type: 'invalid', txType: 'invalid-display', template: "Cannot validate display Name '{0}' for {1}#{2}: No displays are known" },
  INVALID_DISPLAY_NAME: { severity: 'error', type: 'processing', txType: 'invalid-display', template: "Invalid displayLanguage: '{0}'" },
  INACTIVE_CONCEPT_FOUND: { severity: 'warning', type: 'business-rule', txType: 'code-comment', template: "The concept '{1}' has a status of {0} and its use should be reviewed" },
  INACTIVE_CONCEPT_FOUND_ADD: { severity: 'warning', type: 'business-rule', txType: 'code-comment', emits: 'INACTIVE_CONCEPT_FOUND', template: "The concept '{1}' has a status of {0} and {2} and its use should be reviewed" },
  CONCEPT_DEPRECATED_IN_VALUESET: { severity: 'warning', type: 'business-rule', txType: 'code-comment', template: "The presence of the concept '{1}' in the system '{0}' in the value set {3} is marked with a status of {2} and its use should be reviewed" },
  DEPRECATED_CONCEPT_FOUND: { severity: 'warning', type: 'business-rule', txType: 'code-comment', template: "The concept '{1}' is deprecated and its use should be reviewed" },
  STATUS_CODE_WARNING_CODE: { severity: 'error', type: 'business-rule', txType: 'code-rule', template: "The concept '{0}' is valid but is not active" },
  CODE_CASE_DIFFERENCE: { severity: 'information', type: 'business-rule', txType: 'code-rule', template: "The code '{0}' differs from the correct code '{1}' by case. Although the code system '{2}' is case insensitive, implementers are strongly encouraged to use the correct case anyway" },
  Coding_has_no_system__cannot_validate: { severity: 'warning', type: 'invalid', txType: 'invalid-data', template: 'Coding has no system. A code with no system has no defined meaning, and it cannot be validated. A system should be provided' },
  Coding_has_no_code_for_system: { severity: 'warning', type: 'invalid', txType: 'invalid-data', emits: 'Coding_has_no_code', template: 'Coding has no code for system {0} and cannot be validated' },
  Coding_has_no_code: { severity: 'warning', type: 'invalid', txType: 'invalid-data', template: 'Coding has no code and cannot be validated' },
  Unable_to_resolve_system__value_set_has_multiple_matches: { severity: 'error', type: 'not-found', txType: 'cannot-infer', template: "The System URI could not be determined for the code '{0}' in the ValueSet '{1}': value set expansion has multiple matches: [{2}]" },
  Terminology_TX_System_ValueSet2: { severity: 'error', type: 'invalid', txType: 'invalid-data', template: "The Coding references a value set, not a code system ('{0}')" },
  UNABLE_TO_INFER_CODESYSTEM: { severity: 'error', type: 'not-found', txType: 'cannot-infer', template: "The System URI could not be determined for the code '{0}' in the ValueSet '{1}'" },
  Terminology_TX_System_Relative: { severity: 'error', type: 'invalid', txType: 'invalid-data', template: "Coding.system must be an absolute reference, not a local reference" },
  ABSTRACT_CODE_NOT_ALLOWED: { severity: 'error', type: 'business-rule', txType: 'code-rule', template: "Code '{0}#{1}' is abstract, and not allowed in this context" },
  NOT_SELECTABLE_CODE: { severity: 'warning', type: 'business-rule', txType: 'code-rule', template: "The code '{1}' in {0} is not selectable (a grouping or header, not a code for use in records or claims)" },
  CODESYSTEM_CS_NO_VS_NOTCOMPLETE: { severity: 'error', type: 'not-supported', txType: 'vs-invalid', template: "The code system '{0}' has content '{1}' and cannot be used for validation or expansion" },
  VALUESET_TOO_COSTLY: { severity: 'error', type: 'too-costly', txType: 'too-costly', template: "The value set '{0}' expansion has too many codes to produce (>{1})" },
  VALUESET_CIRCULAR_REFERENCE: { severity: 'error', type: 'processing', txType: 'vs-invalid', template: 'Found a circularity pointing to {0} processing ValueSet with pathway [{1}]' },
  VALUESET_EXCLUDED_CODE: { severity: 'information', type: 'business-rule', txType: 'code-comment', template: "The code '{0}' is excluded from the value set '{1}': {2}" },
  VALUESET_SUPPLEMENT_MISSING: { severity: 'error', type: 'not-found', txType: 'not-found', template: 'Required supplement not found: {0}' },
  UNABLE_TO_HANDLE_SYSTEM_FILTER_WITH_NO_VALUE: { severity: 'error', type: 'invalid', txType: 'vs-invalid', template: 'The system {0} filter with property = {1}, op = {2} has no value' },
  FILTER_NOT_UNDERSTOOD: { severity: 'error', type: 'not-supported', txType: 'vs-invalid', template: "The filter '{0} {1} {2}' on the code system '{3}' is not supported" },
  FILTER_PROPERTY_UNKNOWN: { severity: 'error', type: 'not-supported', txType: 'vs-invalid', template: "The filter '{0} {1} {2}' on the code system '{3}' is not supported: unknown property '{0}'" },
  FILTER_REGEX_INVALID: { severity: 'error', type: 'invalid', txType: 'vs-invalid', template: "The regex '{2}' in the filter on '{0}' cannot be used: {4}" },
  VALUESET_INCLUDE_NOT_FOUND: { severity: 'error', type: 'not-found', txType: 'not-found', template: "Unable to find included value set '{0}' version '{1}'" },
  VALUESET_VERSION_CHECK: { severity: 'error', type: 'exception', txType: 'version-error', template: "The version '{1}' is not allowed for system '{0}': required to be '{2}' by a version-check parameter" },
  INVALID_SENT_RESOURCE: { severity: 'error', type: 'invalid', txType: 'vs-invalid', template: "The {0} '{1}' sent with the request cannot be used: {2}" },
  CODESYSTEM_CS_NO_SUPPLEMENT: { severity: 'error', type: 'invalid', txType: 'invalid-data', template: "CodeSystem {0} is a supplement, so can't be used as a value in Coding.system" },
  INACTIVE_DISPLAY_FOUND: { severity: 'warning', type: 'invalid', txType: 'display-comment', template: "'{0}' is no longer considered a correct display for code '{1}' (status = {2}). The correct display is one of {3}." },
  CACHE_ID_UNKNOWN: { severity: 'error', type: 'not-found', txType: 'cache-id-unknown', template: "The cache '{0}' is not known to this server. Caches are created with $cache-control?mode=start; this one was never created, or has expired or been released" },
  CODE_PROBLEM: { severity: 'information', type: 'code-invalid', txType: 'invalid-code', template: "Error processing '{0}': {1}" },
  MSG_DRAFT: { severity: 'information', type: 'business-rule', txType: 'status-check', template: "Reference to draft {0} {1}" },
  MSG_DEPRECATED: { severity: 'information', type: 'business-rule', txType: 'status-check', template: "Reference to deprecated {0} {1}" },
  MSG_WITHDRAWN: { severity: 'information', type: 'business-rule', txType: 'status-check', template: "Reference to withdrawn {0} {1}" },
  MSG_EXPERIMENTAL: { severity: 'information', type: 'business-rule', txType: 'status-check', template: "Reference to experimental {0} {1}" },
  REQUEST_TOO_COSTLY: { severity: 'error', type: 'too-costly', txType: 'too-costly', template: 'The request needs more than the {0} ms of processing one request may have here (REQUEST_DEADLINE_MS): narrow it (filters, count) or split it' },
  UCUM_CODE_TOO_LONG: { severity: 'error', type: 'too-long', txType: 'invalid-code', template: 'The UCUM code is {0} characters long; codes of more than {1} characters are not evaluated here' },
  MSG_RETIRED: { severity: 'information', type: 'business-rule', txType: 'status-check', template: "Reference to retired {0} {1}" },

} satisfies Record<string, CatalogueEntry>;

export type MessageId = keyof typeof CATALOGUE;

export function formatMessage(id: MessageId, ...args: Array<string | number>): string {
  return CATALOGUE[id].template.replace(/\{(\d+)\}/g, (_m, n: string) => String(args[Number(n)] ?? ''));
}

/** The issue `id` with its arguments, at `expression` (a FHIRPath into the request), with the catalogue's severity unless the request decides another. */
export function issue(id: MessageId, args: Array<string | number> = [], expression?: string, severity?: Severity): TerminologyIssue {
  const entry: CatalogueEntry = CATALOGUE[id];
  const out: TerminologyIssue = {
    severity: severity ?? entry.severity,
    type: entry.type,
    txType: entry.txType,
    messageId: entry.emits ?? id,
    text: formatMessage(id, ...args),
  };
  if (expression) out.expression = [expression];
  return out;
}

const TX_ISSUE_TYPE = 'http://hl7.org/fhir/tools/CodeSystem/tx-issue-type';
const MESSAGE_ID = 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id';

export function toOperationOutcomeIssue(i: TerminologyIssue): OperationOutcomeIssue {
  const out: OperationOutcomeIssue = {
    extension: [{ url: MESSAGE_ID, valueString: i.messageId }],
    severity: i.severity,
    code: i.type,
    // tx-issue-type has no code for a refusal on cost: the issue type (too-costly) says it all.
    details: i.txType === 'too-costly' ? { text: i.text } : { coding: [{ system: TX_ISSUE_TYPE, code: i.txType }], text: i.text },
  };
  // expression only: location is deprecated in R4 for FHIRPath, and the ecosystem servers omit it
  if (i.expression) out.expression = i.expression;
  return out;
}

export function toOperationOutcome(issues: TerminologyIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues.map(toOperationOutcomeIssue) };
}

/**
 * A terminology failure that ends an operation (unknown value set, unusable code system, too
 * costly): it carries its issue; the edge chooses the HTTP status from the issue type.
 */
export class TerminologyError extends Error {
  constructor(readonly issue: TerminologyIssue) {
    super(issue.text);
    this.name = 'TerminologyError';
  }
}
