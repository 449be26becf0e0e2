import { RE2JS } from 're2js';

/**
 * Regular expressions supplied by clients (ValueSet regex filters) run against every code of a
 * code system. JavaScript's own engine backtracks, so `(a|a)*` or `.*.*.*=` can take exponential
 * time on a 60-character code; these run on RE2 (re2js), whose matching is linear in the subject
 * whatever the pattern. RE2 has no back-references or look-around: such patterns are refused.
 * FHIR's regex filter matches the whole value, not a part of it.
 */

/** Long enough for any real code pattern; bounds the compiled program's size. */
export const MAX_PATTERN_LENGTH = 1000;

export class UnsafePatternError extends Error {}

export interface ClientRegex {
  /** True when the whole subject matches. */
  matchesWhole(subject: string): boolean;
}

/** Compile a client's regex for whole-value matching, or throw UnsafePatternError saying why it cannot be used. */
export function compileSafeRegex(pattern: string): ClientRegex {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new UnsafePatternError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (e) {
    // RE2's own words (e.g. "invalid escape sequence: `\1`" for a back-reference)
    throw new UnsafePatternError(e instanceof Error ? e.message : 'invalid pattern');
  }
  return { matchesWhole: (subject) => compiled.testExact(subject) };
}

export function safeTest(regex: ClientRegex, subject: string): boolean {
  return regex.matchesWhole(subject);
}
