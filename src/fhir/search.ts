import { readFileSync } from 'node:fs';
import { r4DefinitionsFile } from './definitions';
import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4';
import type { Bundle, BundleEntry, Coding, ElementDefinition, FhirResource, Meta, Resource, SearchParameter } from 'fhir/r4';
import { clientError } from './operation-outcome';
import { structureDefinition } from './resource-validation';

/**
 * Search over in-memory conformance resources, driven by the official R4 SearchParameter
 * definitions (their FHIRPath expressions), plus `_summary` and the searchset Bundle.
 */
export type SearchableType = 'CodeSystem' | 'ValueSet' | 'ConceptMap';

export type SearchQuery = Record<string, string | string[] | undefined>;

export type SummaryMode = 'true' | 'false' | 'text' | 'data' | 'count';

type JsonObject = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Result and control parameters: the HTTP edge handles them, searching ignores them. */
const RESULT_PARAMETERS = new Set([
  '_count',
  '_summary',
  '_format',
  '_pretty',
  '_sort',
  '_elements',
  '_include',
  '_revinclude',
  '_total',
  '_contained',
  '_containedType',
  '_offset',
]);

type SearchParameterType = SearchParameter['type'];

interface SearchDefinition {
  code: string;
  type: SearchParameterType;
  evaluate?: (resource: JsonObject) => unknown[];
}

/**
 * Search: the resources matching the query. A parameter not defined for the type is ignored, as
 * FHIR says a server may, unless `strict` (Prefer: handling=strict), where it is a 400 naming it.
 */
export function searchResources<T extends Resource>(
  resourceType: SearchableType,
  resources: T[],
  query: SearchQuery,
  strict = false,
): T[] {
  const criteria = parseQuery(resourceType, query, strict);
  if (criteria.length === 0) return [...resources];
  return resources.filter((resource) =>
    criteria.every((criterion) => criterion.matches(valuesOf(criterion.definition, resource as unknown as JsonObject))),
  );
}

// ---------------------------------------------------------------------------------------------
// Definitions

let definitionsByType: Map<string, Map<string, SearchDefinition>> | undefined;

function searchDefinitions(resourceType: SearchableType): Map<string, SearchDefinition> {
  definitionsByType ??= loadSearchDefinitions();
  return definitionsByType.get(resourceType) ?? new Map();
}

function loadSearchDefinitions(): Map<string, Map<string, SearchDefinition>> {
  const file = r4DefinitionsFile('search-parameters.json');
  const bundle = JSON.parse(readFileSync(file, 'utf8')) as Bundle<SearchParameter>;
  const types: SearchableType[] = ['CodeSystem', 'ValueSet', 'ConceptMap'];
  const byType = new Map(types.map((type) => [type, new Map<string, SearchDefinition>()]));
  for (const entry of bundle.entry ?? []) {
    const parameter = entry.resource;
    if (parameter?.resourceType !== 'SearchParameter') continue;
    for (const type of types) {
      const applies = parameter.base.includes(type) || parameter.base.includes('Resource');
      if (!applies) continue;
      byType.get(type)?.set(parameter.code, {
        code: parameter.code,
        type: parameter.type,
        evaluate: parameter.expression ? compileExpression(expressionFor(parameter.expression, type)) : undefined,
      });
    }
  }
  return byType;
}

/**
 * The part of a shared expression (`CapabilityStatement.url | CodeSystem.url | ...`) that can
 * apply to the type, so each evaluation walks one branch, not fourteen.
 */
function expressionFor(expression: string, resourceType: string): string {
  const branches = splitTopLevel(expression, '|').map((branch) => branch.trim());
  const own = branches
    .map((branch) => branch.replace(/^(\(?)Resource\./, `$1${resourceType}.`))
    .filter((branch) => branch.startsWith(`${resourceType}.`) || branch.startsWith(`(${resourceType}.`));
  return own.length > 0 ? own.join(' | ') : expression;
}

function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "'" && text[index - 1] !== '\\') quoted = !quoted;
    else if (quoted) continue;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === separator && depth === 0) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function compileExpression(expression: string): ((resource: JsonObject) => unknown[]) | undefined {
  try {
    const evaluator = fhirpath.compile(expression, r4model, { async: false });
    return (resource) => evaluator(resource) as unknown[];
  } catch {
    return undefined;
  }
}

