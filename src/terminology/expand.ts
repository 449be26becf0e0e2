import { randomUUID } from 'node:crypto';
import type {
  CodeSystem,
  Coding,
  Extension,
  ValueSet,
  ValueSetComposeInclude,
  ValueSetComposeIncludeConceptDesignation,
  ValueSetExpansion,
  ValueSetExpansionContains,
  ValueSetExpansionParameter,
} from 'fhir/r4';
import type { CodeSystemIndex, Concept, PropertyValue } from './code-system-index';
import { canonicalOf, ComposeContext, expandCompose, ExpansionEntry, newComposeContext, singleSystemMembers, statesSeveralVersions, SystemVersionRules } from './compose';
import { LanguagePreference, parseLanguages } from './displays';
import { checkDeadline } from './deadline';
import { issue, TerminologyError } from './issues';
import type { TerminologyRegistry } from './registry';
import { appliedSupplements, requiredSupplements, requireSupplements } from './supplements';
import { conceptsMatching, conceptTexts, filterStems, textFilter } from './text-filter';

export interface ExpandInput {
  valueSet: ValueSet;
  filter?: string;
  count?: number;
  offset?: number;
  activeOnly?: boolean;
  includeDesignations?: boolean;
  includeDefinition?: boolean;
  excludeNested?: boolean;
  excludeNotForUI?: boolean;
  excludePostCoordinated?: boolean;
  /** Designations asked for with `designation`: `urn:ietf:bcp:47|lang`, `system|code` of a use, or a bare language. */
  designations: string[];
  /** Concept properties asked for with `property` (`*` for all of them). */
  properties: string[];
  /** displayLanguage, or the HTTP Accept-Language when the parameter is absent, as the client wrote it. */
  displayLanguage?: string;
  versionRules?: SystemVersionRules;
  /** Supplements the request asks to be used (useSupplement). */
  useSupplements?: string[];
  /** Further parameters (version rules) echoed verbatim in expansion.parameter. */
  echo: ValueSetExpansionParameter[];
  /** Most concepts an expansion may gather, imports included. */
  maxEntries: number;
  /** Most concepts one response may return; more must be paged with count and offset. */
  maxReturned?: number;
}

const CONCEPT_PROPERTIES = 'http://hl7.org/fhir/concept-properties';
const EXT = 'http://hl7.org/fhir/StructureDefinition/';
const EXPANSION_PROPERTY = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.property';
const CONTAINS_PROPERTY = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.contains.property';
const EXPANSION_PARAMETER = `${EXT}valueset-expansion-parameter`;
const PREFERRED_FOR_LANGUAGE: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra',
  code: 'preferredForLanguage',
  display: 'Preferred For Language',
};
/** Concept extensions from the code system that an expansion carries over to contains. */
const CONCEPT_EXTENSIONS_KEPT = new Set([`${EXT}coding-sctdescid`, `${EXT}rendering-style`, `${EXT}rendering-xhtml`, `${EXT}codesystem-alternate`]);
/** Extensions on compose.include.concept that an expansion carries over to contains. */
const LISTED_EXTENSIONS_KEPT = new Set([
  `${EXT}valueset-supplement`,
  `${EXT}valueset-deprecated`,
  `${EXT}structuredefinition-standards-status`,
  `${EXT}valueset-concept-definition`,
  `${EXT}coding-sctdescid`,
  `${EXT}rendering-style`,
  `${EXT}rendering-xhtml`,
]);
/** Extensions on a designation that an expansion keeps. */
const DESIGNATION_EXTENSIONS_KEPT = new Set([
  `${EXT}coding-sctdescid`,
  `${EXT}rendering-style`,
  `${EXT}rendering-xhtml`,
  `${EXT}structuredefinition-standards-status`,
  `${EXT}codesystem-alternate`,
]);
/** Definition elements dropped from the returned ValueSet unless includeDefinition is true. */
const DEFINITION_ONLY = ['purpose', 'compose', 'description', 'contact', 'copyright', 'publisher', 'extension', 'text', 'contained'] as const;

// ---------------------------------------------------------------------------------------------
// Parameters a value set declares for its own expansion (valueset-expansion-parameter on compose).

