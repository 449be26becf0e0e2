import { createHash } from 'node:crypto';
import type { CodeSystem, ConceptMap, ValueSet } from 'fhir/r4';
import { BoundedCache } from './bounded-cache';
import { applySupplements, CodeSystemIndex } from './code-system-index';
import { issue, TerminologyError } from './issues';
import { isLanguagePack } from './supplements';
import { UCUM_URL, UcumCodeSystem } from './ucum';
import { canonicalOf, selectVersion, splitCanonical } from './versions';

/** Why a resource sent with a request cannot be used, or undefined when it can. */
export type ResourceCheck = (resource: TerminologyResource) => string | undefined;

export interface OverlayOptions {
  check?: ResourceCheck;
  /**
   * Canonicals (url or url|version) of the sent supplements this request uses; all when absent.
   * A function is asked once, on first need, with the overlay itself (to resolve the value set
   * that names them).
   */
  supplements?: string[] | ((overlay: TerminologyRegistry) => string[]);
}

interface RegistryOptions extends OverlayOptions {
  /** Resources sent with one request, rather than the server's own content. */
  requestScoped?: boolean;
  /** Resources read on first use rather than at start-up (large content that few requests need). */
  load?: () => TerminologyResource[];
  /** The urls and ids of what `load` reads, when known beforehand: asking for anything else does not read it. */
  names?: ContentNames;
  /** Told when a resource of the server's content takes the place of another with the same url and version. */
  warn?: (message: string) => void;
}

/** The canonical urls and ids of a body of content, without the content. */
export interface ContentNames {
  urls: ReadonlySet<string>;
  ids: ReadonlySet<string>;
  /** The resource types it has any of (FHIR's own terminology has no ConceptMap: a $translate with no map named need not read it). */
  types: ReadonlySet<TerminologyResourceType>;
}

const canonicalOfResource = (r: TerminologyResource): string => (r.version ? canonicalOf(r) : (r.url ?? r.id ?? '(no url)'));

export type TerminologyResource = CodeSystem | ValueSet | ConceptMap;
export type TerminologyResourceType = TerminologyResource['resourceType'];

/** The resource types this server serves. */
export const TERMINOLOGY_TYPES: readonly TerminologyResourceType[] = ['CodeSystem', 'ValueSet', 'ConceptMap'];
const TYPE_NAMES: ReadonlySet<string> = new Set(TERMINOLOGY_TYPES);

export function isTerminologyType(type: string | undefined): type is TerminologyResourceType {
  return type !== undefined && TYPE_NAMES.has(type);
}

/** A resource of a type this server serves (others, such as a Bundle's, are left aside). */
export function isTerminologyResource(resource: { resourceType?: string }): resource is TerminologyResource {
  return isTerminologyType(resource.resourceType);
}

type ByType = {
  CodeSystem: CodeSystem;
  ValueSet: ValueSet;
  ConceptMap: ConceptMap;
};

/**
 * Indexes of code systems sent in requests, by content: the validator sends the same ones again
 * and again. Bounded in bytes, so that a few huge code systems cannot hold the memory.
 */
export const sentIndexCache = new BoundedCache<CodeSystemIndex>('sent-code-system-indexes', 32 * 1024 * 1024);
export const SENT_INDEX_CACHE_BYTES = sentIndexCache.stats().maxBytes;
/** An index holds about this many heap bytes per character of its code system's JSON (measured on 100,000 concepts). */
const INDEX_BYTES_PER_JSON_CHARACTER = 8;

/** Indexes of request content held for the requests that prepared them (see TerminologyRegistry.hold), by content key. */
const heldIndexes = new Map<string, { index: CodeSystemIndex; holders: number }>();

/** How many indexes are held for requests now (0 once every request that held one is answered). */
export function heldIndexCount(): number {
  return heldIndexes.size;
}

/** The estimated size of each index of request content; the server's own indexes are kept anyway. */
const requestIndexSizes = new WeakMap<CodeSystemIndex, number>();

