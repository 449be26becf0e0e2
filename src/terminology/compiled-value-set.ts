import type { ValueSet, ValueSetComposeInclude, ValueSetComposeIncludeConcept } from 'fhir/r4';
import { checkDeadline } from './deadline';
import { BoundedCache } from './bounded-cache';
import type { CodeSystemIndex, Concept } from './code-system-index';
import { codeSystemForInclude, ComposeContext, ensureUsable, enterValueSet, importedValueSet, newComposeContext, unknownSystemError } from './compose';
import { applyFilters, type CompiledFilter } from './filters';
import { issue, TerminologyError } from './issues';
import { includeFilters, includeSelects } from './membership';
import { contentHash, requestIndexBytes, type TerminologyRegistry } from './registry';
import { noVersionRules, type SystemVersionRules, type VersionRuleName } from './system-versions';
import { canonicalOf, versionMatches } from './versions';

/**
 * A value set compiled once against the code system versions it resolves to: includes, excludes,
 * filters and imported value sets evaluated once into a membership structure over the concept
 * indexes, then asked by every operation ($expand pages it, $validate-code and $translate test
 * membership in it). Compiled value sets are cached (byte-bounded LRU) under a key made of the
 * registry's fingerprint (the server's content, or the content hashes of a request's sent
 * resources: one request's resources never answer another's), the value set's content hash, and
 * the parameters that change membership (version rules, default-valueset-version, activeOnly).
 */

/** One member: a concept of one code system version, as the value set presents it. */
export interface Member {
  system: string;
  version?: string;
  code: string;
  display?: string;
  concept?: Concept;
  cs?: CodeSystemIndex;
  /** The compose.include.concept entry that lists it (its display, designations, extensions). */
  listed?: ValueSetComposeIncludeConcept;
}

export interface CompileOptions {
  versionRules?: SystemVersionRules;
  /** default-valueset-version: the version of each value set url imported without one. */
  valueSetVersions?: ReadonlyMap<string, string>;
  /** Leave out inactive concepts everywhere, imports included (the activeOnly parameter). */
  activeOnly?: boolean;
  /** Most members a value set may gather; one drawn from a single code system is paged instead. */
  maxEntries: number;
  /** Imported value sets the request has already resolved (from the same registry), so none is resolved twice. */
  imports?: Map<string, ValueSet>;
}

/** One include of one code system, whole or by property filters: members read from the index. */
export interface SingleSystem {
  system: string;
  cs: CodeSystemIndex;
  concepts: readonly Concept[];
  /** Narrowed by filters or by status (else `concepts` is the whole code system). */
  filtered: boolean;
}

const codeKey = (system: string, code: string): string => `${system}\u0000${code}`;
const memberKey = (m: Member): string => `${m.system}\u0000${m.version ?? ''}\u0000${m.code}`;

export class CompiledValueSet {
  private byCode?: Map<string, Member[]>;
  private memberBytesOf?: Map<CodeSystemIndex, Uint8Array>;

  constructor(
    readonly valueSet: ValueSet,
    private readonly entries: readonly Member[] | undefined,
    /** Set when the value set is one include of one code system without concept list, imports or excludes. */
    readonly single: SingleSystem | undefined,
    /** url|version of each code system the membership drew on. */
    readonly usedCodeSystems: ReadonlyMap<string, CodeSystemIndex>,
    /** The version parameters that decided a version. */
    readonly appliedVersionRules: ReadonlyMap<string, { name: VersionRuleName; canonical: string }>,
    /** The value sets imported along the way. */
    readonly usedValueSets: readonly ValueSet[],
    /** The default-valueset-version pins (url|version) that decided an import. */
    readonly appliedValueSetVersions: ReadonlySet<string>,
  ) {}

  get size(): number {
    return this.single ? this.single.concepts.length : (this.entries?.length ?? 0);
  }

  /** The members gathered when the value set is not one include of one code system: in expansion order, the same array every time. */
  get gathered(): readonly Member[] | undefined {
    return this.entries;
  }

  /** The members in expansion order. */
  *members(): IterableIterator<Member> {
    if (this.entries) {
      yield* this.entries;
      return;
    }
    const single = this.single as SingleSystem;
    for (const concept of single.concepts) yield singleMember(single, concept);
  }

