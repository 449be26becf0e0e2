import type { CodeSystemConcept } from 'fhir/r4';
import type { CodeSystemIndex, Designation, PropertyValue } from './code-system-index';
import { preferredDisplay } from './displays';
import type { LanguagePreference } from './languages';
import { issue, TerminologyError } from './issues';
import type { TerminologyRegistry } from './registry';
import { canonicalOf, presentVersionList } from './versions';
import { appliedSupplements, requireSupplements } from './supplements';

export interface LookupInput {
  system: string;
  version?: string;
  code: string;
  languages: LanguagePreference[];
  /** `*;q=0`: no display at all rather than one outside the languages. */
  wildcardRefused?: boolean;
  /** Requested property codes; empty means the server's default set (all). */
  properties: string[];
  /** Supplements the request names (useSupplement): each must exist. */
  useSupplements?: string[];
}

/** A designation, and the supplement it comes from when it is not the code system's own. */
export interface LookupDesignation extends Designation {
  source?: string;
}

export interface LookupProperty {
  code: string;
  value: PropertyValue;
  description?: string;
}

export interface LookupResult {
  name: string;
  system: string;
  code: string;
  version?: string;
  display?: string;
  definition?: string;
  abstract: boolean;
  designations: LookupDesignation[];
  properties: LookupProperty[];
  usedSupplements: string[];
}

const PREFERRED_FOR_LANGUAGE = { system: 'http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra', code: 'preferredForLanguage', display: 'Preferred For Language' };

function requireCodeSystem(registry: TerminologyRegistry, system: string, version?: string): CodeSystemIndex {
  const cs = registry.codeSystem(system, version);
  if (cs) return cs;
  const versions = registry.versionsOf('CodeSystem', system);
  throw new TerminologyError(version && versions.length
      ? issue('UNKNOWN_CODESYSTEM_VERSION', [system, version, presentVersionList(versions)], 'system')
      : issue('UNKNOWN_CODESYSTEM', [system], 'system'),
  );
}

/** $lookup: what the code system says about one code. */
export function lookup(registry: TerminologyRegistry, input: LookupInput): LookupResult {
  requireSupplements(registry, input.useSupplements ?? []);
  const cs = requireCodeSystem(registry, input.system, input.version);
  const concept = cs.get(input.code);
  if (!concept) {
    throw new TerminologyError(cs.version
        ? issue('LOOKUP_UNKNOWN_CODE_VERSION', [input.code, cs.url, cs.version], 'code')
        : issue('LOOKUP_UNKNOWN_CODE', [input.code, cs.url], 'code'),
    );
  }
  const wanted = (code: string): boolean => !input.properties.length || input.properties.includes(code) || input.properties.includes('*');
  const properties: LookupProperty[] = [];
  for (const parent of concept.parents) {
    if (wanted('parent')) properties.push({ code: 'parent', value: { type: 'code', value: parent }, description: cs.get(parent)?.display });
  }
  for (const child of concept.children) {
    if (wanted('child')) properties.push({ code: 'child', value: { type: 'code', value: child }, description: cs.get(child)?.display });
  }
  for (const p of concept.properties) {
    if (p.code === 'parent' || p.code === 'child') continue;
    if (wanted(p.code)) {
      const description = p.value.type === 'code' ? cs.get(p.value.value)?.display : undefined;
      // the concept's own property, shared: a lookup result is only read
      properties.push(description ? { code: p.code, value: p.value, description } : p);
    }
  }
  if (wanted('inactive')) properties.push({ code: 'inactive', value: { type: 'boolean', value: concept.inactive } });
  if (concept.definition !== undefined && input.properties.includes('definition')) {
    properties.push({ code: 'definition', value: { type: 'string', value: concept.definition } });
  }
  const supplements = appliedSupplements(registry, cs);
  const sourceOf = (d: Designation): string | undefined => {
    const from = supplements.find((sup) => findConcept(sup.concept, concept.code)?.designation?.some((x) => x.value === d.value && x.language === d.language));
    return from ? canonicalOf(from) : undefined;
  };
  const designations: LookupDesignation[] = [];
  if (concept.display !== undefined && cs.language) designations.push({ language: cs.language, use: PREFERRED_FOR_LANGUAGE, value: concept.display });
  for (const d of concept.designations) {
    const source = sourceOf(d);
    designations.push(source ? { ...d, source } : d);
  }
  return {
    name: cs.resource.name ?? cs.resource.title ?? cs.url,
    system: cs.url,
    code: concept.code,
    version: cs.version,
    display: preferredDisplay(cs, concept, input.languages, input.wildcardRefused) ?? concept.code,
    definition: concept.definition,
    abstract: concept.notSelectable,
    designations,
    properties,
    usedSupplements: supplements.map(canonicalOf),
  };
}

function findConcept(list: CodeSystemConcept[] | undefined, code: string): CodeSystemConcept | undefined {
  for (const c of list ?? []) {
    if (c.code === code) return c;
    const nested = findConcept(c.concept, code);
    if (nested) return nested;
  }
  return undefined;
}
