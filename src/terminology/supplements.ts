import type { CodeSystem, ValueSet } from 'fhir/r4';
import type { CodeSystemIndex } from './code-system-index';
import { issue, TerminologyError } from './issues';
import type { TerminologyRegistry } from './registry';
import { splitCanonical } from './versions';

/**
 * Code system supplements: which ones a value set or a request requires, that they exist, and
 * which ones were applied to a code system (reported as used-supplement and designation sources).
 */

export const VALUESET_SUPPLEMENT = 'http://hl7.org/fhir/StructureDefinition/valueset-supplement';

/** Supplements a value set declares it needs (the valueset-supplement extension). */
export function requiredSupplements(vs: ValueSet): string[] {
  return (vs.extension ?? [])
    .filter((e) => e.url === VALUESET_SUPPLEMENT)
    .map((e) => e.valueCanonical ?? e.valueUri ?? '')
    .filter(Boolean);
}

/** Every named supplement must be known: an unknown one is a 404 VALUESET_SUPPLEMENT_MISSING. */
export function requireSupplements(registry: TerminologyRegistry, canonicals: string[]): void {
  const missing = canonicals.filter((canonical) => {
    const { url, version } = splitCanonical(canonical);
    return !registry.resolve('CodeSystem', url, version)?.supplements;
  });
  if (missing.length) {
    throw new TerminologyError(issue('VALUESET_SUPPLEMENT_MISSING', [missing.join(', ')]));
  }
}

/** The supplements applied to this code system's index. */
export function appliedSupplements(registry: TerminologyRegistry, cs: CodeSystemIndex): CodeSystem[] {
  return registry.supplementsFor(cs.url).filter((s) => {
    const target = splitCanonical(s.supplements ?? '');
    return target.version === undefined || target.version === cs.version;
  });
}

const SUPPLEMENT_TYPE = 'http://hl7.org/fhir/StructureDefinition/codesystem-supplement-type';

/** A language pack (supplement type lang-pack) applies wherever its code system is used, unasked. */
export function isLanguagePack(supplement: CodeSystem): boolean {
  return (supplement.extension ?? []).some((e) => e.url === SUPPLEMENT_TYPE && (e.valueCode ?? e.valueString) === 'lang-pack');
}