/**
 * The bytes an index of request content holds (0 for the server's own content): a cache whose
 * entries keep such an index alive (a compiled value set) counts them, since the index cache may
 * have refused or dropped it.
 */
export function requestIndexBytes(index: CodeSystemIndex): number {
  return requestIndexSizes.get(index) ?? 0;
}

const hashes = new WeakMap<object, { hash: string; jsonLength: number }>();

/** The sha-256 of a resource's JSON and that JSON's length, computed once per resource object: a sent resource is serialised and hashed once per request. */
function digestOf(resource: object): { hash: string; jsonLength: number } {
  let digest = hashes.get(resource);
  if (digest === undefined) {
    const json = JSON.stringify(resource);
    digest = { hash: createHash('sha256').update(json).digest('hex'), jsonLength: json.length };
    hashes.set(resource, digest);
  }
  return digest;
}

export function contentHash(resource: object): string {
  return digestOf(resource).hash;
}

function contentKey(resource: CodeSystem, supplements: CodeSystem[]): { key: string; jsonLength: number } {
  const digests = [resource, ...supplements].map(digestOf);
  return { key: digests.map((d) => d.hash).join('+'), jsonLength: digests.reduce((n, d) => n + d.jsonLength, 0) };
}

let registries = 0;

/**
 * Canonical resources by url and version. A request that carries resources (tx-resource) gets an
 * overlay: a registry that looks in its own resources first and then in its parent, and is
 * dropped with the request, so nothing sent by one client is ever visible to another.
 *
 * Version rules: a request that names a version gets that version (wildcards such as 2.x allowed);
 * one that names none gets the latest of the nearest layer (sent resources, then the server's). Same url and version twice: the later wins, except that a
 * complete code system is never replaced by a fragment.
 */
export class TerminologyRegistry {
  private readonly byUrl = {
    CodeSystem: new Map<string, CodeSystem[]>(),
    ValueSet: new Map<string, ValueSet[]>(),
    ConceptMap: new Map<string, ConceptMap[]>(),
  };
  private readonly byId = {
    CodeSystem: new Map<string, CodeSystem>(),
    ValueSet: new Map<string, ValueSet>(),
    ConceptMap: new Map<string, ConceptMap>(),
  };
  private readonly supplementsByBase = new Map<string, CodeSystem[]>();
  private readonly indexes = new WeakMap<CodeSystem, CodeSystemIndex>();
  /** codeSystem() answers found, by canonical then version, for a layer whose content never changes once read (not a request's overlay). */
  private readonly codeSystemsFound = new Map<string, Map<string | undefined, CodeSystemIndex>>();
  private readonly ownByType = new Map<TerminologyResourceType, TerminologyResource[]>();

  private readonly checked = new WeakSet<TerminologyResource>();
  /** This layer's own resources, in the order given. */
  private readonly ownResources: TerminologyResource[] = [];
  private readonly serial = ++registries;
  private ownFingerprint?: string;

  private readonly problemOf?: ResourceCheck;
  private supplementNames?: OverlayOptions['supplements'];
  private activeSet?: Set<string>;
  private readonly requestScoped: boolean;
  private pending?: () => TerminologyResource[];
  private readonly names?: ContentNames;
  private readonly warn?: (message: string) => void;

  constructor(
    resources: TerminologyResource[],
    private readonly parent?: TerminologyRegistry,
    options: RegistryOptions = {},
  ) {
    this.problemOf = options.check;
    this.requestScoped = options.requestScoped === true;
    this.pending = options.load;
    this.names = options.names;
    this.supplementNames = options.supplements;
    this.warn = options.warn;
    for (const r of resources) this.add(r);
  }

  /**
   * A registry whose resources are read when first needed. With their names known beforehand, a
   * request about anything else (the server's own content) never pays for the read.
   */
  static lazy(load: () => TerminologyResource[], names?: ContentNames): TerminologyRegistry {
    return new TerminologyRegistry([], undefined, { load, names });
  }

  /** Could this layer hold the url (or id)? Content not read yet is read only when it could. */
  private mayHold(key: string, kind: 'urls' | 'ids'): boolean {
    return !this.pending || !this.names || this.names[kind].has(key);
  }

