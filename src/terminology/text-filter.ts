import type { CodeSystemIndex, Concept } from './code-system-index';

/**
 * The $expand `filter`: every word of the filter starts a word of the code, the display or a
 * designation (words: runs of letters and digits, compared lower-cased).
 */
const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a filter, lower-cased; none: the filter selects nothing out. */
export function filterStems(filter: string): string[] {
  return (filter.toLowerCase().match(WORD) ?? []).filter(Boolean);
}

export function textFilter(filter: string): ((texts: string[]) => boolean) | undefined {
  const stems = filterStems(filter);
  if (!stems.length) return undefined;
  return (texts) => {
    const words = texts.flatMap((t) => t.toLowerCase().match(WORD) ?? []);
    const whole = texts.map((t) => t.toLowerCase());
    return stems.every((s) => words.some((w) => w.startsWith(s)) || whole.some((w) => w.startsWith(s)));
  };
}

/** The texts a concept of a code system is matched on, as textFilter takes them. */
export function conceptTexts(concept: Concept): string[] {
  const texts = [concept.code];
  if (concept.display !== undefined) texts.push(concept.display);
  for (const d of concept.designations) texts.push(d.value);
  return texts;
}

/**
 * The words of every concept of a code system (code, display, designations), sorted, each with
 * the ascending positions (in `concepts`) of the concepts that have it: the concepts whose words
 * start with a stem are the union over one contiguous run of sorted words. Built on the first
 * text filter over the whole system; a full ICD-10-CM takes a few hundred ms and ~10 MB.
 */
class WordIndex {
  private readonly words: string[];
  private readonly starts: Int32Array;
  private readonly positions: Int32Array;

  constructor(private readonly concepts: readonly Concept[]) {
    const byWord = new Map<string, number[]>();
    for (let i = 0; i < concepts.length; i++) {
      for (const text of conceptTexts(concepts[i] as Concept)) {
        for (const word of text.toLowerCase().match(WORD) ?? []) {
          let list = byWord.get(word);
          if (!list) byWord.set(word, (list = []));
          if (list[list.length - 1] !== i) list.push(i);
        }
      }
    }
    this.words = [...byWord.keys()].sort();
    this.starts = new Int32Array(this.words.length + 1);
    let size = 0;
    for (const list of byWord.values()) size += list.length;
    this.positions = new Int32Array(size);
    let at = 0;
    this.words.forEach((word, w) => {
      const list = byWord.get(word) as number[];
      this.starts[w] = at;
      this.positions.set(list, at);
      at += list.length;
    });
    this.starts[this.words.length] = at;
  }

  /**
   * A whole text starting with a stem starts with a word that starts with it (a stem is all
   * letters and digits), so matching words is the whole of textFilter.
   */
  matching(stems: readonly string[]): Concept[] {
    let selected: Uint8Array | undefined;
    for (const stem of new Set(stems)) {
      const hits = new Uint8Array(this.concepts.length);
      let any = false;
      for (let w = this.firstAtOrAfter(stem); w < this.words.length && (this.words[w] as string).startsWith(stem); w++) {
        const end = this.starts[w + 1] as number;
        for (let p = this.starts[w] as number; p < end; p++) hits[this.positions[p] as number] = 1;
        any = true;
      }
      if (!any) return [];
      if (selected) for (let i = 0; i < hits.length; i++) selected[i] &= hits[i] as number;
      else selected = hits;
    }
    const out: Concept[] = [];
    if (!selected) return out;
    for (let i = 0; i < selected.length; i++) if (selected[i]) out.push(this.concepts[i] as Concept);
    return out;
  }

  private firstAtOrAfter(stem: string): number {
    let lo = 0;
    let hi = this.words.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.words[mid] as string) < stem) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const wordIndexes = new WeakMap<CodeSystemIndex, WordIndex>();

/** The concepts of the whole code system that match every stem, in index order. */
export function conceptsMatching(cs: CodeSystemIndex, stems: readonly string[]): Concept[] {
  let index = wordIndexes.get(cs);
  if (!index) {
    index = new WordIndex(cs.concepts);
    wordIndexes.set(cs, index);
  }
  return index.matching(stems);
}
