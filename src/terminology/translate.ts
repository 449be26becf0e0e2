import type { Coding, ConceptMap, ConceptMapGroup } from 'fhir/r4';
import type { CompiledValueSet } from './compiled-value-set';
import { checkDeadline } from './deadline';
import { canonicalOf, splitCanonical } from './versions';

export type Equivalence = NonNullable<NonNullable<ConceptMapGroup['element'][number]['target']>[number]['equivalence']>;

export interface TranslateInput {
  /** The maps to use: one named by the request, or the candidates the registry holds. */
  conceptMaps: ConceptMap[];
  codings: Array<{ system?: string; version?: string; code?: string }>;
  /** Only answers from this code system. */
  targetSystem?: string;
  /** Read the maps backwards: the codings are target concepts, the answers their sources. */
  reverse: boolean;
  /** The value set the answers must belong to (the compiled value set the request names as the translation's target). */
  answersFrom?: CompiledValueSet;
  /** The map a group's `unmapped` (mode other-map) names, by canonical url. */
  otherMap?: (canonical: string) => ConceptMap | undefined;
  /** What the request states about the concept's context (the dependency parameter), to choose among mappings read forwards. */
  dependencies?: readonly MapDependency[];
}

/** A dependency the request states: an element (a property, as a mapping's dependsOn names it) and the values it has. */
export interface MapDependency {
  element: string;
  values: ReadonlyArray<{ system?: string; code: string }>;
}

/** One answer of a translation; made once for each mapping and direction, and frozen (read only). */
export interface TranslateMatch {
  /** How the concept asked about relates to `concept`: reversed (wider <-> narrower ...) when reading a map backwards. */
  readonly equivalence: Equivalence;
  /** The answer: a target concept, or a source concept when reading backwards (shared with the map's index: read only). */
  readonly concept?: Readonly<Coding>;
  /** The mapping as the map states it, source -> target, whichever way it was read. */
  readonly mapping: { readonly source: Readonly<Coding>; readonly target?: Readonly<Coding>; readonly equivalence: Equivalence };
  /** The map the answer comes from, as url|version. */
  readonly originMap: string;
  readonly comment?: string;
  /** Other elements the mapping produces (target.product), as the map states them. */
  readonly products?: readonly MapTargetElement[];
  /** What the mapping holds under (target.dependsOn), as the map states it. */
  readonly dependsOn?: readonly MapTargetElement[];
}

export interface TranslateResult {
  result: boolean;
  message?: string;
  matches: TranslateMatch[];
}

const REVERSED: Partial<Record<Equivalence, Equivalence>> = {
  wider: 'narrower',
  narrower: 'wider',
  subsumes: 'specializes',
  specializes: 'subsumes',
};

const NOT_A_MATCH = new Set<Equivalence>(['unmatched', 'disjoint']);

function scopeMatches(wanted: string | undefined, canonical: string | undefined): boolean {
  if (!wanted) return true;
  if (!canonical) return false;
  return splitCanonical(wanted).url === splitCanonical(canonical).url;
}

/** The value sets a translate request names (source/target, R5 sourceScope/targetScope). */
export interface TranslateScope {
  source?: string;
  target?: string;
}

/**
 * How a translate request named its concept: as a source (forward), as a target with R4's
 * reverse=true, or as a target concept with R5's targetCode/targetCoding/targetCodeableConcept.
 */
export type TranslateDirection = 'forward' | 'reverse' | 'by-target';

/** Whether the maps are read backwards (target -> source) for this direction. */
export function readsBackwards(direction: TranslateDirection): boolean {
  return direction !== 'forward';
}

/** The scopes a request names, in the map's own direction (source -> target). */
function mapScope(named: TranslateScope, direction: TranslateDirection): TranslateScope {
  return direction === 'reverse' ? { source: named.target, target: named.source } : named;
}

/** The value set the answers must come from: the map's target scope read forwards, its source scope read backwards. */
export function answerScope(named: TranslateScope, direction: TranslateDirection): string | undefined {
  const scope = mapScope(named, direction);
  return readsBackwards(direction) ? scope.source : scope.target;
}

/**
 * The maps a translate request considers when it names none: those whose declared source and
 * target value sets (ConceptMap.source[x], target[x]) are the ones the request names. With R4's
 * reverse=true, `source` is the value set of the concept named, i.e. the map's target; R5's
 * scopes are always the map's own.
 */
export function candidateMaps(maps: ConceptMap[], named: TranslateScope, direction: TranslateDirection): ConceptMap[] {
  const scope = mapScope(named, direction);
  return maps.filter(
    (cm) => scopeMatches(scope.source, cm.sourceUri ?? cm.sourceCanonical) && scopeMatches(scope.target, cm.targetUri ?? cm.targetCanonical),
  );
}

