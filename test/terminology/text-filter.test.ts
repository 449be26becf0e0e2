import type { CodeSystem, CodeSystemConcept, ValueSet } from 'fhir/r4';
import { CodeSystemIndex, type Concept } from '../../src/terminology/code-system-index';
import { expandValueSet, ExpandInput } from '../../src/terminology/expand';
import { TerminologyRegistry } from '../../src/terminology/registry';
import type { Member } from '../../src/terminology/compiled-value-set';
import { MemberTest, rankConcepts, rankMembers, textFilter } from '../../src/terminology/text-filter';
import { wordsOf } from '../../src/terminology/words';

/** The texts a filter looks at: code, display, designations. */
const conceptTexts = (concept: Concept): string[] => [concept.code, ...(concept.display === undefined ? [] : [concept.display]), ...concept.designations.map((d) => d.value)];

/** 600 concepts in a two-level hierarchy, with designations, accents and punctuation in the texts. */
const WORDS = ['Osteoporosis', 'osteopenia', 'Fracture', 'fémur', 'vertebra(e)', 'left', 'right', 'M80.0', 'non-union', 'Ø-stage'];
function concept(i: number): CodeSystemConcept {
  const pick = (k: number): string => WORDS[(i * 7 + k * 3) % WORDS.length] as string;
  return {
    code: `C${i}`,
    display: `${pick(0)} ${pick(1)}, ${pick(2)}`,
    ...(i % 3 === 0 ? { designation: [{ value: `${pick(4)}/${pick(5)}` }] } : {}),
    ...(i % 11 === 0 ? { property: [{ code: 'status', valueCode: 'retired' }] } : {}),
    ...(i % 5 === 0 ? { property: [{ code: 'notSelectable', valueBoolean: true }] } : {}),
  };
}
const big: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'http://example.org/big',
  version: '1',
  status: 'active',
  content: 'complete',
  property: [
    { code: 'status', uri: 'http://hl7.org/fhir/concept-properties#status', type: 'code' },
    { code: 'notSelectable', uri: 'http://hl7.org/fhir/concept-properties#notSelectable', type: 'boolean' },
  ],
  concept: Array.from({ length: 30 }, (_, g) => ({ ...concept(g * 20), concept: Array.from({ length: 19 }, (_, k) => concept(g * 20 + k + 1)) })),
};
const registry = new TerminologyRegistry([big]);
const implicit: ValueSet = { resourceType: 'ValueSet', url: 'http://example.org/big?fhir_vs', status: 'active', compose: { include: [{ system: big.url }] } };
/** The same members through a second (empty) include: expanded the general way. */
const general: ValueSet = { ...implicit, url: 'http://example.org/vs/general', compose: { include: [{ system: big.url }, { system: big.url, concept: [] }] } };

function expand(valueSet: ValueSet, options: Partial<ExpandInput> = {}): ValueSet {
  return expandValueSet(registry, { valueSet, designations: [], properties: [], echo: [], maxEntries: 1000, ...options });
}
const codes = (vs: ValueSet): string[] => (vs.expansion?.contains ?? []).map((c) => c.code as string);

describe('text filter over the word index', () => {
  const cs = new CodeSystemIndex(big);
  it.each(['osteopor', 'OSTEO fract', 'fem', 'fém', 'vert e', 'm80', 'm80.0', '0', 'union non', 'ø', 'x', 'c1', 'right left osteopenia', '(e)'])(
    'selects what textFilter selects: %s',
    (filter) => {
      const slow = textFilter(filter);
      const expected = cs.concepts.filter((c) => !slow || slow(conceptTexts(c))).map((c) => c.code);
      const ranked = rankConcepts(cs, filter, () => true);
      expect(ranked.total).toBe(expected.length);
      expect(ranked.page.map((c) => c.code).sort()).toEqual([...expected].sort());
    },
  );

  it('gives the same expansion, in the same order, as the general path, filtered, paged and with activeOnly/excludeNotForUI', () => {
    for (const options of [
      { filter: 'osteo' },
      { filter: 'fracture left', count: 7, offset: 3 },
      { filter: 'osteo', activeOnly: true, excludeNotForUI: true, count: 5 },
      { count: 10, offset: 590 },
      { filter: 'none-such' },
    ] as Partial<ExpandInput>[]) {
      const fast = expand(implicit, options).expansion;
      const slow = expand(general, options).expansion;
      expect(fast?.total).toBe(slow?.total);
      // One ranking rule: the members' index ranks as the code system's does, ties in the same order.
      expect(fast?.contains).toEqual(slow?.contains);
    }
  });

  it('applies the size limit to what is returned: a page of a large system, not all of it', () => {
    expect(() => expand(implicit, { maxEntries: 100 })).toThrow(/too many codes/);
    const page = expand(implicit, { maxEntries: 100, filter: 'osteo', count: 20 });
    expect(codes(page)).toHaveLength(20);
    expect(page.expansion?.total).toBeGreaterThan(100);
    expect(() => expand(general, { maxEntries: 100, count: 20 })).toThrow(/too many codes/);
  });
});

