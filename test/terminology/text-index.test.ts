import type { CodeSystem } from 'fhir/r4';
import { CodeSystemIndex } from '../../src/terminology/code-system-index';
import { WordIndexBuilder } from '../../src/terminology/text-index';

const cs = new CodeSystemIndex({
  resourceType: 'CodeSystem',
  url: 'http://example.org/words',
  status: 'active',
  content: 'complete',
  concept: [
    { code: 'M81.0', display: 'Age-related osteoporosis', designation: [{ value: 'Age-rel osteopor', language: 'en' }] },
    { code: 'M81.6', display: 'Localized osteoporosis [Lequesne]' },
    { code: 'Z99', designation: [{ value: 'Fémur, Knochenbruch', language: 'de' }] },
    { code: 'S72', display: 'Fracture of femur, fracture of neck' },
  ],
} as CodeSystem);

describe('WordIndexBuilder', () => {
  const parts = new WordIndexBuilder(cs.concepts).finish();
  const positionsOf = (postings: { starts: Int32Array; positions: Int32Array }, word: string): number[] => {
    const w = parts.words.indexOf(word);
    return [...postings.positions.slice(postings.starts[w], postings.starts[w + 1])];
  };

  it('lists each word once, sorted, with the ascending positions of the concepts that have it', () => {
    expect(parts.words).toEqual([...parts.words].sort());
    expect(new Set(parts.words).size).toBe(parts.words.length);
    expect(positionsOf(parts.all, 'osteoporosis')).toEqual([0, 1]);
    expect(positionsOf(parts.all, 'fracture')).toEqual([3]); // twice in one display, once in the list
    expect(positionsOf(parts.all, 'fémur')).toEqual([2]);
    expect(positionsOf(parts.all, 'femur')).toEqual([3]);
  });

  it('keeps apart the words of codes and displays, which ranking counts as whole words', () => {
    expect(positionsOf(parts.all, 'osteopor')).toEqual([0]);
    expect(positionsOf(parts.own, 'osteopor')).toEqual([]);
    expect(positionsOf(parts.own, 'm81')).toEqual([0, 1]);
    expect([...parts.firstDisplayWord].map((w) => parts.words[w])).toEqual(['age', 'localized', undefined, 'fracture']);
    expect([...parts.firstCodeWord].map((w) => parts.words[w])).toEqual(['m81', 'm81', 'z99', 's72']);
    expect([...parts.displayLength]).toEqual([24, 33, 3, 35]);
  });

  it('builds the same parts one concept a step as all at once', () => {
    const builder = new WordIndexBuilder(cs.concepts);
    let steps = 0;
    let stepped = builder.step(1);
    while (!stepped) {
      steps++;
      stepped = builder.step(1);
    }
    expect(steps).toBeGreaterThan(cs.concepts.length);
    expect(stepped).toEqual(parts);
  });
});