function coding(system: string | undefined, version: string | undefined, code: string | undefined, display?: string): Coding {
  // the usual case in one step (one object shape, no growth)
  if (system && version && code && display) return { system, version, code, display };
  const c: Coding = {};
  if (system) c.system = system;
  if (version) c.version = version;
  if (code) c.code = code;
  if (display) c.display = display;
  return c;
}

type MapElement = ConceptMapGroup['element'][number];
type MapTarget = NonNullable<MapElement['target']>[number];
/** A dependsOn or product of a mapping: an element (property), and its value in a code system or as text. */
export type MapTargetElement = NonNullable<MapTarget['product']>[number];

/** One mapping of a group (an element and one of its targets); its source and target concepts as Codings, and its match each way, are made when first asked for, once. */
interface Mapping {
  group: ConceptMapGroup;
  element: MapElement;
  target: MapTarget;
  source?: Readonly<Coding>;
  mapped?: Readonly<Coding>;
  forward?: TranslateMatch;
  backward?: TranslateMatch;
}

function sourceCoding(m: Mapping): Readonly<Coding> {
  return (m.source ??= coding(m.group.source, m.group.sourceVersion, m.element.code, m.element.display));
}

function targetCoding(m: Mapping): Readonly<Coding> | undefined {
  if (!m.target.code) return undefined;
  return (m.mapped ??= coding(m.group.target, m.group.targetVersion, m.target.code, m.target.display));
}

/** One group of a map, looked up by code: its mappings by source code and by target code (in the map's order), and the source codes it has elements for. */
interface GroupIndex {
  bySource: Map<string, Mapping[]>;
  byTarget: Map<string, Mapping[]>;
  sourceCodes: Set<string>;
}

const groupIndexes = new WeakMap<ConceptMapGroup, GroupIndex>();

/** Elements indexed between two points where the building may pause (see mapIndexSteps). */
const ELEMENTS_PER_STEP = 20_000;

/** Build a group's index, pausing every ELEMENTS_PER_STEP elements; it is kept as long as the group is. */
function* indexGroup(group: ConceptMapGroup): Generator<void, GroupIndex> {
  const built = groupIndexes.get(group);
  if (built) return built;
  const index: GroupIndex = { bySource: new Map(), byTarget: new Map(), sourceCodes: new Set() };
  const add = (map: Map<string, Mapping[]>, code: string, mapping: Mapping): void => {
    const list = map.get(code);
    if (list) list.push(mapping);
    else map.set(code, [mapping]);
  };
  let elements = 0;
  for (const element of group.element ?? []) {
    checkDeadline();
    if (element.code !== undefined) index.sourceCodes.add(element.code);
    for (const target of element.target ?? []) {
      const mapping: Mapping = { group, element, target };
      if (element.code !== undefined) add(index.bySource, element.code, mapping);
      if (target.code !== undefined) add(index.byTarget, target.code, mapping);
    }
    if (++elements % ELEMENTS_PER_STEP === 0) yield;
  }
  groupIndexes.set(group, index);
  return index;
}