/** Content is immutable once loaded, so what a parameter selects from a resource is kept. */
const valueCache = new WeakMap<object, Map<string, unknown[]>>();

function valuesOf(definition: SearchDefinition, resource: JsonObject): unknown[] {
  let cached = valueCache.get(resource);
  if (!cached) {
    cached = new Map();
    valueCache.set(resource, cached);
  }
  let values = cached.get(definition.code);
  if (!values) {
    values = definition.evaluate ? definition.evaluate(resource) : [];
    cached.set(definition.code, values);
  }
  return values;
}

// ---------------------------------------------------------------------------------------------
// Query parsing

interface Criterion {
  definition: SearchDefinition;
  matches: (values: unknown[]) => boolean;
}

function parseQuery(resourceType: SearchableType, query: SearchQuery, strict: boolean): Criterion[] {
  const definitions = searchDefinitions(resourceType);
  const criteria: Criterion[] = [];
  for (const [name, raw] of Object.entries(query)) {
    if (raw === undefined || RESULT_PARAMETERS.has(name)) continue;
    const [code = '', modifier] = name.split(':', 2) as [string, string | undefined];
    const definition = definitions.get(code);
    if (!definition) {
      if (!strict) continue;
      throw clientError('SEARCH_PARAMETER_UNKNOWN', [name, resourceType], name);
    }
    if (!definition.evaluate) throw clientError('SEARCH_PARAMETER_NOT_SUPPORTED', [code], name);
    // A repeated parameter is AND; commas within one value are OR.
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (value === '') continue;
      criteria.push({ definition, matches: valueMatcher(definition, name, modifier, value) });
    }
  }
  return criteria;
}

function valueMatcher(
  definition: SearchDefinition,
  name: string,
  modifier: string | undefined,
  value: string,
): (values: unknown[]) => boolean {
  if (modifier === 'missing') {
    if (value !== 'true' && value !== 'false') throw clientError('SEARCH_NOT_BOOLEAN', [name], name);
    const missing = value === 'true';
    return (values) => (values.length === 0) === missing;
  }
  const alternatives = splitValues(value);
  let matchOne: (values: unknown[], alternative: string) => boolean;
  switch (definition.type) {
    case 'string':
      matchOne = stringMatcher(name, modifier);
      break;
    case 'token':
      if (modifier === 'not') {
        const positive = tokenMatcher(name, undefined);
        return (values) => !alternatives.some((alternative) => positive(values, alternative));
      }
      matchOne = tokenMatcher(name, modifier);
      break;
    case 'uri':
      matchOne = uriMatcher(name, modifier);
      break;
    case 'reference':
      matchOne = referenceMatcher(name, modifier);
      break;
    case 'date': {
      if (modifier) throw unsupportedModifier(name, modifier);
      const ranges = alternatives.map((alternative) => parseDateCriterion(name, alternative));
      return (values) => ranges.some((criterion) => values.some((resourceValue) => dateMatches(resourceValue, criterion)));
    }
    default:
      throw clientError('SEARCH_PARAMETER_TYPE_NOT_SUPPORTED', [definition.code, definition.type], name);
  }
  return (values) => alternatives.some((alternative) => matchOne(values, alternative));
}

