/**
 * Regular expressions supplied by clients (ValueSet regex filters) run against every code of a
 * code system. JavaScript's engine backtracks, so a pattern with nested or adjacent unbounded
 * quantifiers can take exponential time. Such patterns are refused, as are overly long ones, and
 * subjects are bounded in length: the cost of one test stays linear in practice.
 */

const MAX_PATTERN_LENGTH = 256;
export const MAX_SUBJECT_LENGTH = 1024;

export class UnsafePatternError extends Error {}

/** Reject patterns whose backtracking can blow up: a quantified group that itself contains a quantifier, or back-references. */
function checkStructure(pattern: string): void {
  if (/\\[1-9]|\\k</.test(pattern)) throw new UnsafePatternError('back-references are not supported');
  const stack: boolean[] = [];
  let quantifiedInside = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      i = end < 0 ? pattern.length : end;
      continue;
    }
    if (ch === '(') {
      stack.push(quantifiedInside);
      quantifiedInside = false;
      continue;
    }
    if (ch === ')') {
      const next = pattern[i + 1];
      const groupQuantified = next === '*' || next === '+' || next === '{' || next === '?';
      const unbounded = next === '*' || next === '+' || (next === '{' && /^\{\d*,\}/.test(pattern.slice(i + 1)));
      if (unbounded && quantifiedInside) {
        throw new UnsafePatternError('nested quantifiers can take exponential time');
      }
      const outer = stack.pop() ?? false;
      quantifiedInside = outer || quantifiedInside || groupQuantified;
      continue;
    }
    if (ch === '*' || ch === '+' || (ch === '{' && /^\{\d*,\d*\}/.test(pattern.slice(i)))) quantifiedInside = true;
  }
}

/** Compile a client's regex for whole-value matching, or throw UnsafePatternError / SyntaxError. */
export function compileSafeRegex(pattern: string): RegExp {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new UnsafePatternError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  checkStructure(pattern);
  return new RegExp(`^(?:${pattern})$`, 'u');
}

export function safeTest(regex: RegExp, subject: string): boolean {
  return subject.length <= MAX_SUBJECT_LENGTH && regex.test(subject);
}