/** The order of relevance as documented on rankConcepts, worked out from the texts one concept at a time. */
function referenceRanking(cs: CodeSystemIndex, filter: string, isMember: MemberTest): string[] {
  const stems = [...new Set(wordsOf(filter))];
  const matches = textFilter(filter) as (texts: string[]) => boolean;
  const rankOf = (concept: Concept, position: number): number[] => {
    const codeWords = wordsOf(concept.code);
    const displayWords = wordsOf(concept.display ?? '');
    const first = stems[0] as string;
    const atStart = (displayWords[0] ?? '').startsWith(first) || (codeWords[0] ?? '').startsWith(first) ? 0 : 1;
    const prefixOnly = stems.filter((s) => !codeWords.includes(s) && !displayWords.includes(s)).length;
    return [atStart, prefixOnly, (concept.display ?? concept.code).length, position];
  };
  return cs.concepts
    .map((concept, position) => ({ concept, position }))
    .filter(({ concept, position }) => isMember(concept, position) && matches(conceptTexts(concept)))
    .map(({ concept, position }) => ({ code: concept.code, rank: rankOf(concept, position) }))
    .sort((a, b) => a.rank.reduce((d, v, i) => d || v - (b.rank[i] as number), 0))
    .map((r) => r.code);
}

const pageCodes = (page: { page: Concept[] }): string[] => page.page.map((c) => c.code);

describe('rankConcepts: filtered members in order of relevance, paged', () => {
  const cs = new CodeSystemIndex(big);
  const all: MemberTest = () => true;

  it('puts a display starting with the filter first, then whole words, then prefixes, then shorter displays, then code order', () => {
    const indexOf = (concept: CodeSystemConcept[]): CodeSystemIndex => new CodeSystemIndex({ resourceType: 'CodeSystem', url: 'http://example.org/ranked', status: 'active', content: 'complete', concept });
    const osteo = indexOf([
      { code: 'A01', display: 'Infection with osteoporotic changes of bone' },
      { code: 'A02', display: 'Drug-induced osteopor of the spine' },
      { code: 'M80', display: 'Osteoporosis with current pathological fracture' },
      { code: 'M81', display: 'Osteoporosis' },
      { code: 'M82', display: 'Osteopor' },
      { code: 'M83', display: 'Osteoporosis' },
      { code: 'Z99', display: 'Fracture', designation: [{ value: 'osteopor fracture' }] },
    ]);
    expect(pageCodes(rankConcepts(osteo, 'osteopor', all))).toEqual([
      'M82', // starts with the word, as a whole word
      'M81', // starts with it, as a prefix: shorter display first ...
      'M83', // ... then code order
      'M80',
      'A02', // a whole word, not at the start
      'Z99', // a whole word of a designation only: a prefix match as far as ranking goes, shorter display
      'A01',
    ]);
    // Words after the first: all of them whole words before some of them prefixes.
    const fractures = indexOf([
      { code: 'S1', display: 'Femur fracture' },
      { code: 'S2', display: 'Fractures of femurs' },
      { code: 'S3', display: 'Fracture of shaft of femur' },
      { code: 'S4', display: 'Fracture of femur, left, initial encounter' },
    ]);
    expect(pageCodes(rankConcepts(fractures, 'fracture femur', all))).toEqual(['S3', 'S4', 'S2', 'S1']);
    // Someone typing a code: the code's start counts as the display's.
    expect(pageCodes(rankConcepts(osteo, 'm8', all))).toEqual(['M82', 'M81', 'M83', 'M80']);
  });

  it.each(['osteopor', 'OSTEO fract', 'fem', 'fém', 'vert e', 'm80', 'm80.0', '0', 'union non', 'ø', 'c1', 'right left osteopenia', 'left right', 'stage'])(
    'orders every match as the documented rules say: %s',
    (filter) => {
      expect(pageCodes(rankConcepts(cs, filter, all))).toEqual(referenceRanking(cs, filter, all));
      const everyThird: MemberTest = (_, position) => position % 3 === 0;
      const ranked = rankConcepts(cs, filter, everyThird);
      expect(pageCodes(ranked)).toEqual(referenceRanking(cs, filter, everyThird));
      expect(ranked.total).toBe(ranked.page.length);
    },
  );

  it('pages through the same order: offset and count cut the ranking without changing it', () => {
    for (const filter of ['osteo', 'fracture left', 'c']) {
      const whole = rankConcepts(cs, filter, all);
      const pages: string[] = [];
      for (let offset = 0; offset < whole.total + 7; offset += 7) {
        const page = rankConcepts(cs, filter, all, offset, 7);
        expect(page.total).toBe(whole.total);
        pages.push(...pageCodes(page));
      }
      expect(pages).toEqual(pageCodes(whole));
      expect(rankConcepts(cs, filter, all, 0, 0)).toEqual({ total: whole.total, page: [] });
      expect(rankConcepts(cs, filter, all, whole.total, 20).page).toEqual([]);
      // the same request twice: the same answer (the scratch state of the index is left clean)
      expect(pageCodes(rankConcepts(cs, filter, all, 3, 11))).toEqual(pageCodes(whole).slice(3, 14));
    }
  });

  it('counts and returns members only, given as a test or as a byte per position, and leaves the index clean when the test throws', () => {
    const notSelectable = rankConcepts(cs, 'osteo', (c) => !c.notSelectable);
    expect(notSelectable.page.some((c) => c.notSelectable)).toBe(false);
    expect(notSelectable.total).toBe(rankConcepts(cs, 'osteo', all).page.filter((c) => !c.notSelectable).length);
    const bytes = Uint8Array.from(cs.concepts, (c) => (c.notSelectable ? 0 : 1));
    expect(rankConcepts(cs, 'osteo', bytes, 2, 9)).toEqual(rankConcepts(cs, 'osteo', (c) => !c.notSelectable, 2, 9));
    expect(rankConcepts(cs, 'osteo', undefined)).toEqual(rankConcepts(cs, 'osteo', all));
    expect(rankConcepts(cs, ' ', bytes, 0, 4)).toEqual(rankConcepts(cs, ' ', (c) => !c.notSelectable, 0, 4));
    expect(() =>
      rankConcepts(cs, 'osteo', () => {
        throw new Error('membership failed');
      }),
    ).toThrow('membership failed');
    expect(pageCodes(rankConcepts(cs, 'osteo', all))).toEqual(referenceRanking(cs, 'osteo', all));
  });

  it('answers a word the same before and after filters that combine it with others (kept bitsets are not changed)', () => {
    const alone = referenceRanking(cs, 'left', all);
    expect(pageCodes(rankConcepts(cs, 'left', all))).toEqual(alone);
    for (const filter of ['left right', 'osteo left', 'left fem', 'left zzz']) expect(pageCodes(rankConcepts(cs, filter, all))).toEqual(referenceRanking(cs, filter, all));
    expect(pageCodes(rankConcepts(cs, 'left', all))).toEqual(alone);
  });

  it('selects every member in the code system order for a filter without words, and nothing for an unknown word', () => {
    expect(pageCodes(rankConcepts(cs, ' - ', all, 5, 3))).toEqual(['C5', 'C6', 'C7']);
    expect(rankConcepts(cs, 'zzz', all)).toEqual({ total: 0, page: [] });
  });
});