/** Splits on commas not escaped with a backslash, and unescapes `\,` `\|` `\$` `\\`. */
function splitValues(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    if (char === '\\' && index + 1 < value.length) {
      current += `\\${value[++index]}`;
    } else if (char === ',') {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.filter((part) => part !== '');
}

/** Splits on the first `|` that is not escaped; unescapes both halves. */
function splitSystem(value: string): [string | undefined, string] {
  for (let index = 0; index < value.length; index++) {
    if (value[index] === '\\') index++;
    else if (value[index] === '|') return [unescape(value.slice(0, index)), unescape(value.slice(index + 1))];
  }
  return [undefined, unescape(value)];
}

const unescape = (value: string): string => value.replace(/\\(.)/g, '$1');

const unsupportedModifier = (name: string, modifier: string) =>
  clientError('SEARCH_MODIFIER_NOT_SUPPORTED', [modifier, name.split(':')[0]], name);

// ---------------------------------------------------------------------------------------------
// Matching per parameter type

/** Case- and accent-insensitive, as FHIR string search asks. */
function normalize(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function stringLeaves(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringLeaves(item, into);
  else if (isObject(value)) for (const key in value) stringLeaves(value[key], into);
  return into;
}

function stringMatcher(name: string, modifier: string | undefined): (values: unknown[], alternative: string) => boolean {
  switch (modifier) {
    case undefined:
      return (values, alternative) => {
        const wanted = normalize(unescape(alternative));
        return stringLeaves(values).some((text) => normalize(text).startsWith(wanted));
      };
    case 'exact':
      return (values, alternative) => stringLeaves(values).includes(unescape(alternative));
    case 'contains':
      return (values, alternative) => {
        const wanted = normalize(unescape(alternative));
        return stringLeaves(values).some((text) => normalize(text).includes(wanted));
      };
    default:
      throw unsupportedModifier(name, modifier);
  }
}

interface Token {
  system?: string;
  code?: string;
  text?: string;
}

/** What a token parameter can select: code, Coding, CodeableConcept, Identifier, ContactPoint, boolean. */
function tokensOf(value: unknown): Token[] {
  if (typeof value === 'string') return [{ code: value }];
  if (typeof value === 'boolean' || typeof value === 'number') return [{ code: String(value) }];
  if (!isObject(value)) return [];
  if (Array.isArray(value.coding)) {
    return [
      ...(value.coding as Coding[]).map((coding) => ({ system: coding.system, code: coding.code, text: coding.display })),
      ...(typeof value.text === 'string' ? [{ text: value.text }] : []),
    ];
  }
  const code = typeof value.code === 'string' ? value.code : typeof value.value === 'string' ? value.value : undefined;
  const system = typeof value.system === 'string' ? value.system : undefined;
  const text = typeof value.display === 'string' ? value.display : undefined;
  return code !== undefined || text !== undefined ? [{ system, code, text }] : [];
}

function tokenMatcher(name: string, modifier: string | undefined): (values: unknown[], alternative: string) => boolean {
  if (modifier === 'text') {
    return (values, alternative) => {
      const wanted = normalize(unescape(alternative));
      return values.flatMap(tokensOf).some((token) => token.text !== undefined && normalize(token.text).startsWith(wanted));
    };
  }
  if (modifier !== undefined) throw unsupportedModifier(name, modifier);
  return (values, alternative) => {
    const [system, code] = splitSystem(alternative);
    return values.flatMap(tokensOf).some((token) => {
      if (system === undefined) return token.code === code;
      // `|code`: no system; `system|`: any code of the system; a bare code element has no
      // system of its own, so `system|code` matches on the code.
      if (system === '') return token.system === undefined && token.code === code;
      if (code === '') return token.system === system;
      return (token.system === undefined || token.system === system) && token.code === code;
    });
  };
}

function uriMatcher(name: string, modifier: string | undefined): (values: unknown[], alternative: string) => boolean {
  const uris = (values: unknown[]): string[] => values.filter((value): value is string => typeof value === 'string');
  switch (modifier) {
    case undefined:
      return (values, alternative) => uris(values).includes(unescape(alternative));
    case 'below':
      return (values, alternative) => uris(values).some((uri) => isPathPrefix(unescape(alternative), uri));
    case 'above':
      return (values, alternative) => uris(values).some((uri) => isPathPrefix(uri, unescape(alternative)));
    default:
      throw unsupportedModifier(name, modifier);
  }
}

/** `http://a/b` is a prefix of `http://a/b` and `http://a/b/c`, not of `http://a/bc`. */
function isPathPrefix(prefix: string, uri: string): boolean {
  const trimmed = prefix.replace(/\/+$/, '');
  return uri === trimmed || uri.startsWith(`${trimmed}/`);
}

function referenceMatcher(name: string, modifier: string | undefined): (values: unknown[], alternative: string) => boolean {
  if (modifier !== undefined) throw unsupportedModifier(name, modifier);
  return (values, alternative) => {
    const wanted = unescape(alternative);
    const [wantedUrl, wantedVersion] = splitCanonical(wanted);
    return values.some((value) => {
      if (typeof value === 'string') {
        // A canonical: `url` matches every version, `url|version` only that one.
        const [url, version] = splitCanonical(value);
        return url === wantedUrl && (wantedVersion === undefined || version === wantedVersion);
      }
      if (isObject(value) && typeof value.reference === 'string') {
        const reference = value.reference;
        return reference === wanted || reference.endsWith(`/${wanted}`) || wanted.endsWith(`/${reference}`);
      }
      return false;
    });
  };
}

function splitCanonical(canonical: string): [string, string | undefined] {
  const bar = canonical.indexOf('|');
  return bar < 0 ? [canonical, undefined] : [canonical.slice(0, bar), canonical.slice(bar + 1)];
}

// ---------------------------------------------------------------------------------------------
// Dates

type DatePrefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

interface DateCriterion {
  prefix: DatePrefix;
  range: DateRange;
}

/** [low, high) in epoch milliseconds. */
interface DateRange {
  low: number;
  high: number;
}

const DATE_PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

function parseDateCriterion(name: string, alternative: string): DateCriterion {
  const match = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/.exec(alternative);
  const prefix = (match?.[1] ?? 'eq') as DatePrefix;
  const range = dateRange(match?.[2] ?? '');
  if (!range) throw clientError('SEARCH_DATE_INVALID', [alternative, name], name);
  return { prefix, range };
}

/** The instants a FHIR date, dateTime or instant stands for, at its precision. */
function dateRange(text: string): DateRange | undefined {
  const match = DATE_PATTERN.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const y = Number(year);
  const m = month ? Number(month) - 1 : 0;
  const d = day ? Number(day) : 1;
  if (m > 11 || d < 1 || d > new Date(Date.UTC(y, m + 1, 0)).getUTCDate()) return undefined;
  if (hour === undefined) {
    const low = Date.UTC(y, m, d);
    const high = day ? Date.UTC(y, m, d + 1) : month ? Date.UTC(y, m + 1, 1) : Date.UTC(y + 1, 0, 1);
    return { low, high };
  }
  const h = Number(hour);
  const min = Number(minute);
  const s = second ? Number(second) : 0;
  if (h > 23 || min > 59 || s > 59) return undefined;
  const ms = fraction ? Math.floor(Number(fraction) * 1000) : 0;
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const low = Date.UTC(y, m, d, h, min, s, ms) - offsetMinutes * 60_000;
  const width = fraction ? 1 : second ? 1000 : 60_000;
  return { low, high: low + width };
}

function resourceDateRange(value: unknown): DateRange | undefined {
  if (typeof value === 'string') return dateRange(value);
  if (isObject(value) && ('start' in value || 'end' in value)) {
    const start = typeof value.start === 'string' ? dateRange(value.start) : undefined;
    const end = typeof value.end === 'string' ? dateRange(value.end) : undefined;
    return { low: start?.low ?? -Infinity, high: end?.high ?? Infinity };
  }
  return undefined;
}

/** The comparisons of FHIR R4 date search (3.1.1.4.2 and the prefix table). */
function dateMatches(value: unknown, { prefix, range: wanted }: DateCriterion): boolean {
  const actual = resourceDateRange(value);
  if (!actual) return false;
  const within = actual.low >= wanted.low && actual.high <= wanted.high;
  switch (prefix) {
    case 'eq':
      return within;
    case 'ne':
      return !within;
    case 'gt':
      return actual.high > wanted.high;
    case 'lt':
      return actual.low < wanted.low;
    case 'ge':
      return actual.high > wanted.high || within;
    case 'le':
      return actual.low < wanted.low || within;
    case 'sa':
      return actual.low >= wanted.high;
    case 'eb':
      return actual.high <= wanted.low;
    case 'ap':
      return actual.low < wanted.high && actual.high > wanted.low;
  }
}

// ---------------------------------------------------------------------------------------------
// _summary

const SUBSETTED: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

interface SummaryElement {
  /** JSON name, or for a choice its prefix. */
  name: string;
  choice: boolean;
  isSummary: boolean;
  min: number;
  path: string;
}

const summaryTables = new Map<string, Map<string, SummaryElement[]>>();

function summaryTable(resourceType: string): Map<string, SummaryElement[]> {
  let table = summaryTables.get(resourceType);
  if (!table) {
    table = new Map();
    const elements: ElementDefinition[] = structureDefinition(resourceType)?.snapshot?.element ?? [];
    for (const element of elements) {
      const lastDot = element.path.lastIndexOf('.');
      if (lastDot < 0) continue;
      const segment = element.path.slice(lastDot + 1);
      const entry: SummaryElement = {
        name: segment.replace(/\[x\]$/, ''),
        choice: segment.endsWith('[x]'),
        isSummary: element.isSummary === true,
        min: element.min ?? 0,
        path: element.contentReference ? element.contentReference.replace(/^#/, '') : element.path,
      };
      const parent = element.path.slice(0, lastDot);
      const siblings = table.get(parent);
      if (siblings) siblings.push(entry);
      else table.set(parent, [entry]);
    }
    summaryTables.set(resourceType, table);
  }
  return table;
}

function elementFor(elements: SummaryElement[], key: string): SummaryElement | undefined {
  const name = key.startsWith('_') ? key.slice(1) : key;
  return elements.find((element) =>
    element.choice ? name.startsWith(element.name) && /^[A-Z]/.test(name.slice(element.name.length)) : element.name === name,
  );
}

/** The summary elements of a node; backbone elements are summarised in turn, data types kept whole. */
function summaryOf(node: JsonObject, definitionPath: string, table: Map<string, SummaryElement[]>): JsonObject {
  const elements = table.get(definitionPath) ?? [];
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    const element = elementFor(elements, key);
    if (!element?.isSummary) continue;
    if (!table.has(element.path)) {
      result[key] = value;
    } else if (Array.isArray(value)) {
      result[key] = value.map((item) => (isObject(item) ? summaryOf(item, element.path, table) : item));
    } else if (isObject(value)) {
      result[key] = summaryOf(value, element.path, table);
    } else {
      result[key] = value;
    }
  }
  return result;
}

function withSubsettedTag(meta: unknown): Meta {
  const base: Meta = isObject(meta) ? (meta as Meta) : {};
  const tags = base.tag ?? [];
  const tagged = tags.some((tag) => tag.system === SUBSETTED.system && tag.code === SUBSETTED.code);
  return { ...base, tag: tagged ? tags : [...tags, SUBSETTED] };
}

/**
 * `_summary`: `true` keeps the elements the R4 StructureDefinition marks isSummary; `text` keeps
 * text, id, meta and the mandatory top-level elements; `data` drops text; `false` returns the
 * resource as it is. `count` is answered by the HTTP edge without entries; here it reads as `true`.
 * Subsets carry the SUBSETTED tag. The resource given is never changed.
 */
export function summarize<T extends Resource>(resource: T, mode: SummaryMode): T {
  if (mode === 'false') return resource;
  const source = resource as unknown as JsonObject;
  let result: JsonObject;
  if (mode === 'data') {
    result = { ...source };
    delete result.text;
  } else if (mode === 'text') {
    const elements = summaryTable(resource.resourceType).get(resource.resourceType) ?? [];
    result = {};
    for (const [key, value] of Object.entries(source)) {
      const element = elementFor(elements, key);
      if (key === 'resourceType' || key === 'id' || key === 'meta' || key === 'text' || (element && element.min > 0)) {
        result[key] = value;
      }
    }
  } else {
    result = summaryOf(source, resource.resourceType, summaryTable(resource.resourceType));
    result.resourceType = resource.resourceType;
    if (source.id !== undefined) result.id = source.id;
  }
  result.meta = withSubsettedTag(source.meta);
  return conventionalOrder(result) as unknown as T;
}

/** resourceType, id and meta first, as FHIR JSON is conventionally written. */
function conventionalOrder(resource: JsonObject): JsonObject {
  const { resourceType, id, meta, ...rest } = resource;
  return id === undefined ? { resourceType, meta, ...rest } : { resourceType, id, meta, ...rest };
}

// ---------------------------------------------------------------------------------------------
// _elements

const ELEMENT_NAME = /^(?:[A-Z][A-Za-z]*\.)?([a-z][A-Za-z0-9]*)(?:\[x\])?$/;

/** The element names `_elements` asks for (comma-separated, repeatable; `url` or `ValueSet.url`; a choice by its stem). */
function elementNames(query: SearchQuery): Set<string> | undefined {
  const raw = query._elements;
  if (raw === undefined) return undefined;
  const names = new Set<string>();
  for (const list of Array.isArray(raw) ? raw : [raw]) {
    for (const token of list.split(',')) {
      const name = token.trim();
      if (!name) continue;
      const match = ELEMENT_NAME.exec(name);
      if (!match) throw clientError('ELEMENTS_INVALID', [name], '_elements');
      names.add(match[1]);
    }
  }
  return names;
}

/**
 * `_elements`: the top-level elements named, with resourceType, id, meta and the elements the
 * resource must have (min > 0, e.g. status), marked SUBSETTED. The resource given is never changed.
 */
export function selectElements<T extends Resource>(resource: T, names: ReadonlySet<string>): T {
  const elements = summaryTable(resource.resourceType).get(resource.resourceType) ?? [];
  const source = resource as unknown as JsonObject;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    const element = elementFor(elements, key);
    if (key === 'resourceType' || key === 'id' || key === 'meta' || (element && (element.min > 0 || names.has(element.name)))) result[key] = value;
  }
  result.meta = withSubsettedTag(source.meta);
  return conventionalOrder(result) as unknown as T;
}

/** How `_summary` is asked (checked: an unknown mode is a 400 naming it). */
function summaryMode(query: SearchQuery): SummaryMode | undefined {
  const summary = query._summary;
  if (summary === undefined) return undefined;
  if (typeof summary !== 'string' || !SUMMARY_MODES.has(summary)) throw clientError('SUMMARY_INVALID', [String(summary)], '_summary');
  return summary as SummaryMode;
}

/**
 * What a read or a search shows of a resource: the elements `_elements` names when it is given,
 * else the `_summary` asked for, else the whole resource. (`_summary=count` shows no entries at all:
 * the search answers it.)
 */
export function shownOf(query: SearchQuery): (resource: Resource) => Resource {
  const names = elementNames(query);
  if (names) return (resource) => selectElements(resource, names);
  const summary = summaryMode(query);
  if (summary === undefined || summary === 'false' || summary === 'count') return (resource) => resource;
  return (resource) => summarize(resource, summary);
}

// ---------------------------------------------------------------------------------------------
// Bundle

/** Entries per page when the client does not say (_count), and the most it may ask for. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

const SUMMARY_MODES = new Set(['true', 'false', 'text', 'data', 'count']);

function nonNegativeInteger(query: SearchQuery, name: string): number | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw clientError('SEARCH_NOT_NON_NEGATIVE', [name, String(raw)], name);
  return Number(raw);
}

/** The query string of a search, for its links: the same criteria, another page. */
function pageUrl(baseUrl: string, resourceType: string, query: SearchQuery, offset: number, count: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || name === '_offset' || name === '_count') continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  params.set('_count', String(count));
  if (offset > 0) params.set('_offset', String(offset));
  return `${baseUrl}/${resourceType}?${params.toString()}`;
}

