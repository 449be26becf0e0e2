/**
 * The JSON text of an answer, with the text of its shared read-only parts written once.
 *
 * Some parts of answers are the same for every request that reaches them: a $translate match is a
 * function of one mapping and of how the question was asked. Serialising such a part costs about
 * 30 ns a string on Node 24 (1-2 us for a match), and a $translate of 28 matches spends more time
 * in JSON.stringify than in everything else the service does. A part made with `withText` is frozen
 * and its text kept as long as the part is (a WeakMap); `jsonText` writes that text where the part
 * is an element of one of the resource's own arrays (Parameters.parameter, Bundle.entry).
 * The answer is computed on every request; only the spelling of parts that cannot change is kept.
 */

const texts = new WeakMap<object, string>();

/** Freeze a part of answers (deeply: its text must stay true) and keep its JSON text; the part is returned. */
export function withText<T extends object>(part: T): T {
  deepFreeze(part);
  texts.set(part, JSON.stringify(part));
  return part;
}

/** The length of the JSON text kept for a part made with withText (0 for any other value). */
export function jsonTextLength(part: object): number {
  return texts.get(part)?.length ?? 0;
}

function deepFreeze(value: object): void {
  if (Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) deepFreeze(child);
}

/** What JSON.stringify(resource) gives, or with `pretty` JSON.stringify(resource, null, 2); parts made with `withText` are not serialised again. */
export function jsonText(resource: object, pretty = false): string {
  if (pretty || !hasPartWithText(resource)) return JSON.stringify(resource, null, pretty ? 2 : undefined);
  let out = '';
  for (const key of Object.keys(resource)) {
    const value: unknown = (resource as Record<string, unknown>)[key];
    const text = Array.isArray(value) ? arrayText(value) : JSON.stringify(value);
    if (text === undefined) continue; // as JSON.stringify leaves out undefined and functions
    out += `${out ? ',' : '{'}${JSON.stringify(key)}:${text}`;
  }
  return out ? `${out}}` : '{}';
}

function hasPartWithText(resource: object): boolean {
  for (const key in resource) {
    const value: unknown = (resource as Record<string, unknown>)[key];
    if (!Array.isArray(value)) continue;
    for (let i = 0; i < value.length; i++) if (texts.has(value[i] as object)) return true;
  }
  return false;
}

function arrayText(items: unknown[]): string {
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const text = (typeof item === 'object' && item !== null ? texts.get(item) : undefined) ?? JSON.stringify(item) ?? 'null';
    out += i ? `,${text}` : text;
  }
  return `[${out}]`;
}
