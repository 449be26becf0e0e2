import type { CapabilityStatement, CodeSystem, Coding, ConceptMap, ValueSet, Extension, FhirResource, Parameters, ParametersParameter } from 'fhir/r4';
import type { CodeSystemIndex } from '../terminology/code-system-index';
import type { TerminologyRegistry, TerminologyResource, TerminologyResourceType } from '../terminology/registry';
import { rankConcepts, RankedPage } from '../terminology/text-filter';
import { wordsOf } from '../terminology/words';
import type { Choice } from './forms';
import { html, Html, Site, table } from './html';

/** One operation as a page runs it: the same path a FHIR client's GET takes. */
export interface OperationRun {
  type: TerminologyResourceType;
  /** `$name` */
  name: string;
  id?: string;
  query: Record<string, string>;
  acceptLanguage?: string;
}

/** What pages read: the content, the operations, the capability statement. */
export interface WebContext {
  site: Site;
  registry: TerminologyRegistry;
  run(call: OperationRun): FhirResource;
  capabilityStatement(): CapabilityStatement;
}

export interface WebRequest {
  /** Path below the FHIR base: `/`, `/metadata`, `/CodeSystem/icd10cm`, ... */
  path: string;
  /** Single-valued query parameters (the first of repeated ones). */
  query: Record<string, string>;
  acceptLanguage?: string;
}

export interface WebResponse {
  status: number;
  html: string;
}

/** The server's own resources of a type, by title (not FHIR's core terminology, read on demand). */
export function served(ctx: WebContext, type: 'CodeSystem'): CodeSystem[];
export function served(ctx: WebContext, type: 'ValueSet'): ValueSet[];
export function served(ctx: WebContext, type: 'ConceptMap'): ConceptMap[];
export function served(ctx: WebContext, type: TerminologyResourceType): TerminologyResource[] {
  return ctx.registry
    .own(type)
    .filter((r) => r.id)
    .sort((a, b) => titleOf(a).localeCompare(titleOf(b)));
}

/**
 * The concepts of a code system a person searching for `text` wants: the concept whose code it is
 * first, then those whose words it names, in $expand's order of relevance (text-filter). How many
 * in all, and the page [offset, offset + count).
 */
export function searchConcepts(cs: CodeSystemIndex, text: string, offset: number, count: number): RankedPage {
  const exact = cs.get(text.trim());
  const ranked = (from: number, n: number): RankedPage =>
    wordsOf(text).length ? rankConcepts(cs, text, exact ? (c) => c !== exact : undefined, from, n) : { total: 0, page: [] };
  if (!exact) return ranked(offset, count);
  const rest = offset === 0 ? ranked(0, count - 1) : ranked(offset - 1, count);
  return { total: rest.total + 1, page: offset === 0 ? [exact, ...rest.page] : rest.page };
}

export function titleOf(r: TerminologyResource): string {
  return r.title ?? r.name ?? r.id ?? r.url ?? r.resourceType;
}

export function choicesOf(resources: TerminologyResource[]): Choice[] {
  return resources.filter((r) => r.url).map((r) => ({ value: r.url as string, label: `${titleOf(r)}${r.version ? ` (${r.version})` : ''}` }));
}

/** The page of a resource the server holds, by canonical url (and version). */
export function resourcePath(ctx: WebContext, type: TerminologyResourceType, canonical: string | undefined): string | undefined {
  if (!canonical) return undefined;
  const found = ctx.registry.resolve(type, canonical);
  return found?.id ? `${ctx.site.base}/${type}/${encodeURIComponent(found.id)}` : undefined;
}

// Reading operation results (Parameters) by parameter name

export const parametersNamed = (p: Parameters | ParametersParameter, name: string): ParametersParameter[] =>
  ((p as Parameters).parameter ?? (p as ParametersParameter).part ?? []).filter((x) => x.name === name);

export const parameterNamed = (p: Parameters | ParametersParameter, name: string): ParametersParameter | undefined => parametersNamed(p, name)[0];

/** A parameter's value as text (codings as system#code). */
export function valueText(p: ParametersParameter | undefined): string | undefined {
  if (!p) return undefined;
  const v =
    p.valueString ?? p.valueCode ?? p.valueUri ?? p.valueCanonical ?? p.valueBoolean ?? p.valueInteger ?? p.valueDecimal ?? p.valueDateTime ?? p.valueUrl ?? p.valueId;
  if (v !== undefined) return String(v);
  if (p.valueCoding) return codingText(p.valueCoding);
  return undefined;
}

export const codingText = (c: Coding): string => `${c.system ?? ''}#${c.code ?? ''}${c.display ? ` "${c.display}"` : ''}`;

const PROVENANCE = 'http://fhir.bone-strength.org/StructureDefinition/seed-provenance';

export interface ProvenanceNote {
  source?: string;
  original?: string;
  verdict?: string;
  correction?: string;
  reason?: string;
}

/** The seed-provenance notes of an element: what the source documents said and what became of it. */
export function provenanceNotes(extensions: Extension[] | undefined): ProvenanceNote[] {
  return (extensions ?? [])
    .filter((e) => e.url === PROVENANCE)
    .map((e) => Object.fromEntries((e.extension ?? []).map((part) => [part.url, part.valueString ?? part.valueCode ?? ''])) as ProvenanceNote);
}

export function provenanceTable(notes: ProvenanceNote[], caption = 'What the source documents said'): Html {
  if (!notes.length) return html``;
  return table(
    caption,
    ['Source', 'Original statement', 'Verdict', 'Correction', 'Reason'],
    notes.map((n) => [html`${n.source}`, html`${n.original}`, html`<span class="verdict ${n.verdict ?? ''}">${n.verdict}</span>`, html`${n.correction}`, html`${n.reason}`]),
  );
}

/** A definition list of label/value pairs, leaving out the empty ones. */
export function facts(rows: [string, Html | string | number | boolean | undefined][]): Html {
  const present = rows.filter(([, v]) => v !== undefined && v !== '');
  return html`<dl class="facts">${present.map(([k, v]) => html`<dt>${k}</dt><dd>${typeof v === 'object' ? v : String(v)}</dd>`)}</dl>`;
}
