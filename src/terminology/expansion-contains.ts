import type {
  Coding,
  Extension,
  ValueSet,
  ValueSetComposeInclude,
  ValueSetComposeIncludeConceptDesignation,
  ValueSetExpansionContains,
} from 'fhir/r4';
import type { PropertyValue } from './code-system-index';
import type { Member } from './compiled-value-set';
import type { ExpandInput } from './expand';
import { chooseDisplay, DisplayDesignation } from './displays';
import { LanguagePreference, tagMatches } from './languages';

/** Rendering expansion members as ValueSet.expansion.contains: displays by language, designations, properties, hierarchy. */

const CONCEPT_PROPERTIES = 'http://hl7.org/fhir/concept-properties';
const EXT = 'http://hl7.org/fhir/StructureDefinition/';
const EXPANSION_PROPERTY = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.property';
const CONTAINS_PROPERTY = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.contains.property';
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

// ---------------------------------------------------------------------------------------------
// Displays and designations by language.

/** The concept's own display (or the value set's display for it, in the value set's language), then its designations. */
function candidatesFor(entry: Member, vsLanguage: string | undefined): DisplayDesignation[] {
  const out: DisplayDesignation[] = [];
  const concept = entry.concept;
  if (entry.listed?.display) {
    out.push({ value: entry.listed.display, language: vsLanguage, primary: true });
  } else if (entry.display !== undefined) {
    out.push({ value: entry.display, language: entry.cs?.language, primary: true });
  }
  for (const d of [...(concept?.designations ?? []), ...(entry.listed?.designation ?? [])]) {
    out.push({ value: d.value, language: d.language, use: d.use, extension: d.extension, primary: false });
  }
  return out;
}

function designationWanted(wanted: string[], c: DisplayDesignation): boolean {
  if (!wanted.length) return true;
  return wanted.some((w) => {
    const bar = w.indexOf('|');
    if (bar < 0) return c.language !== undefined && tagMatches(w, c.language, 'language');
    const system = w.slice(0, bar);
    const code = w.slice(bar + 1);
    if (system === 'urn:ietf:bcp:47') return c.language?.toLowerCase() === code.toLowerCase();
    return c.use?.system === system && c.use.code === code;
  });
}

function toDesignation(c: DisplayDesignation): ValueSetComposeIncludeConceptDesignation {
  const out: ValueSetComposeIncludeConceptDesignation = { value: c.value };
  if (c.language) out.language = c.language;
  if (c.primary) out.use = { ...PREFERRED_FOR_LANGUAGE };
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
export class PropertyDeclarations {
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


// ---------------------------------------------------------------------------------------------
// Building contains.

export interface RenderContext {
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

export function toContains(entry: Member, ctx: RenderContext): ValueSetExpansionContains {
  const { input } = ctx;
  const c: ValueSetExpansionContains = { system: entry.system };
  const concept = entry.concept;
  const cs = entry.cs;
  if (concept?.notSelectable) c.abstract = true;
  if (concept?.inactive) c.inactive = true;
  c.code = entry.code;
  if (ctx.showVersions && entry.version) c.version = entry.version;

  const candidates = candidatesFor(entry, ctx.vsLanguage);
  const preferred = chooseDisplay(candidates, ctx.languages, ctx.wildcardRefused);
  if (preferred) c.display = preferred.value;
  if (input.includeDesignations) {
    const designations = candidates.filter(
      (d) => d !== preferred && !(d.primary && d.value === c.display) && designationWanted(input.designations, d),
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
export function hierarchyPossible(vs: ValueSet, textFiltered: boolean): boolean {
  if (!vs.compose) return false;
  const simple = (inc: ValueSetComposeInclude): boolean => !inc.valueSet?.length && !inc.concept?.length && (inc.filter?.length ?? 0) <= 1;
  if (!vs.compose.include.every((inc) => inc.system && simple(inc))) return false;
  if (!(vs.compose.exclude ?? []).every(simple)) return false;
  if (textFiltered && vs.compose.include.some((inc) => !inc.filter?.length)) return false;
  return true;
}

const keyOf = (system: string, code: string): string => `${system}\u0000${code}`;

/** A concept under two parents in the expansion (a poly-hierarchy) cannot be shown as a tree. */
export function isPolyHierarchy(entries: Member[]): boolean {
  const present = new Set(entries.map((e) => keyOf(e.system, e.code)));
  return entries.some((e) => (e.concept?.parents.filter((p) => present.has(keyOf(e.system, p))).length ?? 0) > 1);
}

/** Nest entries under their nearest ancestor in the expansion. */
export function nest(entries: Member[], render: (e: Member) => ValueSetExpansionContains): ValueSetExpansionContains[] {
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

function nearestIncludedAncestor(e: Member, nodes: Map<string, ValueSetExpansionContains>): ValueSetExpansionContains | undefined {
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