  private loaded(): this {
    const load = this.pending;
    if (load) {
      this.pending = undefined;
      for (const r of load()) this.add(r);
    }
    return this;
  }

  /**
   * A request-scoped registry over this one. `check` vets a sent resource when a request first
   * uses it, so a broken resource fails the request that relies on it and no other. `supplements`
   * names the sent supplements the request may apply (the server's own always apply).
   */
  overlay(resources: TerminologyResource[], options: OverlayOptions = {}): TerminologyRegistry {
    return resources.length ? new TerminologyRegistry(resources, this, { ...options, requestScoped: true }) : this;
  }

  /** Throws when a resource sent with the request is not usable. */
  private check<T extends TerminologyResource>(resource: T | undefined): T | undefined {
    if (!resource || !this.problemOf || this.checked.has(resource)) return resource;
    const owner = this.ownerOf(resource);
    if (owner !== this) return owner.check(resource);
    const problem = this.problemOf(resource);
    if (problem) {
      throw new TerminologyError(issue('INVALID_SENT_RESOURCE', [resource.resourceType, canonicalOfResource(resource), problem]),
      );
    }
    this.checked.add(resource);
    return resource;
  }

  /**
   * What this registry can resolve, as a key for caches of derived answers (compiled value sets):
   * the server's registry by instance (its content never changes once read), an overlay by its
   * parent's fingerprint and the content hashes of the resources it adds and the supplements it
   * applies. Two requests that send the same resources share answers; different ones never do.
   */
  get fingerprint(): string {
    if (this.ownFingerprint === undefined) {
      const base = this.parent ? `${this.parent.fingerprint}/` : '';
      if (!this.requestScoped) this.ownFingerprint = `${base}r${this.serial}`;
      else {
        const parts = this.ownResources.map(contentHash);
        if (this.activeSupplements) parts.push(`supplements:${[...this.activeSupplements].sort().join(',')}`);
        this.ownFingerprint = `${base}${createHash('sha256').update(parts.join('|')).digest('hex')}`;
      }
    }
    return this.ownFingerprint;
  }

  /** The sent supplements the request uses (undefined: all of them). */
  private get activeSupplements(): Set<string> | undefined {
    const names = this.supplementNames;
    if (names !== undefined) {
      this.supplementNames = undefined;
      this.activeSet = new Set(typeof names === 'function' ? names(this) : names);
    }
    return this.activeSet;
  }

  private add(resource: TerminologyResource): void {
    this.ownResources.push(resource);
    if (resource.resourceType === 'CodeSystem' && resource.supplements) {
      const base = splitCanonical(resource.supplements).url;
      const list = this.supplementsByBase.get(base) ?? [];
      list.push(resource);
      this.supplementsByBase.set(base, list);
    }
    const type = resource.resourceType;
    if (resource.url) {
      const map = this.byUrl[type] as Map<string, TerminologyResource[]>;
      const list = map.get(resource.url) ?? [];
      const same = list.findIndex((r) => r.version === resource.version);
      if (same < 0) list.push(resource);
      else {
        const replaces = !(isComplete(list[same]) && !isComplete(resource));
        this.warn?.(
          `${type} ${canonicalOfResource(resource)} (id ${resource.id ?? '-'}) has the url and version of one loaded before (id ${list[same].id ?? '-'}): ` +
            (replaces ? 'the later one is served' : 'the earlier, complete one is kept'),
        );
        if (replaces) list[same] = resource;
      }
      map.set(resource.url, list);
    }
    if (resource.id) (this.byId[type] as Map<string, TerminologyResource>).set(resource.id, resource);
  }

  /**
   * The version asked for, or the latest, looking in the nearest layer first: resources sent with a
   * request win over the server's, and the server's own content over the FHIR core terminology
   * (their version schemes need not be comparable).
   */
  private select<T extends TerminologyResourceType>(type: T, url: string, version: string | undefined, keep: (r: ByType[T]) => boolean): ByType[T] | undefined {
    const own = this.mayHold(url, 'urls') ? ((this.loaded().byUrl[type] as Map<string, ByType[T][]>).get(url) ?? []).filter(keep) : [];
    return selectVersion(own, version) ?? this.parent?.select(type, url, version, keep);
  }

