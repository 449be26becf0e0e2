import type { ValueSet } from 'fhir/r4';

/**
 * Parameters a value set declares for its own use (the valueset-expansion-parameter extension on
 * compose, under its core or its tools url): $expand and $validate-code read them the same way.
 */
const EXPANSION_PARAMETER = new Set([
  'http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter',
  'http://hl7.org/fhir/tools/StructureDefinition/valueset-expansion-parameter',
]);

export interface DeclaredParameter {
  name: string;
  /** A code or string value. */
  text?: string;
  /** A boolean value. */
  flag?: boolean;
}

export function declaredParameters(vs: ValueSet | undefined): DeclaredParameter[] {
  const out: DeclaredParameter[] = [];
  for (const ext of vs?.compose?.extension ?? []) {
    if (!EXPANSION_PARAMETER.has(ext.url)) continue;
    const name = ext.extension?.find((e) => e.url === 'name')?.valueCode;
    const value = ext.extension?.find((e) => e.url === 'value');
    if (!name || !value) continue;
    const text = value.valueCode ?? value.valueString;
    out.push({ name, ...(text !== undefined ? { text } : {}), ...(value.valueBoolean !== undefined ? { flag: value.valueBoolean } : {}) });
  }
  return out;
}
