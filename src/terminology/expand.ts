import { randomUUID } from 'node:crypto';
import type { ValueSet, ValueSetExpansion, ValueSetExpansionContains, ValueSetExpansionParameter } from 'fhir/r4';
import { propertyValueText } from './code-system-index';
import { canonicalOf, expandCompose, ExpansionEntry, newComposeContext, SystemVersionRules } from './compose';
import { languageMatches, LanguagePreference, preferredDisplay } from './displays';
import type { TerminologyRegistry } from './registry';

export interface ExpandInput {
  valueSet: ValueSet;
  filter?: string;
  count?: number;
  offset?: number;
  activeOnly?: boolean;
  includeDesignations?: boolean;
  includeDefinition?: boolean;
  excludeNested?: boolean;
  /** Designation languages/uses asked for with `designation` (language or system|code). */
  designations: string[];
  properties: string[];
  languages: LanguagePreference[];
  versionRules?: SystemVersionRules;
  /** Parameters as the client sent them, echoed in expansion.parameter. */
  echo: ValueSetExpansionParameter[];
  maxEntries: number;
}

const STATUS_URI = 'http://hl7.org/fhir/concept-properties#status';

function matchesText(entry: ExpansionEntry, words: string[]): boolean {
  const texts = [entry.code, entry.display ?? '', ...(entry.concept?.designations.map((d) => d.value) ?? [])].map((t) => t.toLowerCase());
  return words.every((w) => texts.some((t) => t.includes(w)));
}

function toContains(entry: ExpansionEntry, input: ExpandInput): ValueSetExpansionContains {
  const c: ValueSetExpansionContains = { system: entry.system };
  const concept = entry.concept;
  if (concept?.notSelectable) c.abstract = true;
  if (concept?.inactive) c.inactive = true;
  c.code = entry.code;
  const display = concept && entry.cs && !entry.listed?.display ? preferredDisplay(entry.cs, concept, input.languages) : entry.display;
  if (display !== undefined) c.display = display;
  if (input.includeDesignations && concept) {
    const wanted = input.designations;
    const designations = [...(entry.listed?.designation ?? []), ...concept.designations].filter((d) =>
      !wanted.length || wanted.some((w) => (w.includes('|') ? `${d.use?.system}|${d.use?.code}` === w : languageMatches(w, d.language))),
    );
    if (designations.length) c.designation = designations.map((d) => ({ ...d }));
  }
  const extensions = [];
  if (concept?.status && concept.inactive) {
    extensions.push({ url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.contains.property', extension: [{ url: 'code', valueCode: 'status' }, { url: 'value', valueCode: concept.status }] });
  }
  if (input.includeDefinition && concept?.definition) {
    extensions.push({ url: 'http://hl7.org/fhir/StructureDefinition/valueset-concept-definition', valueString: concept.definition });
  }
  for (const code of input.properties) {
    if (!concept || !entry.cs) continue;
    for (const value of entry.cs.propertyValues(concept, code)) {
      extensions.push({
        url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.contains.property',
        extension: [{ url: 'code', valueCode: code }, { url: 'value', valueString: propertyValueText(value) }],
      });
    }
  }
  if (extensions.length) c.extension = extensions;
  return c;
}

/** Nest entries under their parents when both are in the expansion (the code system's hierarchy). */
function nest(entries: ExpansionEntry[], input: ExpandInput): ValueSetExpansionContains[] {
  const key = (system: string, code: string): string => `${system}\u0000${code}`;
  const present = new Map(entries.map((e) => [key(e.system, e.code), e]));
  const nodes = new Map(entries.map((e) => [key(e.system, e.code), toContains(e, input)]));
  const roots: ValueSetExpansionContains[] = [];
  for (const e of entries) {
    const node = nodes.get(key(e.system, e.code)) as ValueSetExpansionContains;
    const parent = e.concept?.parents.find((p) => present.has(key(e.system, p)));
    if (parent) {
      const p = nodes.get(key(e.system, parent)) as ValueSetExpansionContains;
      (p.contains ??= []).push(node);
    } else {
      roots.push(node);
    }
  }
  return roots;
}

/** $expand: the members of a value set, filtered and paged, as a ValueSet with an expansion. */
export function expandValueSet(registry: TerminologyRegistry, input: ExpandInput): ValueSet {
  const ctx = newComposeContext(registry, input.versionRules);
  let entries = expandCompose(ctx, input.valueSet, { maxEntries: input.maxEntries });
  if (input.activeOnly) entries = entries.filter((e) => !e.concept?.inactive);
  if (input.filter) {
    const words = input.filter.toLowerCase().split(/\s+/).filter(Boolean);
    entries = entries.filter((e) => matchesText(e, words));
  }
  const total = entries.length;
  const offset = input.offset ?? 0;
  const paged = input.count !== undefined || offset > 0;
  const page = paged ? entries.slice(offset, input.count !== undefined ? offset + input.count : undefined) : entries;
  const hierarchical = !paged && input.excludeNested === false;
  const expansion: ValueSetExpansion = {
    identifier: `urn:uuid:${randomUUID()}`,
    timestamp: new Date().toISOString(),
    total,
    offset,
    parameter: [...input.echo],
  };
  for (const cs of ctx.usedCodeSystems.values()) {
    expansion.parameter?.push({ name: 'used-codesystem', valueUri: canonicalOf(cs) });
  }
  if (page.some((e) => e.concept?.inactive && e.concept.status)) {
    expansion.extension = [
      {
        url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.property',
        extension: [{ url: 'code', valueCode: 'status' }, { url: 'uri', valueUri: STATUS_URI }],
      },
    ];
  }
  const contains = hierarchical ? nest(page, input) : page.map((e) => toContains(e, input));
  if (contains.length) expansion.contains = contains;
  const { expansion: _previous, ...definition } = input.valueSet;
  return { ...definition, expansion };
}
