import { randomUUID } from 'node:crypto';
import type { Extension, ValueSet, ValueSetExpansion, ValueSetExpansionParameter } from 'fhir/r4';
import type { Concept } from './code-system-index';
import { compileValueSet, CompiledValueSet, Member } from './compiled-value-set';
import { statesSeveralVersions } from './compose';
import { hierarchyPossible, isPolyHierarchy, nest, PropertyDeclarations, RenderContext, toContains } from './expansion-contains';
import { declaredParameters } from './declared-parameters';
import { checkDeadline } from './deadline';
import { issue, TerminologyError } from './issues';
import { othersRefused, parseLanguages } from './languages';
import type { TerminologyRegistry } from './registry';
import { resourceStatusNote } from './resource-status';
import { appliedSupplements, requiredSupplements, requireSupplements } from './supplements';
import type { SystemVersionRules } from './system-versions';
import { Members, pageInOrder, RankedPage, rankConcepts, rankMembers, textFilter } from './text-filter';
import { canonicalOf } from './versions';

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
  /** default-valueset-version: the version of each value set url imported without one. */
  valueSetVersions?: ReadonlyMap<string, string>;
  /** Supplements the request asks to be used (useSupplement). */
  useSupplements?: string[];
  /** Further parameters (version rules) echoed verbatim in expansion.parameter. */
  echo: ValueSetExpansionParameter[];
  /** Most concepts an expansion may gather, imports included. */
  maxEntries: number;
  /** Most concepts one response may return; more must be paged with count and offset. */
  maxReturned?: number;
}

const EXT = 'http://hl7.org/fhir/StructureDefinition/';
const DEFINITION_ONLY = ['purpose', 'compose', 'description', 'contact', 'copyright', 'publisher', 'extension', 'text', 'contained'] as const;

// ---------------------------------------------------------------------------------------------
// Parameters a value set declares for its own expansion (valueset-expansion-parameter on compose).

