import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Bundle } from 'fhir/r4';
import { r4DefinitionsFile } from '../fhir/definitions';
import { PRECOMPILED_DIR } from '../fhir/resource-validation';
import { type ContentNames, TERMINOLOGY_TYPES, type TerminologyResource, type TerminologyResourceType } from '../terminology/registry';
import { UCUM_CODE_SYSTEM } from '../terminology/ucum';

/**
 * FHIR's own terminology, as published with R4 4.0.1: the code systems and value sets of the
 * core specification (administrative-gender, observation-status, ...), of HL7 v3 and of HL7 v2,
 * and UCUM for units.
 * A validator that uses this server asks for them all the time.
 */
const CORE_BUNDLES = ['valuesets.json', 'v3-codesystems.json', 'v2-tables.json'];

export function loadFhirCoreTerminology(): TerminologyResource[] {
  const out: TerminologyResource[] = [UCUM_CODE_SYSTEM];
  for (const file of CORE_BUNDLES) {
    const bundle = JSON.parse(readFileSync(r4DefinitionsFile(file), 'utf8')) as Bundle;
    for (const entry of bundle.entry ?? []) {
      const r = entry.resource;
      if (r?.resourceType === 'CodeSystem' || r?.resourceType === 'ValueSet' || r?.resourceType === 'ConceptMap') out.push(r);
    }
  }
  return out;
}

/** The urls and ids of a body of content. */
export function contentNames(resources: TerminologyResource[]): ContentNames {
  return {
    urls: new Set(resources.flatMap((r) => (r.url ? [r.url] : []))),
    ids: new Set(resources.flatMap((r) => (r.id ? [r.id] : []))),
    types: new Set(resources.map((r) => r.resourceType)),
  };
}

const NAMES_FILE = 'core-terminology-names.json';

/** Build step: the names of FHIR's own terminology, so that the server knows them without reading it all. */
export function writeCoreTerminologyNames(dir: string): string {
  const names = contentNames(loadFhirCoreTerminology());
  writeFileSync(path.join(dir, NAMES_FILE), JSON.stringify({ urls: [...names.urls], ids: [...names.ids], types: [...names.types] }));
  return `wrote the names of ${names.urls.size} FHIR core terminology urls into ${dir}`;
}

/**
 * The names of FHIR's own terminology, as the build wrote them (undefined before a build: then
 * any request that looks beyond the server's content reads it all).
 */
export function coreTerminologyNames(dir = PRECOMPILED_DIR): ContentNames | undefined {
  const file = path.join(dir, NAMES_FILE);
  if (!existsSync(file)) return undefined;
  const names = JSON.parse(readFileSync(file, 'utf8')) as { urls: string[]; ids: string[]; types?: TerminologyResourceType[] };
  // names written before the types were: any type may be there
  return { urls: new Set(names.urls), ids: new Set(names.ids), types: new Set(names.types ?? TERMINOLOGY_TYPES) };
}
