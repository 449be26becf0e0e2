import type { CodeSystemConceptDesignation, CodeSystemProperty, Coding } from 'fhir/r4';

/** Designation use for a short/alternative description: SNOMED CT "Synonym". */
export const SYNONYM_USE: Coding = {
  system: 'http://snomed.info/sct',
  code: '900000000000013009',
  display: 'Synonym',
};

export function synonym(value: string): CodeSystemConceptDesignation {
  return { use: SYNONYM_USE, value };
}

const CONCEPT_PROPERTIES = 'http://hl7.org/fhir/concept-properties#';

export const NOT_SELECTABLE_PROPERTY: CodeSystemProperty = {
  code: 'notSelectable',
  uri: `${CONCEPT_PROPERTIES}notSelectable`,
  description: 'A header or category code that may not be used on its own (not billable / not valid for HIPAA transactions).',
  type: 'boolean',
};

export const STATUS_PROPERTY: CodeSystemProperty = {
  code: 'status',
  uri: `${CONCEPT_PROPERTIES}status`,
  description: 'Status of the concept: "retired" when the release gives it a termination date.',
  type: 'code',
};

export const INACTIVE_PROPERTY: CodeSystemProperty = {
  code: 'inactive',
  uri: `${CONCEPT_PROPERTIES}inactive`,
  description: 'True if the concept is no longer active.',
  type: 'boolean',
};

export const EFFECTIVE_DATE_PROPERTY: CodeSystemProperty = {
  code: 'effective-date',
  uri: `${CONCEPT_PROPERTIES}effectiveDate`,
  description: 'Date the code became effective.',
  type: 'dateTime',
};

export const TERMINATION_DATE_PROPERTY: CodeSystemProperty = {
  code: 'termination-date',
  description: 'Date after which the code is no longer valid.',
  type: 'dateTime',
};

/** A 4-digit year (19xx/20xx) standing alone in a file name, e.g. icd10cm_order_2026.txt → 2026. */
export function yearInFileName(name: string): string | undefined {
  const m = /(?:^|[^0-9])((?:19|20)[0-9]{2})(?=[^0-9]|$)/.exec(baseName(name));
  return m ? m[1] : undefined;
}

export function baseName(name: string): string {
  const parts = name.split(/[\\/]/);
  return parts[parts.length - 1] ?? name;
}

/** A FHIR id ([A-Za-z0-9.-]{1,64}) made of a base and a version. */
export function resourceId(base: string, version: string): string {
  return `${base}-${version.replace(/[^A-Za-z0-9.-]/g, '-')}`.slice(0, 64);
}
