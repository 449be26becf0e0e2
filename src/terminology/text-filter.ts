import type { CodeSystemIndex, Concept } from './code-system-index';
import type { Member } from './compiled-value-set';
import { IndexedText, MAX_DISPLAY_LENGTH, Postings, WordIndexBuilder, WordIndexParts } from './text-index';
import { TopRanked } from './top-ranked';
import { wordsOf } from './words';

/**
 * The $expand `filter`: every word of the filter starts a word of the code, the display or a
 * designation (see wordsOf). The matches are found with a word index and ranked by one rule: the
 * code system's index for a value set that is one include of it (see rankConcepts), an index of
 * the members for any other value set (see rankMembers).
 */

/** The filter as a test of a concept's texts; undefined for a filter without words, which selects nothing out. */
export function textFilter(filter: string): ((texts: string[]) => boolean) | undefined {
  const stems = wordsOf(filter);
  if (!stems.length) return undefined;
  return (texts) => {
    const words = texts.flatMap(wordsOf);
    const whole = texts.map((t) => t.toLowerCase());
    return stems.every((s) => words.some((w) => w.startsWith(s)) || whole.some((w) => w.startsWith(s)));
  };
}

/** Is this concept (at this position of `CodeSystemIndex.concepts`) a member of what is expanded? */
export type MemberTest<T extends IndexedText = Concept> = (concept: T, position: number) => boolean;

/**
 * The members of what is expanded, among the concepts of a code system: a test, or a byte per
 * position (1: member), which the ranking loop reads without a call; undefined: every concept.
 */
export type Members<T extends IndexedText = Concept> = MemberTest<T> | Uint8Array | undefined;

/** One page of the members that match a filter, best first, and how many match in all. */
export interface RankedPage<T = Concept> {
  total: number;
  page: T[];
}

/** Stems whose bitsets a word index keeps (two of 12 KB each for a full ICD-10-CM). */
const RECENT_STEMS = 64;
/** Filter words counted in a rank key; more than this many prefix-only words rank alike. */
const MAX_RANKED_WORDS = 15;

/**
 * The words of every concept of a code system, sorted, each with the ascending positions of the
 * concepts that have it: the concepts whose words start with a stem are the union over one
 * contiguous run of sorted words. With the first words and display lengths, for ranking.
 */
class WordIndex<T extends IndexedText = Concept> {
  private readonly concepts: readonly T[];
  private readonly words: string[];
  private readonly starts: Int32Array;
  private readonly positions: Int32Array;
  /** Word number of the first word of each concept's display (-1: none) and of its code. */
  private readonly firstDisplayWord: Int32Array;
  private readonly firstCodeWord: Int32Array;
  private readonly displayLength: Uint16Array;
  /** The positions of the concepts that have each word in their code or display. */
  private readonly own: Postings;
  /** The bitsets of the last stems asked for, least recently used first. */
  private readonly recentStems = new Map<string, StemSets>();

  constructor(parts: WordIndexParts<T>) {
    this.concepts = parts.concepts;
    this.words = parts.words;
    ({ starts: this.starts, positions: this.positions } = parts.all);
    this.own = parts.own;
    this.firstDisplayWord = parts.firstDisplayWord;
    this.firstCodeWord = parts.firstCodeWord;
    this.displayLength = parts.displayLength;
  }

  /**
   * The members that have, for every stem, a word starting with it: how many, and the page
   * [offset, offset + count) in order of relevance (see rankConcepts). The concepts of each stem
   * are a bitset (a bit per concept: 12 KB for a full ICD-10-CM, so every set and test stays in
   * the processor's cache), the stems' bitsets intersected, and the concepts left read in
   * position order; only the best offset + count of the members are sorted.
   */
  rank(stems: readonly string[], members: Members<T>, offset: number, count: number | undefined): RankedPage<T> {
    const sets = stems.map((stem) => this.stemSets(stem));
    if (sets.some((set) => !set.concepts)) return { total: 0, page: [] };
    let candidates = sets[0]?.concepts as Int32Array;
    if (sets.length > 1) {
      candidates = candidates.slice();
      for (const set of sets.slice(1)) for (let i = 0; i < candidates.length; i++) candidates[i] = (candidates[i] as number) & ((set.concepts as Int32Array)[i] as number);
    }
    // Stems that are not a whole word of the code or display are prefixes wherever they match.
    const wholeWords = sets.flatMap((set) => (set.whole ? [set.whole] : []));
    const prefixOnlyStems = sets.length - wholeWords.length;
    const first = (sets[0] as StemSets).run;
    const test = typeof members === 'function' ? members : undefined;
    const byPosition = members instanceof Uint8Array ? members : undefined;
    const best = new TopRanked(count === undefined ? Number.POSITIVE_INFINITY : offset + count);
    let total = 0;
    const bits = candidates;
    for (let i = 0; i < bits.length; i++) {
      let word = bits[i] as number;
      while (word !== 0) {
        const low = word & -word;
        const position = i * 32 + 31 - Math.clz32(low);
        word ^= low;
        if (byPosition ? byPosition[position] !== 1 : test && !test(this.concepts[position] as T, position)) continue;
        total++;
        best.offer(this.rankOf(position, first, wholeWords, prefixOnlyStems), position);
      }
    }
    const page = best.sorted().slice(offset).map((position) => this.concepts[position] as T);
    return { total, page };
  }

