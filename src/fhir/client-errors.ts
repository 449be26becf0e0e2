import type { OperationOutcomeIssue } from 'fhir/r4';

/**
 * The catalogue of client errors (requests this server refuses): each code once, with its HTTP
 * status, issue type and message template ({0}, {1}, ... are the arguments). Call sites pass a
 * code and arguments (see clientError); the terminology engine's issues have their own catalogue.
 */
interface ClientErrorEntry {
  status: number;
  type: OperationOutcomeIssue['code'];
  template: string;
  /** Worded as the HL7 terminology ecosystem expects, and sent as its servers send it: without a message id. */
  ecosystem?: true;
}

export const CLIENT_ERRORS = {
  // the HTTP request
  FORMAT_NOT_SUPPORTED: { status: 406, type: 'not-supported', template: "_format '{0}' is not supported: this server speaks JSON (json, application/fhir+json)" },
  NOTHING_AT_PATH: { status: 404, type: 'not-found', template: 'Nothing at {0}: the FHIR endpoint is /fhir' },
  BODY_NOT_JSON: { status: 400, type: 'structure', template: 'The request body is not valid JSON: {0}' },
  BODY_TOO_LARGE: { status: 413, type: 'too-costly', template: 'The request body is too large' },
  JSON_TOO_DEEP: { status: 400, type: 'invalid', template: 'The request body nests objects and arrays more than {0} levels deep (MAX_JSON_DEPTH): deep concept hierarchies and extensions are refused' },
  RESPONSE_TOO_LARGE: { status: 422, type: 'too-costly', template: 'The response would be larger than {0} bytes (MAX_RESPONSE_BYTES): ask for less (count, _count, _summary)' },
  CACHES_FULL: { status: 422, type: 'too-costly', template: 'The resources sent to $cache-control take about {0} bytes; all caches together may hold {1} (CACHE_CLIENT_CACHES_BYTES)' },
  HTTP_CLIENT_ERROR: { status: 400, type: 'invalid', template: '{0}' },
  PATH_SEGMENT_ENCODING: { status: 400, type: 'invalid', template: "The path segment '{0}' has a malformed %-escape" },
  RESOURCE_TYPE_NOT_SERVED: { status: 404, type: 'not-found', template: "Resource type '{0}' is not served here: CodeSystem, ValueSet and ConceptMap are{1}" },
  METHOD_NOT_ALLOWED: { status: 405, type: 'not-supported', template: '{0} is not allowed on {1}: use GET or POST' },
  INTERACTION_NOT_SUPPORTED: { status: 404, type: 'not-supported', template: '{0} {1} is not supported by this server' },
  OPERATION_NOT_SUPPORTED: { status: 404, type: 'not-found', template: 'Operation {0} is not supported on {1}' },
  RESOURCE_NOT_FOUND: { status: 404, type: 'not-found', template: '{0}/{1} is not known to this server' },
  CONCEPT_MAP_UNKNOWN: { status: 404, type: 'not-found', template: "ConceptMap '{0}' is not known to this server" },
  // search
  SEARCH_PARAMETER_UNKNOWN: { status: 400, type: 'invalid', template: "Unknown search parameter '{0}' for {1} (Prefer: handling=strict; without it, it would be ignored)" },
  SEARCH_PARAMETER_NOT_SUPPORTED: { status: 400, type: 'not-supported', template: "Search parameter '{0}' is not supported" },
  SEARCH_PARAMETER_TYPE_NOT_SUPPORTED: { status: 400, type: 'not-supported', template: "Search parameter '{0}' of type {1} is not supported" },
  SEARCH_MODIFIER_NOT_SUPPORTED: { status: 400, type: 'invalid', template: "Modifier ':{0}' is not supported for search parameter '{1}'" },
  SEARCH_NOT_BOOLEAN: { status: 400, type: 'invalid', template: "Search parameter '{0}' takes true or false" },
  SEARCH_DATE_INVALID: { status: 400, type: 'invalid', template: "Invalid date '{0}' for search parameter '{1}'" },
  SEARCH_NOT_NON_NEGATIVE: { status: 400, type: 'invalid', template: "{0} must be a non-negative integer, not '{1}'" },
  SUMMARY_INVALID: { status: 400, type: 'invalid', template: "_summary must be one of true, false, text, data, count, not '{0}'" },
  ELEMENTS_INVALID: { status: 400, type: 'invalid', template: "_elements lists element names (such as url,version,name or ValueSet.url), not '{0}'" },
  // batch Bundles
  BATCH_NOT_JSON: { status: 415, type: 'not-supported', template: 'POST a FHIR Bundle of type batch as application/fhir+json (or application/json)' },
  BATCH_NOT_BUNDLE: { status: 400, type: 'invalid', template: 'POST to the base URL takes a Bundle of type batch{0}' },
  BATCH_TYPE: { status: 400, type: 'invalid', template: "Only a Bundle of type 'batch' is processed here{0}" },
  BATCH_ENTRY_NOT_ARRAY: { status: 400, type: 'invalid', template: 'Bundle.entry must be an array' },
  BATCH_TOO_LARGE: { status: 422, type: 'too-costly', template: 'A batch may hold at most {0} entries (MAX_BATCH_ENTRIES), not {1}: split it' },
  BATCH_RESPONSE_TOO_LARGE: { status: 422, type: 'too-costly', template: 'The answers to this batch pass {0} bytes (MAX_BATCH_RESPONSE_BYTES): this entry and the rest are not answered; split the batch' },
  BATCH_IN_BATCH: { status: 400, type: 'not-supported', template: 'A batch entry cannot itself be a batch' },
  BATCH_ENTRY_NO_REQUEST: { status: 400, type: 'invalid', template: '{0} has no request' },
  BATCH_ENTRY_METHOD: { status: 400, type: 'invalid', template: "{0}.request.method must be GET or POST (this server is read-only), not '{1}'" },
  BATCH_ENTRY_NO_URL: { status: 400, type: 'invalid', template: '{0}.request.url is missing' },
  BATCH_ENTRY_URL_INVALID: { status: 400, type: 'invalid', template: "{0}.request.url '{1}' is not a URL" },
  BATCH_ENTRY_URL_ELSEWHERE: { status: 400, type: 'invalid', template: "{0}.request.url '{1}' is not on this server ({2})" },
  BATCH_ENTRY_POST_NO_RESOURCE: { status: 400, type: 'invalid', template: '{0} is a POST without a resource' },
  // operation parameters
  PARAMETERS_NOT_JSON: { status: 415, type: 'not-supported', template: 'POST a FHIR Parameters resource as application/fhir+json (or application/json)' },
  BODY_NOT_PARAMETERS: { status: 400, type: 'invalid', template: 'The request body must be a FHIR Parameters resource' },
  PARAMETERS_NOT_ARRAY: { status: 400, type: 'invalid', template: 'Parameters.parameter must be an array' },
  PARAMETER_NO_NAME: { status: 400, type: 'invalid', template: 'Parameters.parameter[{0}] has no name' },
  PARAMETER_PART_NO_NAME: { status: 400, type: 'invalid', template: "Part {1} of parameter '{0}' has no name" },
  TOO_MANY_PARAMETERS: { status: 422, type: 'too-costly', template: 'The Parameters body has {0} parameters; a request may have at most {1} (MAX_PARAMETERS)' },
  PARAMETER_TOO_LONG: { status: 400, type: 'invalid', template: "Parameter '{0}' is {1} characters long; text values may have at most {2} (MAX_STRING_LENGTH)" },
  PARAMETER_UNDEFINED: { status: 400, type: 'invalid', template: "Parameter '{0}' is not defined for {1} (Prefer: handling=strict; without it, it would be ignored)" },
  PARAMETER_REPEATED: { status: 400, type: 'invalid', template: "Parameter '{0}' may be given only once" },
  PARAMETER_NOT_BOOLEAN: { status: 400, type: 'invalid', template: "Parameter '{0}' must be a boolean (true or false), not '{1}'" },
  PARAMETER_NOT_INTEGER: { status: 400, type: 'invalid', template: "Parameter '{0}' must be an integer, not '{1}'" },
  PARAMETER_NEGATIVE: { status: 400, type: 'invalid', template: "Parameter '{0}' must not be negative" },
  PARAMETER_NOT_DECIMAL: { status: 400, type: 'invalid', template: "Parameter '{0}' must be a decimal number, not '{1}'" },
  PARAMETER_MALFORMED: { status: 400, type: 'invalid', template: "Parameter '{0}' is malformed" },
  PARAMETER_BODY_ONLY: { status: 400, type: 'invalid', template: "Parameter '{0}' ({1}) can only be given in a POST Parameters body" },
  PARAMETER_NO_PARTS: { status: 400, type: 'invalid', template: "Parameter '{0}' must have parts" },
  PARAMETER_NO_RESOURCE: { status: 400, type: 'invalid', template: "Parameter '{0}' must carry a resource" },
  PARAMETER_WRONG_RESOURCE: { status: 400, type: 'invalid', template: "Parameter '{0}' must be a {1}, not a {2}" },
  PARAMETER_WRONG_DATATYPE: { status: 400, type: 'invalid', template: "Parameter '{0}' must be a {1} (value{1}): {2}" },
  PARAMETER_NOT_VALUE_BOOLEAN: { status: 400, type: 'invalid', template: "Parameter '{0}' must be a boolean (valueBoolean)" },
  PARAMETER_NOT_VALUE_INTEGER: { status: 400, type: 'invalid', template: "Parameter '{0}' must be an integer (valueInteger)" },
  PARAMETER_NO_VALUE: { status: 400, type: 'invalid', template: "Parameter '{0}' must have a {1} value" },
  CANONICAL_WITHOUT_VERSION: { status: 400, type: 'invalid', template: "Parameter '{0}' must be a canonical with a version (system|version), not '{1}'" },
  SENT_RESOURCE_INVALID: { status: 400, type: 'invalid', template: "Parameter '{0}' is not a valid {1}: {2}" },
  CODEABLE_CONCEPT_NO_CODING: { status: 400, type: 'invalid', template: "Parameter '{0}' has no coding" },
  CODING_NO_CODE: { status: 400, type: 'invalid', template: "Parameter '{0}' has no code" },
  // what each operation needs
  VALUE_SET_REQUIRED: { status: 400, type: 'invalid', template: "Parameter 'url' (or 'valueSet') is required: the value set {0}" },
  CODE_REQUIRED: { status: 400, type: 'invalid', template: "One of the parameters 'code', 'coding' or 'codeableConcept' is required" },
  CODE_SYSTEM_REQUIRED: { status: 400, type: 'invalid', template: "Parameter 'url' (the code system) is required" },
  LOOKUP_CODE_REQUIRED: { status: 400, type: 'invalid', template: "Parameter 'code' (or 'coding') is required for $lookup" },
  LOOKUP_SYSTEM_REQUIRED: { status: 400, type: 'invalid', template: "Parameter 'system' is required for $lookup: the code system of the code" },
  SUBSUMES_CODE_REQUIRED: { status: 400, type: 'invalid', template: "Parameter '{0}' (or '{1}') is required" },
  SUBSUMES_SYSTEM_REQUIRED: { status: 400, type: 'invalid', template: "Parameter 'system' is required" },
  SUBSUMES_SYSTEMS_DIFFER: { status: 400, type: 'invalid', template: 'codingA and codingB must be from the same code system' },
  SYSTEM_REQUIRED_WITH_CODE: { status: 400, type: 'invalid', template: "Parameter '{0}' is required with '{1}'" },
  TRANSLATE_REVERSE_WITH_TARGET: { status: 400, type: 'invalid', template: "Parameter 'reverse' cannot be combined with targetCode, targetCoding or targetCodeableConcept: they already ask for the sources of a target concept" },
  TRANSLATE_DEPENDENCY_INCOMPLETE: { status: 400, type: 'invalid', template: "Parameter 'dependency' needs {0}" },
  TRANSLATE_CONCEPT_REQUIRED: {
    status: 400,
    type: 'invalid',
    template: "One of the parameters 'code' (with 'system'), 'coding' or 'codeableConcept' is required (R5 names: sourceCode with sourceSystem, sourceCoding, sourceCodeableConcept, or targetCode with targetSystem, targetCoding, targetCodeableConcept)",
  },
  VALIDATION_NOT_PARAMETERS: { status: 400, type: 'invalid', template: "Parameter 'validation' [{0}] must be a Parameters resource, not a {1}" },
  VALIDATION_NO_CODE: { status: 400, type: 'invalid', ecosystem: true, template: 'Unable to find code to validate (looked for coding | codeableConcept | code+system | code+inferSystem in parameters' },
  VALIDATIONS_TOO_MANY: { status: 422, type: 'too-costly', template: 'A batch may hold at most {0} validations, not {1}: split it' },
  CACHE_ID_REQUIRED: { status: 400, type: 'invalid', template: "$cache-control mode={0} needs the cache's id in the X-Cache-Id header" },
  CACHE_RESOURCE_INVALID: { status: 400, type: 'invalid', template: 'tx-resource {0} {1} is not valid: {2}' },
  CACHE_MODE_REQUIRED: { status: 400, type: 'invalid', template: '$cache-control needs a mode of start, check or end{0}' },
} satisfies Record<string, ClientErrorEntry>;

export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

export function clientErrorEntry(code: ClientErrorCode): ClientErrorEntry {
  return CLIENT_ERRORS[code];
}

export function formatClientError(code: ClientErrorCode, args: ReadonlyArray<string | number>): string {
  return CLIENT_ERRORS[code].template.replace(/\{(\d+)\}/g, (_m, n: string) => String(args[Number(n)] ?? ''));
}