  /** Members `start` (inclusive) to `end` (exclusive), in expansion order, built for that page only. */
  slice(start: number, end?: number): Member[] {
    if (this.entries) return this.entries.slice(start, end);
    const single = this.single as SingleSystem;
    return single.concepts.slice(start, end).map((c) => singleMember(single, c));
  }

  /**
   * Is system#code a member, and as which version and concept? The code is matched by its code
   * system's case rule; `version` (wildcards allowed) narrows the versions considered. When several
   * versions hold the code, the first in expansion order answers (see `findAll`).
   */
  find(system: string, code: string, version?: string): Member | undefined {
    return this.findAll(system, code, version)[0];
  }

  /** Every version the value set holds system#code in, in expansion order. */
  findAll(system: string, code: string, version?: string): Member[] {
    const fits = (m: Member): boolean => !version || m.version === undefined || m.version === version || versionMatches(version, m.version);
    if (this.single) {
      const { cs } = this.single;
      const concept = system === this.single.system ? cs.get(code) : undefined;
      if (!concept || !(this.single.concepts === cs.concepts || this.memberBytes(cs)?.[cs.positionOf(concept)] === 1)) return [];
      const member = singleMember(this.single, concept);
      return fits(member) ? [member] : [];
    }
    const byCode = this.codeIndex();
    const direct = byCode.get(codeKey(system, code));
    if (direct) return direct.filter(fits);
    // A case-insensitive code system knows the code under its own case.
    for (const cs of this.usedCodeSystems.values()) {
      if (cs.url !== system || cs.caseSensitive) continue;
      const concept = cs.get(code);
      const found = concept && byCode.get(codeKey(system, concept.code));
      if (found) return found.filter(fits);
    }
    return [];
  }

  /**
   * A byte per concept of one code system version (by its position in `cs.concepts`), 1 for a
   * member: what the text index's ranking reads for each match (see rankConcepts). Undefined when
   * the value set draws nothing from that version.
   */
  memberBytes(cs: CodeSystemIndex): Uint8Array | undefined {
    this.memberBytesOf ??= new Map();
    let bytes = this.memberBytesOf.get(cs);
    if (!bytes) {
      const found = new Uint8Array(cs.concepts.length);
      let any = false;
      if (this.single) {
        if (this.single.cs === cs) for (const c of this.single.concepts) found[cs.positionOf(c)] = 1;
        any = this.single.cs === cs && this.single.concepts.length > 0;
      } else {
        for (const m of this.entries ?? []) {
          if (m.cs !== cs || !m.concept) continue;
          found[cs.positionOf(m.concept)] = 1;
          any = true;
        }
      }
      if (!any) return undefined;
      bytes = found;
      this.memberBytesOf.set(cs, bytes);
    }
    return bytes;
  }

  /** Do the members come from more than one version of some code system (so each must say which)? */
  get spansVersions(): boolean {
    if (this.single) return false;
    const seen = new Map<string, string | undefined>();
    for (const m of this.entries ?? []) {
      if (seen.has(m.system) && seen.get(m.system) !== m.version) return true;
      seen.set(m.system, m.version);
    }
    return false;
  }

  /** A rough size in bytes, for the cache bound. */
  estimatedBytes(): number {
    const members = this.entries ? this.entries.length * 160 : this.single?.filtered ? this.single.concepts.length * 8 : 0;
    // a concept set and a word index of the members (for filters) built later cost about as much again each, member bytes one per concept of the system
    return 2048 + members * 3 + (this.single ? this.single.concepts.length * 40 + this.single.cs.concepts.length : 0);
  }

  private codeIndex(): Map<string, Member[]> {
    if (!this.byCode) {
      this.byCode = new Map();
      for (const m of this.entries ?? []) {
        const key = codeKey(m.system, m.code);
        const list = this.byCode.get(key);
        if (list) list.push(m);
        else this.byCode.set(key, [m]);
      }
    }
    return this.byCode;
  }
}