  /** Smaller is better: starts with the first stem, then fewer prefix-only stems, then shorter display. */
  private rankOf(position: number, first: WordRun, wholeWords: readonly Int32Array[], prefixOnlyStems: number): number {
    const display = this.firstDisplayWord[position] as number;
    const code = this.firstCodeWord[position] as number;
    const atStart = (display >= first.from && display < first.to) || (code >= first.from && code < first.to) ? 0 : 1;
    let prefixOnly = prefixOnlyStems;
    const bit = 1 << (position & 31);
    for (let w = 0; w < wholeWords.length; w++) if (!(((wholeWords[w] as Int32Array)[position >>> 5] as number) & bit)) prefixOnly++;
    return (atStart * (MAX_RANKED_WORDS + 1) + Math.min(prefixOnly, MAX_RANKED_WORDS)) * (MAX_DISPLAY_LENGTH + 1) + (this.displayLength[position] as number);
  }

  /**
   * The concepts that have a word starting with the stem, and those that have the stem as a whole
   * word of their code or display, as bitsets. The last stems asked for are kept (a type-ahead
   * asks for "fracture" again with every letter of the next word); they are read, never changed.
   */
  private stemSets(stem: string): StemSets {
    const kept = this.recentStems.get(stem);
    if (kept) {
      this.recentStems.delete(stem);
      this.recentStems.set(stem, kept);
      return kept;
    }
    const run = this.run(stem);
    const sets: StemSets = { run };
    if (run.from < run.to) sets.concepts = this.bitset(this.positions, this.starts[run.from] as number, this.starts[run.to] as number);
    if (run.exact >= 0) sets.whole = this.bitset(this.own.positions, this.own.starts[run.exact] as number, this.own.starts[run.exact + 1] as number);
    this.recentStems.set(stem, sets);
    if (this.recentStems.size > RECENT_STEMS) this.recentStems.delete(this.recentStems.keys().next().value as string);
    return sets;
  }

  /** A bit per concept, set for the positions in list[from, to). */
  private bitset(list: Int32Array, from: number, to: number): Int32Array {
    const bits = new Int32Array((this.concepts.length + 31) >>> 5);
    for (let p = from; p < to; p++) {
      const position = list[p] as number;
      bits[position >>> 5] = (bits[position >>> 5] as number) | (1 << (position & 31));
    }
    return bits;
  }

