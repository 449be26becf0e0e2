import type { CodeSystem, CodeSystemConcept, ValueSet } from 'fhir/r4';
import { CodeSystemIndex } from '../../src/terminology/code-system-index';
import { expandValueSet, ExpandInput } from '../../src/terminology/expand';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { conceptsMatching, conceptTexts, filterStems, textFilter } from '../../src/terminology/text-filter';

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
      const stems = filterStems(filter);
      expect(conceptsMatching(cs, stems).map((c) => c.code)).toEqual(expected);
    },
  );

  it('gives the same expansion as the general path, filtered, paged and with activeOnly/excludeNotForUI', () => {
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