/** A group's index, built on first use and kept as long as the group is (a map sent with a request is indexed for that request). */
function groupIndex(group: ConceptMapGroup): GroupIndex {
  const steps = indexGroup(group);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/**
 * Index a map's groups ahead of a translation, a step at a time: the caller may take a turn of the
 * event loop after each step (a map of 200,000 elements takes about 300 ms to index).
 */
export function* mapIndexSteps(map: ConceptMap): Generator<void, void> {
  for (const group of map.group ?? []) yield* indexGroup(group);
}

/** $translate, forward (source code -> targets) or reverse (target code -> sources). */
export function translate(input: TranslateInput): TranslateResult {
  const matches: TranslateMatch[] = [];
  for (const asked of input.codings) {
    if (asked.code) matches.push(...matchesIn(input.conceptMaps, asked as { system?: string; version?: string; code: string }, input, new Set()));
  }
  const result = matches.some((m) => !NOT_A_MATCH.has(m.equivalence));
  const out: TranslateResult = { result, matches };
  const unstated = input.reverse ? [] : unstatedDependencies(matches, input.dependencies);
  if (result && unstated.length) {
    // R4: a message with result=true carries hints, "e.g. a note that the matches could be improved by providing additional detail"
    out.message = `Some matches hold only under conditions on ${unstated.join(', ')}; state ${unstated.length > 1 ? 'them' : 'it'} with the 'dependency' parameter to keep only the matches that apply`;
  }
  if (!result) {
    const what = input.codings.map((c) => `${c.system ?? ''}#${c.code ?? ''}`).join(', ');
    out.message = `No ${input.reverse ? 'reverse ' : ''}translation found for ${what}${input.targetSystem ? ` to ${input.targetSystem}` : ''}`;
  }
  return out;
}

/** The matches for one concept in the maps given (and, forward, in the maps their groups name for unmapped codes; each map once). */
function matchesIn(maps: ConceptMap[], asked: { system?: string; version?: string; code: string }, input: TranslateInput, visited: Set<ConceptMap>): TranslateMatch[] {
  const matches: TranslateMatch[] = [];
  for (const cm of maps) {
    if (visited.has(cm)) continue;
    visited.add(cm);
    const originMap = canonicalOf(cm);
    for (const group of cm.group ?? []) {
      const fromSystem = input.reverse ? group.target : group.source;
      const toSystem = input.reverse ? group.source : group.target;
      if (asked.system && fromSystem !== asked.system) continue;
      if (input.targetSystem && toSystem !== input.targetSystem) continue;
      const index = groupIndex(group);
      for (const mapping of (input.reverse ? index.byTarget : index.bySource).get(asked.code) ?? []) {
        const match = matchOf(mapping, input.reverse, originMap);
        const answer = match.concept;
        if (answer?.system && input.answersFrom && !input.answersFrom.find(answer.system, answer.code as string, answer.version)) continue;
        if (!input.reverse && input.dependencies && !dependenciesAllow(match.dependsOn, input.dependencies)) continue;
        matches.push(match);
      }
      if (!input.reverse && group.unmapped && !index.sourceCodes.has(asked.code)) {
        const other = group.unmapped.mode === 'other-map' && group.unmapped.url ? input.otherMap?.(group.unmapped.url) : undefined;
        if (other) matches.push(...matchesIn([other], asked, input, visited));
        else {
          const unmapped = unmappedMatch(group, asked.code, originMap);
          if (unmapped) matches.push(unmapped);
        }
      }
    }
  }
  return matches;
}

/** A mapping's match read forwards or backwards: the same each time it is asked for, so made once and frozen. */
function matchOf(mapping: Mapping, reverse: boolean, originMap: string): TranslateMatch {
  const made = reverse ? mapping.backward : mapping.forward;
  if (made?.originMap === originMap) return made; // (a group shared by two maps is answered for each)
  const { target } = mapping;
  const source = sourceCoding(mapping);
  const mapped = targetCoding(mapping);
  const answer = reverse ? source : mapped;
  const match: TranslateMatch = Object.freeze({
    equivalence: reverse ? (REVERSED[target.equivalence] ?? target.equivalence) : target.equivalence,
    mapping: Object.freeze({ source, target: mapped, equivalence: target.equivalence }),
    originMap,
    ...(answer?.code ? { concept: answer } : {}),
    ...(target.comment ? { comment: target.comment } : {}),
    ...(target.product?.length ? { products: target.product } : {}),
    ...(target.dependsOn?.length ? { dependsOn: target.dependsOn } : {}),
  });
  if (reverse) mapping.backward = match;
  else mapping.forward = match;
  return match;
}

/**
 * Whether a mapping holds for what the request states (R4: "only applicable if the specified
 * element can be resolved, and it has the specified value"): each dependsOn whose element the
 * request gives must have one of the values given. A dependsOn the request says nothing about
 * does not decide; the answer's message names it (see unstatedDependencies).
 */
function dependenciesAllow(dependsOn: readonly MapTargetElement[] | undefined, stated: readonly MapDependency[]): boolean {
  for (const condition of dependsOn ?? []) {
    const given = stated.filter((d) => d.element === condition.property);
    if (given.length === 0) continue;
    const holds = given.some((d) => d.values.some((v) => v.code === condition.value && (!condition.system || !v.system || v.system === condition.system)));
    if (!holds) return false;
  }
  return true;
}

/** The elements the matches found depend on (read forwards) that the request does not state, in the order first met. */
function unstatedDependencies(matches: readonly TranslateMatch[], stated: readonly MapDependency[] | undefined): string[] {
  const elements = new Set<string>();
  for (const m of matches) for (const d of m.dependsOn ?? []) if (!stated?.some((s) => s.element === d.property)) elements.add(d.property);
  return [...elements];
}

/** group.unmapped for a source code the group has no element for: a fixed code, or the code itself. */
function unmappedMatch(group: ConceptMapGroup, code: string, originMap: string): TranslateMatch | undefined {
  const u = group.unmapped;
  const source = coding(group.source, group.sourceVersion, code);
  if (u?.mode === 'fixed' && u.code) {
    const concept = coding(group.target, group.targetVersion, u.code, u.display);
    return { equivalence: 'inexact', concept, mapping: { source, target: concept, equivalence: 'inexact' }, originMap };
  }
  if (u?.mode === 'provided') {
    const concept = coding(group.target, group.targetVersion, code);
    return { equivalence: 'equal', concept, mapping: { source, target: concept, equivalence: 'equal' }, originMap };
  }
  return undefined;
}
