import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4';
import { TerminologyError, TerminologyIssue, toOperationOutcome } from '../terminology/issues';

/** Issue severity and type codes from http://hl7.org/fhir/ValueSet/issue-type. */
export type IssueSeverity = OperationOutcomeIssue['severity'];
export type IssueType = OperationOutcomeIssue['code'];

/**
 * An error a client caused (or a resource that is not there). The HTTP edge turns it into
 * an OperationOutcome with `status`; nobody builds an error OperationOutcome by hand elsewhere.
 */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly issueType: IssueType,
    message: string,
    readonly expression?: string[],
    readonly extraIssues: OperationOutcomeIssue[] = [],
    /** For a 405: the methods the target does allow (the Allow header). */
    readonly allowedMethods?: string[],
  ) {
    super(message);
    this.name = 'FhirError';
  }

  toOperationOutcome(): OperationOutcome {
    const issue: OperationOutcomeIssue = {
      severity: 'error',
      code: this.issueType,
      details: { text: this.message },
      diagnostics: this.message,
    };
    if (this.expression) issue.expression = this.expression;
    return { resourceType: 'OperationOutcome', issue: [issue, ...this.extraIssues] };
  }
}

export const badRequest = (message: string, parameter?: string): FhirError =>
  new FhirError(400, 'invalid', message, parameter ? [parameter] : undefined);

export const notSupported = (message: string, parameter?: string): FhirError =>
  new FhirError(400, 'not-supported', message, parameter ? [parameter] : undefined);

export const methodNotAllowed = (message: string, allowed: string[]): FhirError => new FhirError(405, 'not-supported', message, undefined, [], allowed);

export const notFound = (message: string): FhirError => new FhirError(404, 'not-found', message);

export const tooCostly = (message: string): FhirError => new FhirError(422, 'too-costly', message);

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
export function clientErrorResponse(e: unknown): { status: number; outcome: OperationOutcome } | undefined {
  if (e instanceof FhirError) return { status: e.status, outcome: e.toOperationOutcome() };
  if (e instanceof TerminologyError) return { status: statusOfIssue(e.issue), outcome: toOperationOutcome([e.issue]) };
  return undefined;
}
