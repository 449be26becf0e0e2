import { randomUUID } from 'node:crypto';
import { BoundedCache } from '../terminology/bounded-cache';
import type { TerminologyResource } from '../terminology/registry';
import { clientError } from './operation-outcome';

/**
 * Resource caches that clients open with $cache-control (mode=start) and then name in the
 * X-Cache-Id header, so that the code systems and value sets they would send with every request
 * (tx-resource) are sent once. The server issues the ids; a cache nobody uses for `idleMs` is
 * dropped, all caches together are bounded in bytes (the least recently used go first), and the
 * number of resources in each is bounded.
 */

export interface CacheStatus {
  sealed: boolean;
  resources: number;
  idleMs: number;
}

interface Entry {
  resources: Map<string, TerminologyResource>;
  sealed: boolean;
  lastUsed: number;
  bytes: number;
}

export interface ResourceCachesOptions {
  /** A cache nobody uses for this long is dropped. */
  idleMs?: number;
  /** All caches together, in (estimated) heap bytes; the least recently used go first. */
  maxBytes?: number;
  maxResourcesPerCache?: number;
  now?: () => number;
}

const keyOf = (r: TerminologyResource): string => `${r.resourceType}|${r.url ?? r.id ?? ''}|${r.version ?? ''}`;
/** What an empty cache costs (its id, maps and bookkeeping), so that empty caches count too. */
const EMPTY_CACHE_BYTES = 1024;
export const CLIENT_CACHES_BYTES = 16 * 1024 * 1024;
/** A parsed resource takes about this many heap bytes per character of its JSON. */
const HEAP_BYTES_PER_JSON_CHARACTER = 3;

export class ResourceCaches {
  readonly idleMs: number;
  private readonly entries: BoundedCache<Entry>;
  private readonly maxResourcesPerCache: number;
  private readonly now: () => number;

  constructor(options: ResourceCachesOptions = {}) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.entries = new BoundedCache<Entry>('client-resource-caches', options.maxBytes ?? CLIENT_CACHES_BYTES);
    this.maxResourcesPerCache = options.maxResourcesPerCache ?? 5000;
    this.now = options.now ?? Date.now;
  }

  /** Changes the bound on all caches together (configuration at start-up). */
  resize(maxBytes: number): void {
    this.entries.resize(maxBytes);
  }

  /** Open a cache, front-loaded with `resources`; a sealed cache does not grow afterwards. */
  start(resources: TerminologyResource[], sealed: boolean): string {
    const entry: Entry = { resources: new Map(), sealed: false, lastUsed: this.now(), bytes: EMPTY_CACHE_BYTES };
    for (const r of resources) if (!this.put(entry, r)) break;
    const { maxBytes } = this.entries.stats();
    if (entry.bytes > maxBytes) {
      throw clientError('CACHES_FULL', [entry.bytes, maxBytes]);
    }
    entry.sealed = sealed;
    const id = randomUUID();
    this.entries.set(id, entry, entry.bytes);
    return id;
  }

  /** Open a cache under a name the client chose (the older `cache-id` parameter protocol). */
  adopt(id: string): void {
    if (!this.live(id)) this.entries.set(id, { resources: new Map(), sealed: false, lastUsed: this.now(), bytes: EMPTY_CACHE_BYTES }, EMPTY_CACHE_BYTES);
  }

  /** The resources of a live cache (and it counts as used), or undefined for an unknown or expired id. */
  resources(id: string): TerminologyResource[] | undefined {
    const entry = this.live(id);
    if (!entry) return undefined;
    entry.lastUsed = this.now();
    return [...entry.resources.values()];
  }

  /** Remember resources a request sent, unless the cache is sealed or full (in resources or bytes). */
  add(id: string, resources: TerminologyResource[]): void {
    const entry = this.live(id);
    if (!entry || entry.sealed) return;
    const { maxBytes, bytes: allBytes } = this.entries.stats();
    const before = entry.bytes;
    for (const r of resources) {
      if (!this.put(entry, r, maxBytes - (allBytes - before))) break;
    }
    // set again: the bytes are counted anew, and other caches make room if need be
    if (entry.bytes !== before) this.entries.set(id, entry, entry.bytes);
  }

  /** Add a resource to an entry unless that takes it past `room` bytes or the resource count. */
  private put(entry: Entry, resource: TerminologyResource, room = Number.POSITIVE_INFINITY): boolean {
    const key = keyOf(resource);
    if (entry.resources.size >= this.maxResourcesPerCache && !entry.resources.has(key)) return false;
    const bytes = JSON.stringify(resource).length * HEAP_BYTES_PER_JSON_CHARACTER;
    const replaced = entry.resources.get(key);
    const freed = replaced ? JSON.stringify(replaced).length * HEAP_BYTES_PER_JSON_CHARACTER : 0;
    if (entry.bytes - freed + bytes > room) return false;
    entry.resources.set(key, resource);
    entry.bytes += bytes - freed;
    return true;
  }

  status(id: string): CacheStatus | undefined {
    const entry = this.live(id);
    if (!entry) return undefined;
    const status = { sealed: entry.sealed, resources: entry.resources.size, idleMs: this.now() - entry.lastUsed };
    entry.lastUsed = this.now();
    return status;
  }

  end(id: string): void {
    this.entries.delete(id);
  }

  /** A cache, unless it is unknown or has been idle too long (then it is dropped). */
  private live(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry && this.now() - entry.lastUsed > this.idleMs) {
      this.entries.delete(id);
      return undefined;
    }
    return entry;
  }
}
