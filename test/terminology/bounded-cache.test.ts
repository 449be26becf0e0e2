import { BoundedCache, cacheStats } from '../../src/terminology/bounded-cache';

describe('BoundedCache', () => {
  it('evicts the least recently used entries when the byte bound is passed', () => {
    const cache = new BoundedCache<string>('test-lru', 100);
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    expect(cache.get('a')).toBe('A'); // a is now the most recently used
    cache.set('c', 'C', 40);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
    expect(cache.stats()).toEqual({ name: 'test-lru', entries: 2, bytes: 80, maxBytes: 100 });
  });

  it('does not store an entry larger than the whole bound, and replaces an entry under the same key', () => {
    const cache = new BoundedCache<number>('test-big', 100);
    cache.set('x', 1, 30);
    cache.set('huge', 2, 101);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('x')).toBe(1);
    cache.set('x', 3, 50);
    expect(cache.stats().bytes).toBe(50);
  });

  it('shrinks at once when resized, and is listed among the process caches', () => {
    const cache = new BoundedCache<number>('test-resize', 100);
    cache.set('a', 1, 50);
    cache.set('b', 2, 50);
    cache.resize(60);
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 50, maxBytes: 60 });
    expect(cacheStats().map((s) => s.name)).toContain('test-resize');
  });
});
