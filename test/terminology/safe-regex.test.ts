import { compileSafeRegex, MAX_PATTERN_LENGTH, safeTest, UnsafePatternError } from '../../src/terminology/safe-regex';

describe('client regular expressions', () => {
  it('match whole values', () => {
    const re = compileSafeRegex('M8[01].*');
    expect(safeTest(re, 'M81.0')).toBe(true);
    expect(safeTest(re, 'XM81.0')).toBe(false);
    expect(safeTest(compileSafeRegex('M8'), 'M81')).toBe(false);
    expect(safeTest(compileSafeRegex('a|b'), 'b')).toBe(true);
  });

  it('answer patterns that make a backtracking engine explode, correctly', () => {
    const long = 'a'.repeat(60);
    expect(safeTest(compileSafeRegex('(a+)+$'), `${long}!`)).toBe(false);
    expect(safeTest(compileSafeRegex('(a+)+$'), long)).toBe(true);
    expect(safeTest(compileSafeRegex('(a|a)*'), `${long}b`)).toBe(false);
    expect(safeTest(compileSafeRegex('a*a*a*a*a*a*b'), long)).toBe(false);
    expect(safeTest(compileSafeRegex('a*a*a*a*a*a*b'), `${long}b`)).toBe(true);
    expect(safeTest(compileSafeRegex('.*.*.*.*='), 'x'.repeat(10_000))).toBe(false);
    expect(safeTest(compileSafeRegex('.*.*.*.*='), `${'x'.repeat(10_000)}=`)).toBe(true);
  });

  it('refuse back-references and very long patterns', () => {
    expect(() => compileSafeRegex('(a)\\1')).toThrow(UnsafePatternError);
    expect(() => compileSafeRegex('a'.repeat(MAX_PATTERN_LENGTH + 1))).toThrow(UnsafePatternError);
  });

  it('report syntax errors', () => {
    expect(() => compileSafeRegex('(')).toThrow(/missing closing/);
  });
});