  /** The words that start with a stem: [from, to) in sorted order; `exact` the stem itself, or -1. */
  private run(stem: string): WordRun {
    const from = this.firstAtOrAfter(stem);
    let to = from;
    while (to < this.words.length && (this.words[to] as string).startsWith(stem)) to++;
    return { from, to, exact: this.words[from] === stem ? from : -1 };
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

/** Bitsets of one stem (see WordIndex.stemSets); no `concepts`: no word starts with it. */
interface StemSets {
  run: WordRun;
  concepts?: Int32Array;
  whole?: Int32Array;
}

interface WordRun {
  from: number;
  to: number;
  exact: number;
}

const wordIndexes = new WeakMap<CodeSystemIndex, WordIndex>();
const builders = new WeakMap<CodeSystemIndex, WordIndexBuilder>();
/** Concepts read per step of textIndexSteps: a few milliseconds of work. */
const CONCEPTS_PER_STEP = 2000;

/** The word index of a code system, built now (or finished, when textIndexSteps began it). */
function wordIndexOf(cs: CodeSystemIndex): WordIndex {
  let index = wordIndexes.get(cs);
  if (!index) {
    index = new WordIndex((builders.get(cs) ?? new WordIndexBuilder(cs.concepts)).finish());
    wordIndexes.set(cs, index);
    builders.delete(cs);
  }
  return index;
}

/**
 * Builds the text index of a code system in small steps, for a caller that can run them between
 * other work (the server indexes its own large code systems this way after start-up, so that the
 * first type-ahead does not hold the event loop for the whole build). Each call does one step and
 * answers true once the index is complete; a filter that comes first finishes the build itself.
 */
export function textIndexSteps(cs: CodeSystemIndex): () => boolean {
  return () => {
    if (wordIndexes.has(cs)) return true;
    let builder = builders.get(cs);
    if (!builder) builders.set(cs, (builder = new WordIndexBuilder(cs.concepts)));
    if (builder.step(CONCEPTS_PER_STEP)) wordIndexOf(cs);
    return false;
  };
}

/**
 * $expand `filter` over a code system's word index: of the `members` (a test or a byte per position), those
 * that have, for every word of the filter, a word starting with it in their code, display or
 * designations (as textFilter decides). Returns how many, and the page [offset, offset + count)
 * (all of them without count) in order of relevance, best first:
 * 1. the display (or the code) starts with the filter's first word;
 * 2. then fewer filter words that only begin a word of the concept ("fracture" as a whole word
 *    before "fract" matching "fractures");
 * 3. then the shorter display;
 * 4. then the code system's own order (code order for ICD-10-CM).
 * Each rule only breaks the ties of the ones before it, and the last leaves none: the order is
 * stable from one request to the next, so pages do not overlap. A filter with no words selects
 * every member, in the code system's order.
 */
export function rankConcepts(cs: CodeSystemIndex, filter: string, members: Members, offset = 0, count?: number): RankedPage {
  const stems = [...new Set(wordsOf(filter))];
  if (!stems.length) {
    const isMember: MemberTest = typeof members === 'function' ? members : members ? (_, position) => members[position] === 1 : () => true;
    return pageInOrder(cs.concepts, isMember, offset, count);
  }
  return wordIndexOf(cs).rank(stems, members, offset, count);
}

/**
 * The concepts `isMember` accepts (given each concept and its index in `concepts`), in the order
 * given: how many, and the page [offset, offset + count).
 */
export function pageInOrder(concepts: readonly Concept[], isMember: MemberTest, offset = 0, count?: number): RankedPage {
  const end = count === undefined ? Number.POSITIVE_INFINITY : offset + count;
  const page: Concept[] = [];
  let total = 0;
  concepts.forEach((concept, i) => {
    if (!isMember(concept, i)) return;
    if (total >= offset && total < end) page.push(concept);
    total++;
  });
  return { total, page };
}

/** A member of a value set as a filter reads it: its code, the display the value set shows, its designations (the code system's and the value set's). */
interface MemberText extends IndexedText {
  member: Member;
}

/** Word indexes of the members of compiled value sets, kept as long as the compiled value set keeps its member list. */
const memberIndexes = new WeakMap<readonly Member[], WordIndex<MemberText>>();

function memberIndexOf(members: readonly Member[]): WordIndex<MemberText> {
  let index = memberIndexes.get(members);
  if (!index) {
    const texts = members.map((member): MemberText => ({
      code: member.code,
      display: member.display,
      designations: [...(member.concept?.designations ?? []), ...(member.listed?.designation ?? [])],
      member,
    }));
    index = new WordIndex(new WordIndexBuilder(texts).finish());
    memberIndexes.set(members, index);
  }
  return index;
}

/**
 * $expand `filter` over the members of a value set that is not one include of a code system
 * (several includes, code systems or versions; concept lists; imports; excludes), given in
 * expansion order: the same matches in the same order of relevance as rankConcepts, the ties its
 * rules leave broken by expansion order, so pages do not overlap. The members' word index is built
 * by the first filtered request and kept with the member list (the same array for as long as the
 * compiled value set is cached). `isMember` narrows the members (excludeNotForUI). A filter with
 * no words selects every member, in expansion order.
 */
export function rankMembers(members: readonly Member[], filter: string, isMember: ((member: Member) => boolean) | undefined, offset = 0, count?: number): RankedPage<Member> {
  const stems = [...new Set(wordsOf(filter))];
  if (!stems.length) {
    const kept = isMember ? members.filter(isMember) : members;
    return { total: kept.length, page: kept.slice(offset, count === undefined ? undefined : offset + count) };
  }
  const ranked = memberIndexOf(members).rank(stems, isMember && ((t: MemberText) => isMember(t.member)), offset, count);
  return { total: ranked.total, page: ranked.page.map((t) => t.member) };
}