/**
 * A search answered as a searchset Bundle: `_count` entries per page (100 by default, at most
 * 1000) from `_offset`, with `next` and `previous` links to the neighbouring pages; `_elements`
 * or `_summary` applied to each entry (`_summary=count`: the total only).
 */
export function searchResponse(
  resourceType: SearchableType,
  resources: Resource[],
  query: SearchQuery,
  options: { baseUrl: string; strict: boolean },
): Bundle {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const summary = summaryMode(query);
  const shown = shownOf(query);
  const count = Math.min(nonNegativeInteger(query, '_count') ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const offset = nonNegativeInteger(query, '_offset') ?? 0;
  const matches = searchResources(resourceType, resources, query, options.strict);
  const page = summary === 'count' ? [] : matches.slice(offset, offset + count).map(shown);
  const bundle = searchsetBundle(page, { total: matches.length, selfUrl: pageUrl(baseUrl, resourceType, query, offset, count), baseUrl });
  if (summary !== 'count' && count > 0) {
    if (offset + count < matches.length) bundle.link?.push({ relation: 'next', url: pageUrl(baseUrl, resourceType, query, offset + count, count) });
    if (offset > 0) bundle.link?.push({ relation: 'previous', url: pageUrl(baseUrl, resourceType, query, Math.max(0, offset - count), count) });
  }
  return bundle;
}

export function searchsetBundle(
  matches: Resource[],
  options: { total: number; selfUrl: string; baseUrl: string },
): Bundle {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    total: options.total,
    link: [{ relation: 'self', url: options.selfUrl }],
  };
  if (matches.length > 0) {
    bundle.entry = matches.map(
      (resource): BundleEntry => ({
        ...(resource.id ? { fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}` } : {}),
        resource: resource as FhirResource,
        search: { mode: 'match' },
      }),
    );
  }
  return bundle;
}
