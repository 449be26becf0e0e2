import { readFileSync } from 'node:fs';
import type { Bundle } from 'fhir/r4';
import { r4DefinitionsFile } from '../fhir/definitions';
import type { TerminologyResource } from '../terminology/registry';
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