describe('rankMembers: the members of a value set of several includes, by the same rule', () => {
  const indexOf = (url: string, concept: CodeSystemConcept[]): CodeSystemIndex => new CodeSystemIndex({ resourceType: 'CodeSystem', url, status: 'active', content: 'complete', concept });
  const first = indexOf('http://example.org/first', [
    { code: 'F1', display: 'Pain in hip with femur fracture history' },
    { code: 'F2', display: 'Hip fracture' },
  ]);
  const second = indexOf('http://example.org/second', [
    { code: 'S1', display: 'Fracture of femur' },
    { code: 'S2', display: 'Fractured femur, healed', designation: [{ value: 'Old break' }] },
    { code: 'S3', display: 'Fracture' },
  ]);
  const member = (cs: CodeSystemIndex, code: string, listed?: Member['listed']): Member => {
    const concept = cs.get(code) as Concept;
    return { system: cs.url, code, display: listed?.display ?? concept.display, concept, cs, listed };
  };
  const members: Member[] = [member(first, 'F1'), member(first, 'F2'), member(second, 'S1'), member(second, 'S2'), member(second, 'S3')];
  const memberCodes = (page: { page: Member[] }): string[] => page.page.map((m) => m.code);

  it('puts the best matches first whichever include they come from, ties in expansion order', () => {
    expect(memberCodes(rankMembers(members, 'fracture femur', undefined))).toEqual(['S1', 'S2', 'F1']);
    expect(memberCodes(rankMembers(members, 'fracture', undefined))).toEqual(['S3', 'S1', 'S2', 'F2', 'F1']);
    expect(memberCodes(rankMembers(members, 'break', undefined))).toEqual(['S2']);
  });

  it('pages through the same order, counts only the members kept, and takes every member for a filter without words', () => {
    const whole = memberCodes(rankMembers(members, 'fract', undefined));
    const pages = [0, 2, 4].flatMap((offset) => memberCodes(rankMembers(members, 'fract', undefined, offset, 2)));
    expect(pages).toEqual(whole);
    const kept = rankMembers(members, 'fract', (m) => m.system === second.url, 1, 5);
    expect(kept.total).toBe(3);
    expect(memberCodes(kept)).toEqual(whole.filter((c) => c.startsWith('S')).slice(1));
    expect(memberCodes(rankMembers(members, ' ', undefined, 1, 2))).toEqual(['F2', 'S1']);
  });

  it('reads the display and designations the value set gives a listed concept', () => {
    const listed = [member(first, 'F2', { code: 'F2', display: 'Broken hip', designation: [{ value: 'Femoral neck fracture' }] }), member(second, 'S3')];
    expect(memberCodes(rankMembers(listed, 'broken', undefined))).toEqual(['F2']);
    expect(memberCodes(rankMembers(listed, 'femoral', undefined))).toEqual(['F2']);
    expect(memberCodes(rankMembers(listed, 'fracture', undefined))).toEqual(['S3', 'F2']);
  });
});
