/**
 * The status of a concept: decided once, here, when a code system is indexed, and read as
 * `Concept.inactive`, `Concept.deprecated` and `Concept.status` by every operation ($expand
 * activeOnly and compose.inactive, $validate-code warnings, filters on `inactive`, $lookup).
 *
 * - `status` is the concept's status property (concept-properties#status, whatever code the code
 *   system gives it), else its standards-status extension.
 * - A concept is inactive when its inactive flag (concept-properties#inactive, under any code) is
 *   true, or its status is inactive, retired or withdrawn.
 * - A deprecated concept is still active (deprecated means "to be retired": still valid, with a
 *   warning), unless its inactive flag says it is inactive too.
 */
/** The standards-status extension: a concept's, a designation's or a resource's status where no property states it. */
export const STANDARDS_STATUS = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status';

export interface ConceptStatus {
  status?: string;
  inactive: boolean;
  deprecated: boolean;
}

const INACTIVE_STATUSES = new Set(['inactive', 'retired', 'withdrawn']);

export function conceptStatus(status: string | undefined, inactiveFlag: boolean | undefined): ConceptStatus {
  return {
    status,
    inactive: inactiveFlag === true || (status !== undefined && INACTIVE_STATUSES.has(status)),
    deprecated: status === 'deprecated',
  };
}

/** The status word an inactive concept is reported with ($validate-code `status`, expansion status property). */
export function inactiveStatusWord(concept: ConceptStatus): string | undefined {
  if (concept.status) return concept.status;
  return concept.inactive ? 'inactive' : undefined;
}
