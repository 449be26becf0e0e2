import type { Coding, OperationOutcome, OperationOutcomeIssue } from 'fhir/r4';
import { codeSuggestion, nearestText } from '../terminology/code-suggestions';
import type { TerminologyRegistry } from '../terminology/registry';

/**
 * Errors that help: what the client probably meant, said after the message. The hint goes into
 * each issue's `diagnostics` (details.text keeps the message as the ecosystem words it).
 */

const MESSAGE_ID = 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id';

const UNKNOWN_SYSTEM = new Set(['UNKNOWN_CODESYSTEM', 'UNKNOWN_CODESYSTEM_EXP']);
const UNKNOWN_CODE = new Set(['Unknown_Code_in', 'Unknown_Code_in_Version', 'UNKNOWN_CODE_IN_FRAGMENT', 'LOOKUP_UNKNOWN_CODE', 'LOOKUP_UNKNOWN_CODE_VERSION']);

/** The code system url nearest to an unknown one, as a sentence. */
export function systemHint(registry: TerminologyRegistry, system: string): string | undefined {
  const urls = new Set<string>();
  for (const cs of registry.all('CodeSystem')) if (cs.url && cs.content !== 'supplement') urls.add(cs.url);
  const near = nearestText(system, urls);
  return near ? `Did you mean the code system '${near}'?` : undefined;
}

/** The form of an unknown code that the code system has (M810 -> M81.0, 0556t -> 0556T), as a sentence. */
export function codeHint(registry: TerminologyRegistry, coding: Coding): string | undefined {
  if (!coding.system || !coding.code) return undefined;
  const index = registry.codeSystem(coding.system, coding.version);
  if (!index || index.has(coding.code)) return undefined;
  const suggestion = codeSuggestion(coding.code, (c) => index.has(c));
  return suggestion ? `Did you mean '${suggestion}' (${coding.system})?` : undefined;
}

/** The value set url nearest to an unknown one, as a sentence. */
export function valueSetHint(registry: TerminologyRegistry, url: string): string | undefined {
  const near = nearestText(url, new Set(registry.all('ValueSet').flatMap((vs) => (vs.url ? [vs.url] : []))));
  return near ? `Did you mean the value set '${near}'?` : undefined;
}

/** The hint for an issue (by its message id) about the concepts asked. */
function hintFor(messageId: string, registry: TerminologyRegistry, asked: Coding[]): string | undefined {
  if (UNKNOWN_SYSTEM.has(messageId)) {
    for (const c of asked) if (c.system && !registry.codeSystem(c.system)) return systemHint(registry, c.system);
  }
  if (UNKNOWN_CODE.has(messageId)) {
    for (const c of asked) {
      const hint = codeHint(registry, c);
      if (hint) return hint;
    }
  }
  return undefined;
}

/** The hint after the issue's message, as a sentence of its own. */
function appendHint(issue: OperationOutcomeIssue, hint: string): void {
  const text = (issue.diagnostics ?? issue.details?.text ?? '').trim();
  issue.diagnostics = !text ? hint : /[.?!:]$/.test(text) ? `${text} ${hint}` : `${text}. ${hint}`;
}

/** Add to each issue about an unknown system or code the hint for the concepts asked. */
export function withConceptHints(outcome: OperationOutcome, registry: TerminologyRegistry, asked: Coding[]): OperationOutcome {
  for (const issue of outcome.issue) {
    const messageId = issue.extension?.find((e) => e.url === MESSAGE_ID)?.valueString;
    const hint = messageId && hintFor(messageId, registry, asked);
    if (hint) appendHint(issue, hint);
  }
  return outcome;
}

/** An error answered with a hint after its message: the status and issues are the error's own. */
export class HintedError extends Error {
  constructor(
    readonly error: unknown,
    readonly hint: (outcome: OperationOutcome) => OperationOutcome,
  ) {
    super(error instanceof Error ? error.message : String(error));
    this.name = 'HintedError';
  }
}

/** Run an operation on the concepts asked; an error about an unknown system or code goes out with its hint. */
export function hintingConcepts<T>(registry: TerminologyRegistry, asked: Coding[], run: () => T): T {
  try {
    return run();
  } catch (e) {
    throw new HintedError(e, (outcome) => withConceptHints(outcome, registry, asked));
  }
}

/** Add a hint to every error issue of an outcome. */
export function withHint(hint: string | undefined): (outcome: OperationOutcome) => OperationOutcome {
  return (outcome) => {
    if (!hint) return outcome;
    for (const issue of outcome.issue) {
      if (issue.severity === 'error' || issue.severity === 'fatal') appendHint(issue, hint);
    }
    return outcome;
  };
}
