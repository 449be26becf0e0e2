/**
 * A least-recently-used cache bounded in bytes (an estimate the caller gives per entry), not in
 * entries: one huge entry must not be able to hold the memory of thousands of small ones.
 * Every cache registers itself by name so that health and metrics endpoints can report totals.
 */
export interface CacheStats {
  name: string;
  entries: number;
  bytes: number;
  maxBytes: number;
}

const caches: Array<BoundedCache<unknown, unknown>> = [];

/** Keys are strings, or objects compared by identity (an entry then holds its key). */
export class BoundedCache<V, K = string> {
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private totalBytes = 0;

  constructor(
    readonly name: string,
    private maxBytes: number,
  ) {
    caches.push(this as BoundedCache<unknown, unknown>);
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores the value unless it alone is larger than the whole bound; evicts the least recently used. */
  set(key: K, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.totalBytes += bytes;
    this.evictTo(this.maxBytes);
  }

  delete(key: K): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.totalBytes -= old.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }

  /** Changes the bound (configuration at start-up, tests); shrinking evicts at once. */
  resize(maxBytes: number): void {
    this.maxBytes = maxBytes;
    this.evictTo(maxBytes);
  }

  stats(): CacheStats {
    return { name: this.name, entries: this.entries.size, bytes: this.totalBytes, maxBytes: this.maxBytes };
  }

  private evictTo(limit: number): void {
    for (const [key, entry] of this.entries) {
      if (this.totalBytes <= limit) break;
      this.entries.delete(key);
      this.totalBytes -= entry.bytes;
    }
  }
}

/** Every cache in the process, for /health and /metrics. */
export function cacheStats(): CacheStats[] {
  return caches.map((c) => c.stats());
}