function singleMember(single: SingleSystem, concept: Concept): Member {
  return { system: single.system, version: single.cs.version, code: concept.code, display: concept.display, concept, cs: single.cs };
}

// ---------------------------------------------------------------------------------------------
// The cache.

const compiledValueSets = new BoundedCache<CompiledValueSet>('compiled-value-sets', 64 * 1024 * 1024);

function mapKey(map: ReadonlyMap<string, string> | undefined): string {
  return [...(map ?? new Map<string, string>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}|${v}`).join(',');
}

function cacheKey(registry: TerminologyRegistry, vs: ValueSet, options: CompileOptions): string {
  const rules = options.versionRules;
  return [
    registry.fingerprint,
    contentHash(vs),
    mapKey(rules?.force),
    mapKey(rules?.fallback),
    mapKey(rules?.check),
    mapKey(options.valueSetVersions),
    options.activeOnly === true,
    options.maxEntries,
  ].join('\n');
}

/** The compiled value set, from the cache or compiled now; a value set that cannot be compiled throws its TerminologyError. */
export function compileValueSet(registry: TerminologyRegistry, vs: ValueSet, options: CompileOptions): CompiledValueSet {
  const key = cacheKey(registry, vs, options);
  const cached = compiledValueSets.get(key);
  if (cached) return cached;
  const ctx = newComposeContext(registry, options.versionRules ?? noVersionRules(), options.valueSetVersions);
  if (options.imports) ctx.imports = options.imports;
  const usedValueSets: ValueSet[] = [];
  const single = singleSystem(ctx, vs, options);
  const entries = single ? undefined : gather(ctx, vs, { ...options, usedValueSets });
  const compiled = new CompiledValueSet(vs, entries, single, ctx.usedCodeSystems, ctx.appliedVersionRules, usedValueSets, ctx.appliedValueSetVersions);
  // what it keeps alive counts too: the indexes of code systems sent with the request
  let bytes = compiled.estimatedBytes();
  for (const cs of new Set([...ctx.usedCodeSystems.values(), ...(single ? [single.cs] : [])])) bytes += requestIndexBytes(cs);
  compiledValueSets.set(key, compiled, bytes);
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// Compilation.

interface Gathering extends CompileOptions {
  usedValueSets: ValueSet[];
}

const leavesOutInactive = (vs: ValueSet, options: CompileOptions): boolean => vs.compose?.inactive === false || options.activeOnly === true;

function singleSystem(ctx: ComposeContext, vs: ValueSet, options: CompileOptions): SingleSystem | undefined {
  const include = vs.compose?.include;
  if (!include || include.length !== 1 || vs.compose?.exclude?.length) return undefined;
  const only = include[0] as ValueSetComposeInclude;
  if (!only.system || only.concept || only.valueSet?.length) return undefined;
  const leave = enterValueSet(ctx, vs);
  try {
    const { cs, version } = codeSystemForInclude(ctx, only.system, only.version);
    if (!cs) throw unknownSystemError(ctx, only.system, version, true);
    ensureUsable(cs);
    const filters = includeFilters(cs, only);
    let concepts: readonly Concept[] = filters.length ? applyFilters(cs, filters) : cs.concepts;
    if (leavesOutInactive(vs, options)) concepts = concepts.filter((c) => !c.inactive);
    return { system: only.system, cs, concepts, filtered: concepts !== cs.concepts };
  } finally {
    leave();
  }
}

function tooCostly(canonical: string, limit: number): TerminologyError {
  return new TerminologyError(issue('VALUESET_TOO_COSTLY', [canonical, limit]));
}

/**
 * The members of a value set: the union of its includes, each the intersection of its code system
 * part and its imported value sets, less its excludes. The same code in two versions of one code
 * system is two members. An exclude that states a version removes that version's member; one that
 * states none removes the code from every version.
 */
function gather(ctx: ComposeContext, vs: ValueSet, options: Gathering): Member[] {
  const leave = enterValueSet(ctx, vs);
  try {
    if (!vs.compose) return flattenExpansion(vs);
    const members = new Map<string, Member>();
    for (const include of vs.compose.include) {
      for (const m of includeMembers(ctx, include, options)) {
        checkDeadline();
        if (!members.has(memberKey(m))) members.set(memberKey(m), m);
        if (members.size > options.maxEntries) throw tooCostly(canonicalOf(vs), options.maxEntries);
      }
    }
    for (const exclude of vs.compose.exclude ?? []) {
      if (exclude.system && !exclude.version && !exclude.valueSet?.length) excludeEveryVersion(ctx, exclude.system, exclude, members);
      else excludeMembers(ctx, exclude, options, members);
    }
    const all = [...members.values()];
    return leavesOutInactive(vs, options) ? all.filter((m) => !m.concept?.inactive) : all;
  } finally {
    leave();
  }
}

/** An exclude that states no version: what it selects goes from every version of its code system, each judged by its own index. */
function excludeEveryVersion(ctx: ComposeContext, system: string, exclude: ValueSetComposeInclude, members: Map<string, Member>): void {
  const { cs, version } = codeSystemForInclude(ctx, system, undefined);
  if (!cs) throw unknownSystemError(ctx, system, version, true);
  ensureUsable(cs);
  const filters = new Map<CodeSystemIndex, CompiledFilter[]>();
  for (const [key, m] of members) {
    if (m.system !== system || !m.cs || !m.concept) continue;
    let compiled = filters.get(m.cs);
    if (!compiled) filters.set(m.cs, (compiled = includeFilters(m.cs, exclude)));
    if (includeSelects(m.cs, exclude, m.concept, compiled)) members.delete(key);
  }
}

/** An exclude that states a version, or imports value sets: its members go, matched by code in the same version. */
function excludeMembers(ctx: ComposeContext, exclude: ValueSetComposeInclude, options: Gathering, members: Map<string, Member>): void {
  const removed = new Map<string, Set<string | undefined>>();
  for (const r of includeMembers(ctx, exclude, { ...options, maxEntries: Number.MAX_SAFE_INTEGER })) {
    const key = codeKey(r.system, r.code);
    removed.set(key, (removed.get(key) ?? new Set()).add(r.version));
  }
  for (const [key, m] of members) {
    const versions = removed.get(codeKey(m.system, m.code));
    if (versions && (m.version === undefined || versions.has(undefined) || versions.has(m.version))) members.delete(key);
  }
}

function flattenExpansion(vs: ValueSet): Member[] {
  const out: Member[] = [];
  const walk = (list: NonNullable<ValueSet['expansion']>['contains']): void => {
    for (const c of list ?? []) {
      if (c.system && c.code) out.push({ system: c.system, version: c.version, code: c.code, display: c.display });
      walk(c.contains);
    }
  };
  walk(vs.expansion?.contains);
  return out;
}

function includeMembers(ctx: ComposeContext, include: ValueSetComposeInclude, options: Gathering): Member[] {
  let members: Member[] | undefined;
  if (include.system) {
    const system = include.system;
    const { cs, version } = codeSystemForInclude(ctx, system, include.version);
    if (!cs) throw unknownSystemError(ctx, system, version, true);
    ensureUsable(cs);
    if (include.concept) {
      members = [];
      for (const listed of include.concept) {
        const concept = cs.get(listed.code);
        if (concept) members.push({ system, version: cs.version, code: concept.code, display: listed.display ?? concept.display, concept, cs, listed });
      }
    } else {
      const filters = includeFilters(cs, include);
      if (!filters.length && cs.size > options.maxEntries) throw tooCostly(canonicalOf(cs), options.maxEntries);
      const concepts = filters.length ? applyFilters(cs, filters) : cs.concepts;
      members = concepts.map((concept) => ({ system, version: cs.version, code: concept.code, display: concept.display, concept, cs }));
    }
  }
  for (const canonical of include.valueSet ?? []) {
    const importedVs = importedValueSet(ctx, canonical);
    if (!options.usedValueSets.includes(importedVs)) options.usedValueSets.push(importedVs);
    const imported = gather(ctx, importedVs, options);
    if (members === undefined) members = imported;
    else {
      const keep = new Set(imported.map((m) => codeKey(m.system, m.code)));
      members = members.filter((m) => keep.has(codeKey(m.system, m.code)));
    }
  }
  return members ?? [];
}
