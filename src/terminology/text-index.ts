import type { Concept } from './code-system-index';
import { wordsOf } from './words';

/** Display lengths are kept up to this; longer ones rank alike. */
export const MAX_DISPLAY_LENGTH = 0xffff;

/** Lists of positions by word number, packed: those of word w are positions[starts[w]] to positions[starts[w + 1]], ascending. */
export interface Postings {
  starts: Int32Array;
  positions: Int32Array;
}

/** What a word index reads of each item: a concept of a code system, or a value set's member as the value set shows it. */
export interface IndexedText {
  code: string;
  display?: string;
  designations: readonly { value: string }[];
}

/** What the word index of a code system (or of a value set's members) is made of. */
export interface WordIndexParts<T extends IndexedText = Concept> {
  concepts: readonly T[];
  /** Every word of the codes, displays and designations, sorted; a word's number is its place here. */
  words: string[];
  /** The concepts that have each word in their code, display or a designation. */
  all: Postings;
  /** The concepts that have each word in their code or display. */
  own: Postings;
  /** Per concept, the number of the first word of its display (-1: none) and of its code, and the display's length. */
  firstDisplayWord: Int32Array;
  firstCodeWord: Int32Array;
  displayLength: Uint16Array;
}

/**
 * A growing list of integers kept outside the JavaScript heap: millions of (word, concept) pairs
 * that the garbage collector neither scans nor copies while a large index is built.
 */
class IntList {
  private data = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  get(i: number): number {
    return this.data[i] as number;
  }

  /** Sets entry i, first filling any entries before it with -1. */
  set(i: number, value: number): void {
    while (this.length <= i) this.push(-1);
    this.data[i] = value;
  }
}

/**
 * (word, concept position) pairs in the order found, each pair once, marked when the word is in
 * the concept's code or display (a concept's code and display are read before its designations,
 * so the first time a concept has a word says whether it is one of its own).
 */
class Pairs {
  private readonly words = new IntList();
  /** position * 2, + 1 for a word of the code or display. */
  private readonly positions = new IntList();
  /** Per word (by its provisional number), the last position recorded. */
  private readonly last = new IntList();

  add(word: number, position: number, own: boolean): void {
    if (word < this.last.length && this.last.get(word) === position) return;
    this.last.set(word, position);
    this.words.push(word);
    this.positions.push(position * 2 + (own ? 1 : 0));
  }

  /**
   * The positions of each word (all, or `ownOnly` those of codes and displays), by the sorted
   * number of its provisional number; ascending, since pairs come by position.
   */
  pack(sortedNumber: Int32Array, ownOnly: boolean): Postings {
    const wordCount = sortedNumber.length;
    const starts = new Int32Array(wordCount + 1);
    const kept = (i: number): boolean => !ownOnly || (this.positions.get(i) & 1) === 1;
    for (let i = 0; i < this.words.length; i++) if (kept(i)) starts[(sortedNumber[this.words.get(i)] as number) + 1]++;
    for (let w = 0; w < wordCount; w++) starts[w + 1] = (starts[w + 1] as number) + (starts[w] as number);
    const next = starts.slice(0, wordCount);
    const positions = new Int32Array(starts[wordCount] as number);
    for (let i = 0; i < this.words.length; i++) {
      if (!kept(i)) continue;
      const w = sortedNumber[this.words.get(i)] as number;
      positions[next[w] as number] = this.positions.get(i) >>> 1;
      next[w] = (next[w] as number) + 1;
    }
    return { starts, positions };
  }
}

/**
 * Builds the parts of a word index a slice at a time, so that a large code system can be indexed
 * between requests rather than in one go: first the words of each concept, so many concepts a
 * step, then the sorted words and each packed list, a step each. Words get a provisional number
 * in the order they are first seen, and their sorted number at the end.
 */
export class WordIndexBuilder<T extends IndexedText = Concept> {
  private readonly numbers = new Map<string, number>();
  private readonly found: string[] = [];
  private readonly pairs = new Pairs();
  private readonly firstDisplay: Int32Array;
  private readonly firstCode: Int32Array;
  private readonly displayLength: Uint16Array;
  private next = 0;
  private sorted?: { words: string[]; number: Int32Array };
  private allPacked?: Postings;
  private ownPacked?: Postings;
  private parts?: WordIndexParts<T>;

  constructor(private readonly concepts: readonly T[]) {
    this.firstDisplay = new Int32Array(concepts.length);
    this.firstCode = new Int32Array(concepts.length);
    this.displayLength = new Uint16Array(concepts.length);
  }

  /** Does one more step, reading up to `limit` concepts; the parts once they are complete. */
  step(limit: number): WordIndexParts<T> | undefined {
    if (this.next < this.concepts.length) this.collect(limit);
    else if (!this.sorted) this.sorted = this.sortWords();
    else if (!this.allPacked) this.allPacked = this.pairs.pack(this.sorted.number, false);
    else if (!this.ownPacked) this.ownPacked = this.pairs.pack(this.sorted.number, true);
    else if (!this.parts) {
      const number = this.sorted.number;
      const renumber = (provisional: number): number => (provisional < 0 ? -1 : (number[provisional] as number));
      this.parts = {
        concepts: this.concepts,
        words: this.sorted.words,
        all: this.allPacked,
        own: this.ownPacked,
        firstDisplayWord: this.firstDisplay.map(renumber),
        firstCodeWord: this.firstCode.map(renumber),
        displayLength: this.displayLength,
      };
    }
    return this.parts;
  }

  /** Every step left, now. */
  finish(): WordIndexParts<T> {
    for (;;) {
      const parts = this.step(Number.POSITIVE_INFINITY);
      if (parts) return parts;
    }
  }

  private collect(limit: number): void {
    const end = Math.min(this.concepts.length, this.next + limit);
    for (let i = this.next; i < end; i++) {
      const concept = this.concepts[i] as T;
      const codeWords = wordsOf(concept.code).map((w) => this.numberOf(w));
      const displayWords = concept.display === undefined ? [] : wordsOf(concept.display).map((w) => this.numberOf(w));
      this.firstCode[i] = codeWords[0] ?? -1;
      this.firstDisplay[i] = displayWords[0] ?? -1;
      for (const word of [...codeWords, ...displayWords]) this.pairs.add(word, i, true);
      for (const d of concept.designations) for (const word of wordsOf(d.value)) this.pairs.add(this.numberOf(word), i, false);
      this.displayLength[i] = Math.min((concept.display ?? concept.code).length, MAX_DISPLAY_LENGTH);
    }
    this.next = end;
  }

  private numberOf(word: string): number {
    let n = this.numbers.get(word);
    if (n === undefined) {
      n = this.found.length;
      this.numbers.set(word, n);
      this.found.push(word);
    }
    return n;
  }

  private sortWords(): { words: string[]; number: Int32Array } {
    const order = this.found.map((_, n) => n).sort((a, b) => ((this.found[a] as string) < (this.found[b] as string) ? -1 : 1));
    const number = new Int32Array(order.length);
    order.forEach((provisional, sortedNumber) => (number[provisional] = sortedNumber));
    return { words: order.map((n) => this.found[n] as string), number };
  }
}
