/** Letters and digits, whatever the script. */
const WORD_CHARACTER = /^[\p{L}\p{N}]$/u;

/**
 * The words of a text, lower-cased: its runs of letters and digits (Unicode's L and N), as
 * `/[\p{L}\p{N}]+/gu` finds them, with a fast path for ASCII (the whole of ICD-10-CM) since
 * indexing a large code system reads millions of them.
 */
export function wordsOf(text: string): string[] {
  const lower = text.toLowerCase();
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < lower.length; ) {
    const c = lower.charCodeAt(i);
    let width = 1;
    let inWord: boolean;
    if (c < 128) inWord = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    else {
      const point = lower.codePointAt(i) as number;
      width = point > 0xffff ? 2 : 1;
      inWord = WORD_CHARACTER.test(String.fromCodePoint(point));
    }
    if (inWord && start < 0) start = i;
    else if (!inWord && start >= 0) {
      words.push(lower.slice(start, i));
      start = -1;
    }
    i += width;
  }
  if (start >= 0) words.push(lower.slice(start));
  return words;
}