function withDeclaredParameters(input: ExpandInput): ExpandInput {
  const merged: ExpandInput = { ...input };
  for (const { name, text, flag } of declaredParameters(input.valueSet)) {
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
// Status of the resources an expansion draws on.

/** Contained value sets, resolvable as `#id` by the value set that contains them. */
function withContained(registry: TerminologyRegistry, vs: ValueSet): TerminologyRegistry {
  const contained = (vs.contained ?? []).filter((r): r is ValueSet => r.resourceType === 'ValueSet' && !!r.id);
  return contained.length ? registry.overlay(contained.map((r) => ({ ...r, url: `#${r.id}` }))) : registry;
}

// ---------------------------------------------------------------------------------------------
// Supplements.

// ---------------------------------------------------------------------------------------------

/**
 * The members left by excludeNotForUI and the text filter: how many, and the members of the page.
 * A value set that is one include of a code system (the implicit `?fhir_vs` ones, a whole system
 * or property filters, such as the billable ICD-10-CM codes) is read straight from the index: the
 * text filter goes through the code system's word index, intersected with the compiled members
 * and ranked by relevance (see rankConcepts), members are built for the page only, and the size
 * limit applies to what is returned (the page, or every member when not paged), so a type-ahead
 * page works over a full ICD-10-CM. Other value sets are bounded by maxEntries as a whole, then
 * filtered with an index of their members, ranked by the same rule (see rankMembers), and paged.
 */
function selectMembers(compiled: CompiledValueSet, input: ExpandInput, matches: ((texts: string[]) => boolean) | undefined, offset: number): { total: number; page: Member[] } {
  const vs = input.valueSet;
  const end = input.count !== undefined ? offset + input.count : undefined;
  const single = compiled.single;
  if (single) {
    const { cs } = single;
    const forUI = (concept: Concept): boolean => !(input.excludeNotForUI && concept.notSelectable);
    let ranked: RankedPage;
    if (matches && input.filter) {
      const whole = single.concepts === cs.concepts;
      const bytes = whole ? undefined : compiled.memberBytes(cs);
      const members: Members = !whole && !bytes ? () => false : input.excludeNotForUI ? (c, position) => (!bytes || bytes[position] === 1) && forUI(c) : bytes;
      ranked = rankConcepts(cs, input.filter, members, offset, input.count);
    } else {
      ranked = pageInOrder(single.concepts, (concept) => (checkDeadline(), forUI(concept)), offset, input.count);
    }
    const returned = input.count !== undefined || offset > 0 ? ranked.page.length : ranked.total;
    if (returned > input.maxEntries) {
      throw new TerminologyError(issue('VALUESET_TOO_COSTLY', [canonicalOf(single.filtered ? vs : cs), input.maxEntries]));
    }
    const page = ranked.page.map((concept): Member => ({ system: single.system, version: cs.version, code: concept.code, display: concept.display, concept, cs }));
    return { total: ranked.total, page };
  }
  const all = compiled.gathered ?? [...compiled.members()];
  const forUI = input.excludeNotForUI ? (e: Member): boolean => !e.concept?.notSelectable : undefined;
  if (matches && input.filter) return rankMembers(all, input.filter, forUI, offset, input.count);
  const members = forUI ? all.filter(forUI) : all;
  const page = input.count !== undefined || offset > 0 ? members.slice(offset, end) : [...members];
  return { total: members.length, page };
}

/** $expand: the members of a value set, filtered and paged, as a ValueSet with an expansion. */
export function expandValueSet(base: TerminologyRegistry, request: ExpandInput): ValueSet {
  const input = withDeclaredParameters(request);
  const vs = input.valueSet;
  const registry = withContained(base, vs);
  requireSupplements(registry, [...requiredSupplements(vs), ...(input.useSupplements ?? [])]);
  const compiled = compileValueSet(registry, vs, {
    versionRules: input.versionRules,
    valueSetVersions: input.valueSetVersions,
    activeOnly: input.activeOnly,
    maxEntries: input.maxEntries,
  });
  const { usedCodeSystems, usedValueSets } = compiled;
  const matches = input.filter ? textFilter(input.filter) : undefined;
  const offset = input.offset ?? 0;
  const { total, page } = selectMembers(compiled, input, matches, offset);
  if (input.maxReturned !== undefined && page.length > input.maxReturned) {
    throw new TerminologyError(issue('VALUESET_TOO_COSTLY', [canonicalOf(vs), input.maxReturned]));
  }
  const hierarchical =
    input.excludeNested !== true && offset === 0 && (input.count === undefined || input.count >= total) &&
    hierarchyPossible(vs, matches !== undefined) &&
    !isPolyHierarchy(page);

  const render: RenderContext = {
    input,
    languages: parseLanguages(input.displayLanguage),
    wildcardRefused: othersRefused(input.displayLanguage),
    vsLanguage: vs.language,
    properties: new PropertyDeclarations(),
    showVersions: statesSeveralVersions(vs) || compiled.spansVersions,
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
  for (const used of [vs, ...[...usedCodeSystems.values()].map((cs) => cs.resource), ...usedValueSets]) {
    const note = resourceStatusNote(used, vs);
    if (note) add({ name: `warning-${note}`, valueUri: canonicalOf(used) });
  }
  for (const cs of usedCodeSystems.values()) add({ name: 'used-codesystem', valueUri: canonicalOf(cs) });
  for (const used of usedValueSets) if (used.url && !used.url.startsWith('#')) add({ name: 'used-valueset', valueUri: canonicalOf(used) });
  const fragments = [...usedCodeSystems.values()].filter((cs) => cs.content === 'fragment');
  for (const cs of fragments) add({ name: 'used-fragment', valueUri: canonicalOf(cs) });
  for (const cs of usedCodeSystems.values()) {
    for (const s of appliedSupplements(registry, cs)) add({ name: 'used-supplement', valueUri: canonicalOf(s) });
  }
  // Version parameters are reported when they decided a version, not merely because they were sent.
  for (const rule of compiled.appliedVersionRules.values()) add({ name: rule.name, valueUri: rule.canonical });
  for (const pin of compiled.appliedValueSetVersions) add({ name: 'default-valueset-version', valueUri: pin });
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

