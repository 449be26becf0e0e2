import { compileSafeRegex, safeTest, UnsafePatternError } from '../../src/terminology/safe-regex';

describe('client regular expressions', () => {
  it('match whole values', () => {
    const re = compileSafeRegex('M8[01].*');
    expect(safeTest(re, 'M81.0')).toBe(true);
    expect(safeTest(re, 'XM81.0')).toBe(false);
  });

  it('refuse patterns that backtrack catastrophically', () => {
    for (const p of ['(a+)+$', '(a*)*b', '(x+x+)+y', '(.*a){1,}']) {
      expect(() => compileSafeRegex(p)).toThrow(UnsafePatternError);
    }
  });

  it('refuse back-references and very long patterns', () => {
    expect(() => compileSafeRegex('(a)\\1')).toThrow(UnsafePatternError);
    expect(() => compileSafeRegex('a'.repeat(300))).toThrow(UnsafePatternError);
  });

  it('report syntax errors', () => {
    expect(() => compileSafeRegex('(')).toThrow(SyntaxError);
  });
});