  /** All versions of a canonical, own resources shadowing the parent's of the same version. */
  candidates<T extends TerminologyResourceType>(type: T, url: string): ByType[T][] {
    const own = this.mayHold(url, 'urls') ? ((this.loaded().byUrl[type] as Map<string, ByType[T][]>).get(url) ?? []) : [];
    const inherited = this.parent?.candidates(type, url) ?? [];
    return [...own, ...inherited.filter((r) => !own.some((o) => o.version === r.version))];
  }

  resolve<T extends TerminologyResourceType>(type: T, canonical: string, version?: string): ByType[T] | undefined {
    const parts = splitCanonical(canonical);
    return this.checkAll(this.select(type, parts.url, version ?? parts.version, () => true));
  }

  read<T extends TerminologyResourceType>(type: T, id: string): ByType[T] | undefined {
    const own = this.mayHold(id, 'ids') ? (this.loaded().byId[type] as Map<string, ByType[T]>).get(id) : undefined;
    return own ?? this.parent?.read(type, id);
  }

  /** Every resource of a type, nearest layer first; a sent one that is not usable (see check) is left out, as nothing relies on it by name. */
  all<T extends TerminologyResourceType>(type: T): ByType[T][] {
    if (this.pending && this.names && !this.names.types.has(type)) return this.parent?.all(type) ?? [];
    const own = this.problemOf ? this.allOwn(type).filter((r) => this.usable(r)) : this.allOwn(type);
    return [...own, ...(this.parent?.all(type) ?? [])];
  }

  private usable(resource: TerminologyResource): boolean {
    try {
      this.check(resource);
      return true;
    } catch (e) {
      if (e instanceof TerminologyError) return false;
      throw e;
    }
  }

  /** This layer's resources of a type (read if need be), listed once for a layer that never changes afterwards. */
  private allOwn<T extends TerminologyResourceType>(type: T): ByType[T][] {
    const kept = this.ownByType.get(type);
    if (kept) return kept as ByType[T][];
    const own = [...(this.loaded().byId[type] as Map<string, ByType[T]>).values()];
    const withoutId = [...(this.byUrl[type] as Map<string, ByType[T][]>).values()].flat().filter((r) => !r.id);
    const list = [...own, ...withoutId];
    if (!this.requestScoped) this.ownByType.set(type, list);
    return list;
  }

  /** This layer's resources only: the server's own content, without the lazily read layer beneath. */
  own<T extends TerminologyResourceType>(type: T): ByType[T][] {
    return [...(this.byId[type] as Map<string, ByType[T]>).values()];
  }

  versionsOf(type: TerminologyResourceType, url: string): string[] {
    return this.candidates(type, url)
      .map((r) => r.version)
      .filter((v): v is string => v !== undefined);
  }

  /** Supplements of a code system that apply: the server's own, and those sent that the request names. */
  supplementsFor(url: string): CodeSystem[] {
    // Content not read yet has supplied nothing so far: asking must not force the read.
    const own = (this.supplementsByBase.get(url) ?? []).filter((s) => this.isActive(s));
    return [...own, ...(this.parent?.supplementsFor(url) ?? [])];
  }

  private isActive(supplement: CodeSystem): boolean {
    const active = this.activeSupplements;
    if (!this.requestScoped || !active || isLanguagePack(supplement)) return true;
    return active.has(supplement.url ?? '') || active.has(`${supplement.url}|${supplement.version}`);
  }

