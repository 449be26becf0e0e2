/**
 * Suggestions for what a client probably meant, for error messages: the code as the code system
 * writes it, or the nearest known name.
 */

/**
 * The form of `code` that the code system has, when the code as given is unknown: upper case
 * (`0556t` -> `0556T`), or with the dot after the category that ICD-10 codes carry (`M810` ->
 * `M81.0`), or without it.
 */
export function codeSuggestion(code: string, exists: (code: string) => boolean): string | undefined {
  const upper = code.toUpperCase();
  const candidates = [upper];
  for (const form of [code, upper]) {
    if (!form.includes('.') && form.length > 3) candidates.push(`${form.slice(0, 3)}.${form.slice(3)}`);
    if (form.includes('.')) candidates.push(form.replace('.', ''));
  }
  return candidates.find((candidate) => candidate !== code && exists(candidate));
}

/** Edit distance (insertions, deletions, substitutions), case-insensitive; gives up above `limit`. */
function distance(a: string, b: string, limit: number): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (Math.abs(x.length - y.length) > limit) return limit + 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      best = Math.min(best, current[j]);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[y.length];
}

/**
 * The known text nearest to `text` (a url, a name): within a quarter of its length in edits (at
 * least 2), the first of the nearest in the order given; undefined when nothing is that near.
 */
export function nearestText(text: string, known: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(text.length / 4));
  let nearest: string | undefined;
  let nearestDistance = limit + 1;
  for (const candidate of known) {
    if (candidate === text) continue;
    const d = distance(text, candidate, Math.min(limit, nearestDistance - 1));
    if (d < nearestDistance) {
      nearest = candidate;
      nearestDistance = d;
    }
  }
  return nearest;
}
