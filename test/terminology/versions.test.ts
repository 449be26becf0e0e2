import { compareVersions, selectVersion, splitCanonical, versionMatches } from '../../src/terminology/versions';

describe('version rules', () => {
  it('orders versions numerically by segment', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('2026', '2027')).toBeLessThan(0);
    expect(compareVersions(undefined, '1')).toBeLessThan(0);
  });

  it('matches wildcards', () => {
    expect(versionMatches('1.x', '1.4.2')).toBe(true);
    expect(versionMatches('1.x', '2.0.0')).toBe(false);
    expect(versionMatches('1.0.0', '1.0.0')).toBe(true);
    expect(versionMatches('1.0', '1.0.0')).toBe(false);
  });

  it('selects the latest when no version is named', () => {
    const list = [{ version: '1.0.0' }, { version: '2.0.0' }, { version: '1.5.0' }];
    expect(selectVersion(list)?.version).toBe('2.0.0');
    expect(selectVersion(list, '1.x')?.version).toBe('1.5.0');
    expect(selectVersion(list, '3.0.0')).toBeUndefined();
  });

  it('splits canonicals', () => {
    expect(splitCanonical('http://a|1')).toEqual({ url: 'http://a', version: '1' });
    expect(splitCanonical('http://a')).toEqual({ url: 'http://a' });
  });
});