  /** The code system (not a supplement) for url|version, indexed, with its supplements applied. */
  codeSystem(canonical: string, version?: string): CodeSystemIndex | undefined {
    // asked several times by every request: what a fixed layer found once stays found (nothing found is not kept: content read later may have it)
    const known = this.requestScoped ? undefined : this.codeSystemsFound.get(canonical)?.get(version);
    if (known) return known;
    const parts = splitCanonical(canonical);
    const resource = this.checkAll(this.select('CodeSystem', parts.url, version ?? parts.version, (cs) => !cs.supplements));
    const found = resource ? this.index(resource) : undefined;
    if (found && !this.requestScoped) {
      if (this.codeSystemsFound.size >= 1000) this.codeSystemsFound.clear();
      const versions = this.codeSystemsFound.get(canonical) ?? new Map<string | undefined, CodeSystemIndex>();
      if (versions.size >= 100) versions.clear();
      versions.set(version, found);
      this.codeSystemsFound.set(canonical, versions);
    }
    return found;
  }

  /** Index a resource; indexes of the server's content are kept, those of request content cached by hash. */
  index(resource: CodeSystem): CodeSystemIndex {
    const { supplements, sent } = this.indexScope(resource);
    if (!sent) {
      const owner = this.ownerOf(resource);
      let kept = owner.indexes.get(resource);
      if (!kept) {
        kept = buildIndex(applySupplements(resource, supplements));
        owner.indexes.set(resource, kept);
      }
      return kept;
    }
    const cached = heldIndexes.get(sent.key)?.index ?? sentIndexCache.get(sent.key);
    if (cached) return cached;
    const index = buildIndex(applySupplements(resource, supplements));
    const bytes = sent.jsonLength * INDEX_BYTES_PER_JSON_CHARACTER;
    requestIndexSizes.set(index, bytes);
    sentIndexCache.set(sent.key, index, bytes);
    return index;
  }

  /**
   * Index a code system a request sends before the request runs, and hold that index until the
   * returned release is called (when the request is answered), whatever the index cache's bound:
   * a request's long work can then be done a turn of the event loop apart.
   */
  hold(resource: CodeSystem): () => void {
    const { sent } = this.indexScope(resource);
    if (!sent) return () => undefined;
    const held = heldIndexes.get(sent.key) ?? { index: this.index(resource), holders: 0 };
    held.holders++;
    heldIndexes.set(sent.key, held);
    return () => {
      if (--held.holders === 0 && heldIndexes.get(sent.key) === held) heldIndexes.delete(sent.key);
    };
  }

  /** The supplements an index of the code system applies, and for request content its key by content. */
  private indexScope(resource: CodeSystem): { supplements: CodeSystem[]; sent?: { key: string; jsonLength: number } } {
    const supplements = this.supplementsFor(resource.url ?? '').filter((s) => supplementApplies(s, resource));
    const requestContent = this.ownerOf(resource).requestScoped || supplements.some((s) => this.ownerOf(s).requestScoped);
    return requestContent ? { supplements, sent: contentKey(resource, supplements) } : { supplements };
  }

  /** Check a resource in whichever overlay of the chain it came from. */
  private checkAll<T extends TerminologyResource>(resource: T | undefined): T | undefined {
    let registry: TerminologyRegistry | undefined = this;
    while (registry) {
      if (registry.problemOf) return registry.check(resource);
      registry = registry.parent;
    }
    return resource;
  }

  private ownerOf(resource: TerminologyResource): TerminologyRegistry {
    let registry: TerminologyRegistry | undefined = this;
    while (registry) {
      const list = registry.byUrl[resource.resourceType].get(resource.url ?? '') as TerminologyResource[] | undefined;
      if (list?.includes(resource)) return registry;
      registry = registry.parent;
    }
    return this;
  }
}

function supplementApplies(supplement: CodeSystem, base: CodeSystem): boolean {
  const target = splitCanonical(supplement.supplements ?? '');
  return target.version === undefined || target.version === base.version;
}

/** Code systems defined by a grammar get their own index; all others are indexed from their concepts. */
function buildIndex(resource: CodeSystem): CodeSystemIndex {
  if (resource.url === UCUM_URL && resource.compositional) return new UcumCodeSystem(resource);
  return new CodeSystemIndex(resource);
}

/** Of two code systems with the same url and version, a complete one is kept over a fragment. */
function isComplete(resource: TerminologyResource): boolean {
  return resource.resourceType === 'CodeSystem' && resource.content === 'complete';
}
