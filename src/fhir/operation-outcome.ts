import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4';
import { TerminologyError, TerminologyIssue, toOperationOutcome } from '../terminology/issues';
import { ClientErrorCode, clientErrorEntry, formatClientError } from './client-errors';
import { HintedError } from './error-hints';

/** Issue severity and type codes from http://hl7.org/fhir/ValueSet/issue-type. */
export type IssueSeverity = OperationOutcomeIssue['severity'];
export type IssueType = OperationOutcomeIssue['code'];

const MESSAGE_ID = 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id';

/**
 * An error a client caused (or a resource that is not there), by its code in the client-error
 * catalogue. The HTTP edge turns it into an OperationOutcome with `status`; nobody builds an
 * error OperationOutcome by hand elsewhere.
 */
export class FhirError extends Error {
  readonly status: number;
  readonly issueType: IssueType;
  readonly expression?: string[];
  /** For a 405: the methods the target does allow (the Allow header). */
  readonly allowedMethods?: string[];

  constructor(
    readonly code: ClientErrorCode,
    args: ReadonlyArray<string | number> = [],
    options: { expression?: string | string[]; status?: number; allowedMethods?: string[] } = {},
  ) {
    super(formatClientError(code, args));
    this.name = 'FhirError';
    const entry = clientErrorEntry(code);
    this.status = options.status ?? entry.status;
    this.issueType = entry.type;
    if (options.allowedMethods) this.allowedMethods = options.allowedMethods;
    if (options.expression !== undefined) this.expression = Array.isArray(options.expression) ? options.expression : [options.expression];
  }

  toOperationOutcome(): OperationOutcome {
    const issue: OperationOutcomeIssue = {
      ...(clientErrorEntry(this.code).ecosystem ? {} : { extension: [{ url: MESSAGE_ID, valueString: this.code }] }),
      severity: 'error',
      code: this.issueType,
      details: { text: this.message },
      diagnostics: this.message,
    };
    if (this.expression) issue.expression = this.expression;
    return { resourceType: 'OperationOutcome', issue: [issue] };
  }
}

/** The client error `code` with its arguments, about the parameter or element at `expression`. */
export const clientError = (code: ClientErrorCode, args: ReadonlyArray<string | number> = [], expression?: string | string[]): FhirError =>
  new FhirError(code, args, { expression });

export function operationOutcome(issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/** The HTTP status for a terminology failure, from its issue type. */
function statusOfIssue(issue: TerminologyIssue): number {
  if (issue.type === 'not-found') return 404;
  if (issue.type === 'too-costly') return 422;
  return 400;
}

/** The status and OperationOutcome answering an error a client caused; undefined for any other error. */
export function clientErrorResponse(e: unknown): { status: number; outcome: OperationOutcome; allowedMethods?: string[] } | undefined {
  if (e instanceof HintedError) {
    const known = clientErrorResponse(e.error);
    return known && { status: known.status, outcome: e.hint(known.outcome) };
  }
  if (e instanceof FhirError) return { status: e.status, outcome: e.toOperationOutcome(), allowedMethods: e.allowedMethods };
  if (e instanceof TerminologyError) return { status: statusOfIssue(e.issue), outcome: toOperationOutcome([e.issue]) };
  return undefined;
}
