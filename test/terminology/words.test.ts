import { wordsOf } from '../../src/terminology/words';

describe('wordsOf', () => {
  it('finds the words that /[\\p{L}\\p{N}]+/gu finds, lower-cased', () => {
    const texts = ['Fracture of femur, left', 'M80.08XA', 'Ø-stage fémur', 'vertebra(e)', 'naïve café', '𝔘nicode 𝟘 astral', 'İstanbul ǅ', 'a\u0301b', '  ', ''];
    for (const text of texts) expect(wordsOf(text)).toEqual(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  });
});