function withDeclaredParameters(input: ExpandInput): ExpandInput {
  const merged: ExpandInput = { ...input };
  for (const ext of input.valueSet.compose?.extension ?? []) {
    if (ext.url !== EXPANSION_PARAMETER) continue;
    const name = ext.extension?.find((e) => e.url === 'name')?.valueCode;
    const value = ext.extension?.find((e) => e.url === 'value');
    if (!name || !value) continue;
    const text = value.valueCode ?? value.valueString;
    const flag = value.valueBoolean;
    switch (name) {
      case 'displayLanguage':
        merged.displayLanguage ??= text;
        break;
      case 'activeOnly':
      case 'includeDesignations':
      case 'includeDefinition':
      case 'excludeNested':
      case 'excludeNotForUI':
      case 'excludePostCoordinated':
        if (merged[name] === undefined && flag !== undefined) merged[name] = flag;
        break;
      case 'designation':
        if (text && !merged.designations.includes(text)) merged.designations = [...merged.designations, text];
        break;
      case 'property':
        if (text && !merged.properties.includes(text)) merged.properties = [...merged.properties, text];
        break;
      default:
        break;
    }
  }
  return merged;
}

/** The displayLanguage echo: the client's text, in the canonical `a, b; q=0` form when it carries weights. */
function languageEcho(raw: string): string {
  if (!raw.includes(';')) return raw;
  return raw
    .split(',')
    .map((part) => part.split(';').map((p) => p.trim()).join('; '))
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// Displays and designations by language.

interface Candidate {
  value: string;
  language?: string;
  use?: Coding;
  extension?: Extension[];
  /** The concept's own display (or the value set's display for it). */
  isDisplay: boolean;
}

function candidatesFor(entry: ExpansionEntry, vsLanguage: string | undefined): Candidate[] {
  const out: Candidate[] = [];
  const concept = entry.concept;
  if (entry.listed?.display) {
    out.push({ value: entry.listed.display, language: vsLanguage, isDisplay: true });
  } else if (entry.display !== undefined) {
    out.push({ value: entry.display, language: entry.cs?.language, isDisplay: true });
  }
  for (const d of [...(concept?.designations ?? []), ...(entry.listed?.designation ?? [])]) {
    out.push({ value: d.value, language: d.language, use: d.use, extension: d.extension, isDisplay: false });
  }
  return out;
}

const primary = (tag: string): string => tag.toLowerCase().split('-')[0];

/** Tiered match of a requested tag against a designation language: exact, then the base language. */
function languageTier(requested: string, actual: string | undefined): number {
  if (!actual) return 0;
  if (requested.toLowerCase() === actual.toLowerCase()) return 3;
  if (primary(requested) === primary(actual)) return 1;
  return 0;
}

/**
 * The designation to show as the display. No languages: the display. Otherwise the first language
 * (by weight) that some designation is in, displays first; a wildcard, or no `*; q=0`, falls back
 * to the display; `*; q=0` means no display at all when nothing matches.
 */
function preferredCandidate(candidates: Candidate[], languages: LanguagePreference[], wildcardRefused: boolean): Candidate | undefined {
  const display = candidates.find((c) => c.isDisplay);
  if (!languages.length) return display ?? candidates[0];
  for (const pref of languages) {
    if (pref.tag === '*') return display ?? candidates[0];
    for (const tier of [3, 1]) {
      const hit =
        candidates.find((c) => c.isDisplay && languageTier(pref.tag, c.language ?? 'en') >= tier) ??
        candidates.find((c) => !c.isDisplay && (!c.use || c.use.code === 'display') && languageTier(pref.tag, c.language) >= tier) ??
        candidates.find((c) => !c.isDisplay && languageTier(pref.tag, c.language) >= tier);
      if (hit) return hit;
    }
  }
  return wildcardRefused ? undefined : display ?? candidates[0];
}

function designationWanted(wanted: string[], c: Candidate): boolean {
  if (!wanted.length) return true;
  return wanted.some((w) => {
    const bar = w.indexOf('|');
    if (bar < 0) return languageTier(w, c.language) > 0;
    const system = w.slice(0, bar);
    const code = w.slice(bar + 1);
    if (system === 'urn:ietf:bcp:47') return c.language?.toLowerCase() === code.toLowerCase();
    return c.use?.system === system && c.use.code === code;
  });
}

function toDesignation(c: Candidate): ValueSetComposeIncludeConceptDesignation {
  const out: ValueSetComposeIncludeConceptDesignation = { value: c.value };
  if (c.language) out.language = c.language;
  if (c.isDisplay) out.use = { ...PREFERRED_FOR_LANGUAGE };
  else if (c.use) out.use = c.use;
  const ext = c.extension?.filter((e) => DESIGNATION_EXTENSIONS_KEPT.has(e.url));
  if (ext?.length) out.extension = ext;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Properties (R5 expansion.property / contains.property, as their R4 extensions).

type PropertyValueElement = Extension;

function propertyValueElement(value: PropertyValue): PropertyValueElement {
  switch (value.type) {
    case 'code':
      return { url: 'value', valueCode: value.value };
    case 'Coding':
      return { url: 'value', valueCoding: value.value };
    case 'string':
      return { url: 'value', valueString: value.value };
    case 'integer':
      return { url: 'value', valueInteger: value.value };
    case 'boolean':
      return { url: 'value', valueBoolean: value.value };
    case 'dateTime':
      return { url: 'value', valueDateTime: value.value };
    case 'decimal':
      return { url: 'value', valueDecimal: value.value };
  }
}

/** The expansion's property declarations: code -> uri, in the order first used. */
class PropertyDeclarations {
  private readonly declared = new Map<string, string | undefined>();

  declare(code: string, uri: string | undefined): string {
    for (const [c, u] of this.declared) if (uri && u === uri) return c;
    if (!this.declared.has(code)) this.declared.set(code, uri);
    else if (uri && !this.declared.get(code)) this.declared.set(code, uri);
    return code;
  }

  get size(): number {
    return this.declared.size;
  }

  extensions(): Extension[] {
    return [...this.declared].map(([code, uri]) => ({
      url: EXPANSION_PROPERTY,
      extension: [{ url: 'code', valueCode: code }, ...(uri ? [{ url: 'uri', valueUri: uri }] : [])],
    }));
  }
}

function extensionValue(list: Extension[] | undefined, url: string): Extension | undefined {
  return list?.find((e) => e.url === url);
}

function decimalOf(e: Extension | undefined): number | undefined {
  if (!e) return undefined;
  if (e.valueDecimal !== undefined) return e.valueDecimal;
  if (e.valueInteger !== undefined) return e.valueInteger;
  if (e.valueString !== undefined && !Number.isNaN(Number(e.valueString))) return Number(e.valueString);
  return undefined;
}

/** Deprecated concepts are still active; only an inactive status or flag makes a concept inactive. */
export function isInactive(cs: CodeSystemIndex | undefined, concept: Concept | undefined): boolean {
  if (!concept?.inactive) return false;
  if (concept.status !== 'deprecated') return true;
  const inactiveCode = cs?.propertyCode(`${CONCEPT_PROPERTIES}#inactive`, 'inactive') ?? 'inactive';
  return concept.properties.some((p) => p.code === inactiveCode && p.value.type === 'boolean' && p.value.value);
}

// ---------------------------------------------------------------------------------------------
// Building contains.

interface RenderContext {
  input: ExpandInput;
  languages: LanguagePreference[];
  wildcardRefused: boolean;
  vsLanguage?: string;
  properties: PropertyDeclarations;
  /** Entries say which version they come from when the value set draws on several versions of a system. */
  showVersions: boolean;
}

function addProperty(ctx: RenderContext, extensions: Extension[], code: string, uri: string | undefined, value: PropertyValueElement, repeatable = false): void {
  const used = ctx.properties.declare(code, uri);
  const same = extensions.findIndex((e) => e.url === CONTAINS_PROPERTY && e.extension?.[0]?.valueCode === used);
  const ext: Extension = { url: CONTAINS_PROPERTY, extension: [{ url: 'code', valueCode: used }, value] };
  if (same >= 0 && !repeatable) extensions[same] = ext;
  else extensions.push(ext);
}

function toContains(entry: ExpansionEntry, ctx: RenderContext): ValueSetExpansionContains {
  const { input } = ctx;
  const c: ValueSetExpansionContains = { system: entry.system };
  const concept = entry.concept;
  const cs = entry.cs;
  if (concept?.notSelectable) c.abstract = true;
  if (isInactive(cs, concept)) c.inactive = true;
  c.code = entry.code;
  if (ctx.showVersions && entry.version) c.version = entry.version;

  const candidates = candidatesFor(entry, ctx.vsLanguage);
  const preferred = preferredCandidate(candidates, ctx.languages, ctx.wildcardRefused);
  if (preferred) c.display = preferred.value;
  if (input.includeDesignations) {
    const designations = candidates.filter(
      (d) => d !== preferred && !(d.isDisplay && d.value === c.display) && designationWanted(input.designations, d),
    );
    if (designations.length) c.designation = designations.map(toDesignation);
  }

  const extensions: Extension[] = [];
  for (const e of concept?.extension ?? []) if (CONCEPT_EXTENSIONS_KEPT.has(e.url)) extensions.push(e);
  for (const e of entry.listed?.extension ?? []) if (LISTED_EXTENSIONS_KEPT.has(e.url)) extensions.push(e);

  const props: Extension[] = [];
  const statusUri = `${CONCEPT_PROPERTIES}#status`;
  if (concept?.status && concept.status.toLowerCase() !== 'active') addProperty(ctx, props, 'status', statusUri, { url: 'value', valueCode: concept.status });
  else if (concept?.deprecated) addProperty(ctx, props, 'status', statusUri, { url: 'value', valueCode: 'deprecated' });
  const standardsStatus = extensionValue(concept?.extension, `${EXT}structuredefinition-standards-status`)?.valueCode;
  if (standardsStatus) addProperty(ctx, props, 'status', statusUri, { url: 'value', valueCode: standardsStatus });

  const label = extensionValue(entry.listed?.extension, `${EXT}valueset-label`) ?? extensionValue(concept?.extension, `${EXT}codesystem-label`);
  if (label?.valueString !== undefined) addProperty(ctx, props, 'label', `${CONCEPT_PROPERTIES}#label`, { url: 'value', valueString: label.valueString });
  const order = decimalOf(extensionValue(entry.listed?.extension, `${EXT}valueset-conceptOrder`)) ?? decimalOf(extensionValue(concept?.extension, `${EXT}codesystem-conceptOrder`));
  if (order !== undefined) addProperty(ctx, props, 'order', `${CONCEPT_PROPERTIES}#order`, { url: 'value', valueDecimal: order });
  const weight = decimalOf(extensionValue(entry.listed?.extension, `${EXT}itemWeight`)) ?? decimalOf(extensionValue(concept?.extension, `${EXT}itemWeight`));
  if (weight !== undefined) addProperty(ctx, props, 'weight', `${CONCEPT_PROPERTIES}#itemWeight`, { url: 'value', valueDecimal: weight });

  if (concept && cs) {
    const wanted = input.properties.includes('*') ? [...new Set(concept.properties.map((p) => p.code))] : input.properties;
    for (const code of wanted) {
      if (code === 'definition') {
        if (concept.definition !== undefined) addProperty(ctx, props, 'definition', `${CONCEPT_PROPERTIES}#definition`, { url: 'value', valueString: concept.definition });
        continue;
      }
      const uri = cs.propertyDefinitions.get(code)?.uri;
      for (const value of cs.propertyValues(concept, code)) addProperty(ctx, props, code, uri, propertyValueElement(value), true);
    }
  }
  const all = [...extensions, ...props];
  if (all.length) c.extension = all;
  return c;
}

// ---------------------------------------------------------------------------------------------
// Hierarchy.

/** Can the expansion keep the code systems' hierarchy? Only when every part selects by hierarchy. */
function hierarchyPossible(vs: ValueSet, textFiltered: boolean): boolean {
  if (!vs.compose) return false;
  const simple = (inc: ValueSetComposeInclude): boolean => !inc.valueSet?.length && !inc.concept?.length && (inc.filter?.length ?? 0) <= 1;
  if (!vs.compose.include.every((inc) => inc.system && simple(inc))) return false;
  if (!(vs.compose.exclude ?? []).every(simple)) return false;
  if (textFiltered && vs.compose.include.some((inc) => !inc.filter?.length)) return false;
  return true;
}

const keyOf = (system: string, code: string): string => `${system}\u0000${code}`;

/** A concept under two parents in the expansion (a poly-hierarchy) cannot be shown as a tree. */
function isPolyHierarchy(entries: ExpansionEntry[]): boolean {
  const present = new Set(entries.map((e) => keyOf(e.system, e.code)));
  return entries.some((e) => (e.concept?.parents.filter((p) => present.has(keyOf(e.system, p))).length ?? 0) > 1);
}

/** Nest entries under their nearest ancestor in the expansion. */
function nest(entries: ExpansionEntry[], render: (e: ExpansionEntry) => ValueSetExpansionContains): ValueSetExpansionContains[] {
  const nodes = new Map(entries.map((e) => [keyOf(e.system, e.code), render(e)]));
  const roots: ValueSetExpansionContains[] = [];
  for (const e of entries) {
    const node = nodes.get(keyOf(e.system, e.code)) as ValueSetExpansionContains;
    const parent = nearestIncludedAncestor(e, nodes);
    if (parent) (parent.contains ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

function nearestIncludedAncestor(e: ExpansionEntry, nodes: Map<string, ValueSetExpansionContains>): ValueSetExpansionContains | undefined {
  if (!e.cs || !e.concept) return undefined;
  const seen = new Set<string>();
  const queue = [...e.concept.parents];
  while (queue.length) {
    const code = queue.shift() as string;
    if (seen.has(code)) continue;
    seen.add(code);
    const node = nodes.get(keyOf(e.system, code));
    if (node) return node;
    queue.push(...(e.cs.get(code)?.parents ?? []));
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Status of the resources an expansion draws on.

const STANDARDS_STATUS = `${EXT}structuredefinition-standards-status`;

interface CanonicalStatus {
  canonical: string;
  status?: string;
  standardsStatus?: string;
  experimental?: boolean;
}

function statusOf(r: ValueSet | CodeSystem): CanonicalStatus {
  return {
    canonical: canonicalOf(r),
    status: r.status,
    standardsStatus: r.extension?.find((e) => e.url === STANDARDS_STATUS)?.valueCode,
    experimental: r.experimental,
  };
}

/** warning-* parameters for resources whose status the value set itself does not share. */
function statusWarning(used: CanonicalStatus, source: CanonicalStatus): ValueSetExpansionParameter | undefined {
  if (used.standardsStatus === 'deprecated') return source.standardsStatus !== 'deprecated' ? { name: 'warning-deprecated', valueUri: used.canonical } : undefined;
  if (used.standardsStatus === 'withdrawn') return source.standardsStatus !== 'withdrawn' ? { name: 'warning-withdrawn', valueUri: used.canonical } : undefined;
  if (used.status === 'retired') return source.status !== 'retired' ? { name: 'warning-retired', valueUri: used.canonical } : undefined;
  if (used.experimental) return !source.experimental ? { name: 'warning-experimental', valueUri: used.canonical } : undefined;
  if (used.status === 'draft' || used.standardsStatus === 'draft') {
    return source.status !== 'draft' && source.standardsStatus !== 'draft' ? { name: 'warning-draft', valueUri: used.canonical } : undefined;
  }
  return undefined;
}

/** A value set that is itself deprecated, withdrawn or retired is reported as such to whoever expands it. */
function ownStatusWarning(vs: CanonicalStatus): ValueSetExpansionParameter | undefined {
  if (vs.standardsStatus === 'deprecated') return { name: 'warning-deprecated', valueUri: vs.canonical };
  if (vs.standardsStatus === 'withdrawn') return { name: 'warning-withdrawn', valueUri: vs.canonical };
  if (vs.status === 'retired') return { name: 'warning-retired', valueUri: vs.canonical };
  return undefined;
}

/** Contained value sets, resolvable as `#id` by the value set that contains them. */
function withContained(registry: TerminologyRegistry, vs: ValueSet): TerminologyRegistry {
  const contained = (vs.contained ?? []).filter((r): r is ValueSet => r.resourceType === 'ValueSet' && !!r.id);
  return contained.length ? registry.overlay(contained.map((r) => ({ ...r, url: `#${r.id}` }))) : registry;
}

// ---------------------------------------------------------------------------------------------
// Supplements.

// ---------------------------------------------------------------------------------------------

/**
 * The members left by activeOnly, excludeNotForUI and the text filter: how many, and the entries
 * of the page. A value set that is one include of a code system (the implicit `?fhir_vs` ones,
 * a whole system or property filters) is read straight from the index: the text filter goes
 * through the word index and entries are built for the page only, and the size limit applies to
 * what is returned (the page, or every member when not paged), so a type-ahead page works over a
 * full ICD-10-CM. Other value sets are expanded whole, then filtered and paged.
 */
function selectMembers(
  ctx: ComposeContext,
  input: ExpandInput,
  usedValueSets: ValueSet[],
  matches: ((texts: string[]) => boolean) | undefined,
  offset: number,
): { total: number; page: ExpansionEntry[] } {
  const vs = input.valueSet;
  const end = input.count !== undefined ? offset + input.count : undefined;
  const simple = singleSystemMembers(ctx, vs);
  if (simple) {
    const { system, cs } = simple;
    const stems = matches && input.filter ? filterStems(input.filter) : [];
    const wholeSystemText = stems.length > 0 && !simple.filtered;
    const concepts = wholeSystemText ? conceptsMatching(cs, stems) : simple.filtered ? [...new Set(simple.concepts)] : simple.concepts;
    const withoutInactive = vs.compose?.inactive === false || input.activeOnly === true;
    const page: ExpansionEntry[] = [];
    let total = 0;
    for (const concept of concepts) {
      checkDeadline();
      if (withoutInactive && concept.inactive && !concept.deprecated) continue;
      if (input.activeOnly && isInactive(cs, concept)) continue;
      if (input.excludeNotForUI && concept.notSelectable) continue;
      if (matches && !wholeSystemText && !matches(conceptTexts(concept))) continue;
      if (total >= offset && (end === undefined || total < end)) page.push({ system, version: cs.version, code: concept.code, display: concept.display, concept, cs });
      total++;
    }
    const returned = input.count !== undefined || offset > 0 ? page.length : total;
    if (returned > input.maxEntries) {
      throw new TerminologyError(issue('error', 'too-costly', 'too-costly', 'VALUESET_TOO_COSTLY', [canonicalOf(simple.filtered ? vs : cs), input.maxEntries]));
    }
    return { total, page };
  }
  let entries = expandCompose(ctx, vs, { maxEntries: input.maxEntries, activeOnly: input.activeOnly === true, usedValueSets });
  if (input.activeOnly) entries = entries.filter((e) => !isInactive(e.cs, e.concept));
  if (input.excludeNotForUI) entries = entries.filter((e) => !e.concept?.notSelectable);
  if (matches) {
    entries = entries.filter((e) =>
      matches([e.code, ...candidatesFor(e, vs.language).map((c) => c.value)]),
    );
  }
  const page = input.count !== undefined || offset > 0 ? entries.slice(offset, end) : entries;
  return { total: entries.length, page };
}

/** $expand: the members of a value set, filtered and paged, as a ValueSet with an expansion. */
export function expandValueSet(base: TerminologyRegistry, request: ExpandInput): ValueSet {
  const input = withDeclaredParameters(request);
  const vs = input.valueSet;
  const registry = withContained(base, vs);
  requireSupplements(registry, [...requiredSupplements(vs), ...(input.useSupplements ?? [])]);
  const ctx = newComposeContext(registry, input.versionRules);
  const usedValueSets: ValueSet[] = [];
  const matches = input.filter ? textFilter(input.filter) : undefined;
  const offset = input.offset ?? 0;
  const { total, page } = selectMembers(ctx, input, usedValueSets, matches, offset);
  if (input.maxReturned !== undefined && page.length > input.maxReturned) {
    throw new TerminologyError(issue('error', 'too-costly', 'too-costly', 'VALUESET_TOO_COSTLY', [canonicalOf(vs), input.maxReturned]));
  }
  const hierarchical =
    input.excludeNested !== true && offset === 0 && (input.count === undefined || input.count >= total) &&
    hierarchyPossible(vs, matches !== undefined) &&
    !isPolyHierarchy(page);

  const languages = parseLanguagesWithZero(input.displayLanguage);
  const render: RenderContext = {
    input,
    languages: languages.filter((l) => l.q > 0),
    wildcardRefused: languages.some((l) => l.tag === '*' && l.q === 0),
    vsLanguage: vs.language,
    properties: new PropertyDeclarations(),
    showVersions: statesSeveralVersions(vs),
  };
  const contains = hierarchical ? nest(page, (e) => toContains(e, render)) : page.map((e) => toContains(e, render));

  const parameters: ValueSetExpansionParameter[] = [];
  const add = (p: ValueSetExpansionParameter): void => {
    if (!parameters.some((q) => JSON.stringify(q) === JSON.stringify(p))) parameters.push(p);
  };
  if (input.filter) add({ name: 'filter', valueString: input.filter });
  if (input.displayLanguage) add({ name: 'displayLanguage', valueCode: languageEcho(input.displayLanguage) });
  for (const d of input.designations) add({ name: 'designation', valueString: d });
  const flags = ['excludeNested', 'activeOnly', 'includeDesignations', 'includeDefinition', 'excludeNotForUI', 'excludePostCoordinated'] as const;
  for (const name of flags) {
    const v = input[name];
    if (v !== undefined) add({ name, valueBoolean: v });
  }
  if (input.offset !== undefined) add({ name: 'offset', valueInteger: input.offset });
  if (input.count !== undefined) add({ name: 'count', valueInteger: input.count });
  const source = statusOf(vs);
  const own = ownStatusWarning(source);
  if (own) add(own);
  for (const cs of ctx.usedCodeSystems.values()) {
    const warning = statusWarning(statusOf(cs.resource), source);
    if (warning) add(warning);
  }
  for (const used of usedValueSets) {
    const warning = statusWarning(statusOf(used), source);
    if (warning) add(warning);
  }
  for (const cs of ctx.usedCodeSystems.values()) add({ name: 'used-codesystem', valueUri: canonicalOf(cs) });
  for (const used of usedValueSets) if (used.url && !used.url.startsWith('#')) add({ name: 'used-valueset', valueUri: canonicalOf(used) });
  const fragments = [...ctx.usedCodeSystems.values()].filter((cs) => cs.content === 'fragment');
  for (const cs of fragments) add({ name: 'used-fragment', valueUri: canonicalOf(cs) });
  for (const cs of ctx.usedCodeSystems.values()) {
    for (const s of appliedSupplements(registry, cs)) add({ name: 'used-supplement', valueUri: canonicalOf(s) });
  }
  // Version parameters are reported when they decided a version, not merely because they were sent.
  for (const rule of ctx.appliedVersionRules.values()) add({ name: rule.name, valueUri: rule.canonical });
  for (const p of input.echo) add(p);

  const expansion: ValueSetExpansion = {
    identifier: `urn:uuid:${randomUUID()}`,
    timestamp: new Date().toISOString(),
    total,
  };
  if (input.offset !== undefined) expansion.offset = input.offset;
  if (parameters.length) expansion.parameter = parameters;
  const extensions: Extension[] = [];
  for (const cs of fragments.slice(0, 1)) {
    extensions.push(
      { url: `${EXT}valueset-unclosed`, valueBoolean: true },
      { url: `${EXT}valueset-unclosed-reason`, valueString: `This extension is based on a fragment of the code system ${cs.url}` },
    );
  }
  extensions.push(...render.properties.extensions());
  if (extensions.length) expansion.extension = extensions;
  if (contains.length) expansion.contains = contains;

  const { expansion: _previous, id: _id, ...definition } = vs;
  const result: ValueSet = { ...definition };
  if (!input.includeDefinition) for (const element of DEFINITION_ONLY) delete result[element];
  return { ...result, expansion };
}

/** Accept-Language style list, keeping `q=0` entries (they refuse a language, `*` included). */
function parseLanguagesWithZero(header: string | undefined): LanguagePreference[] {
  if (!header) return [];
  const zero = header
    .split(',')
    .map((part) => part.trim().split(';').map((p) => p.trim()))
    .filter(([, ...params]) => params.some((p) => /^q=0(\.0*)?$/.test(p)))
    .map(([tag]) => ({ tag, q: 0 }));
  return [...parseLanguages(header), ...zero];
}
