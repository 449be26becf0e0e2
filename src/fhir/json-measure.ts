import { clientError } from './operation-outcome';

/**
 * Measures of parsed JSON taken without serialising it and without recursion (a hostile body can
 * nest 100,000 levels deep: JSON.parse copes, a recursive walk or JSON.stringify does not).
 */

/** The deepest nesting of objects and arrays in `value` (a scalar is 0, `{}` is 1), stopping once past `limit`. */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** A request body nested deeper than `maxDepth` is a 400 naming the limit. */
export function checkJsonDepth(body: unknown, maxDepth: number): void {
  const depth = jsonDepth(body, maxDepth);
  if (depth > maxDepth) {
    throw clientError('JSON_TOO_DEEP', [maxDepth]);
  }
}

const lengths = new WeakMap<object, number>();

/**
 * About the length of JSON.stringify(value) (strings are counted without their escapes). The
 * server's own resources are measured once: a batch may read the same large one many times.
 */
export function jsonLength(value: unknown): number {
  if (typeof value !== 'object' || value === null) return scalarLength(value);
  const known = lengths.get(value);
  if (known !== undefined) return known;
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) {
      total += scalarLength(v);
      continue;
    }
    if (Array.isArray(v)) {
      total += 2 + Math.max(0, v.length - 1);
      for (const item of v) stack.push(item);
      continue;
    }
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    total += 2 + Math.max(0, entries.length - 1);
    for (const [key, item] of entries) {
      total += key.length + 3;
      stack.push(item);
    }
  }
  lengths.set(value, total);
  return total;
}

function scalarLength(v: unknown): number {
  if (typeof v === 'string') return v.length + 2;
  if (v === undefined) return 0;
  return String(v).length;
}
