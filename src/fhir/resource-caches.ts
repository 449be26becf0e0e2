import { randomUUID } from 'node:crypto';
import type { TerminologyResource } from '../terminology/registry';

/**
 * Resource caches that clients open with $cache-control (mode=start) and then name in the
 * X-Cache-Id header, so that the code systems and value sets they would send with every request
 * (tx-resource) are sent once. The server issues the ids; a cache nobody uses for `idleMs` is
 * dropped, and the number of caches and of resources in each is bounded.
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
}

const keyOf = (r: TerminologyResource): string => `${r.resourceType}|${r.url ?? r.id ?? ''}|${r.version ?? ''}`;

export class ResourceCaches {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly idleMs = 30 * 60_000,
    private readonly maxCaches = 1000,
    private readonly maxResourcesPerCache = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Open a cache, front-loaded with `resources`; a sealed cache does not grow afterwards. */
  start(resources: TerminologyResource[], sealed: boolean): string {
    const id = randomUUID();
    this.open(id);
    this.add(id, resources);
    (this.entries.get(id) as Entry).sealed = sealed;
    return id;
  }

  /** Open a cache under a name the client chose (the older `cache-id` parameter protocol). */
  adopt(id: string): void {
    if (!this.live(id)) this.open(id);
  }

  private open(id: string): void {
    this.expire();
    while (this.entries.size >= this.maxCaches) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(id, { resources: new Map(), sealed: false, lastUsed: this.now() });
  }

  /** The resources of a live cache (and it counts as used), or undefined for an unknown or expired id. */
  resources(id: string): TerminologyResource[] | undefined {
    const entry = this.live(id);
    if (!entry) return undefined;
    entry.lastUsed = this.now();
    // most recently used last, so that eviction takes the least recently used
    this.entries.delete(id);
    this.entries.set(id, entry);
    return [...entry.resources.values()];
  }

  /** Remember resources a request sent, unless the cache is sealed or full. */
  add(id: string, resources: TerminologyResource[]): void {
    const entry = this.live(id);
    if (!entry || entry.sealed) return;
    for (const r of resources) {
      if (entry.resources.size >= this.maxResourcesPerCache && !entry.resources.has(keyOf(r))) break;
      entry.resources.set(keyOf(r), r);
    }
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

  private live(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry && this.now() - entry.lastUsed > this.idleMs) {
      this.entries.delete(id);
      return undefined;
    }
    return entry;
  }

  private expire(): void {
    for (const id of [...this.entries.keys()]) this.live(id);
  }
}
