import type { CodeSystem, CodeSystemConcept, CodeSystemConceptProperty, CodeSystemProperty } from 'fhir/r4';
import { parseCsv } from './csv';
import { INACTIVE_PROPERTY, baseName, resourceId } from './fhir';
import { PROGRESS_EVERY } from './lines';
import { type BuildOptions, type ImportInput, type Importer, type ImportOutcome, type ParseOptions, type ParseResult, fail, ok } from './types';

/**
 * NUCC Health Care Provider Taxonomy CSV (nucc_taxonomy_NNN.csv), RFC 4180, header
 * Code,Grouping,Classification,Specialization,Definition,Notes,Display Name,Section
 * (Notes, Display Name and Section are absent from some older releases).
 */
export interface NuccRow {
  readonly line: number;
  readonly code: string;
  readonly grouping: string;
  readonly classification: string;
  readonly specialization: string;
  readonly definition: string;
  readonly notes: string;
  readonly displayName: string;
  readonly section: string;
  /** Notes say the code was "marked inactive" (NUCC has no status column). */
  readonly inactive: boolean;
}

export const NUCC_URL = 'http://nucc.org/provider-taxonomy';
export const NUCC_ID = 'nucc-provider-taxonomy';

const REQUIRED_COLUMNS = ['Code', 'Grouping', 'Classification', 'Specialization', 'Definition'] as const;
const CODE_PATTERN = /^[0-9A-Z]{9}X$/;

export function parseNucc(text: string, options: ParseOptions = {}): ParseResult<NuccRow[]> {
  const csv = parseCsv(text);
  if (!csv.ok) return csv;
  const records = csv.value;
  const header = records[0];
  if (header === undefined) return fail(1, 'file is empty: expected a header line starting with Code,Grouping,Classification,Specialization');
  const index = new Map<string, number>();
  header.fields.forEach((name, i) => index.set(name.trim().toLowerCase(), i));
  for (const col of REQUIRED_COLUMNS) {
    if (!index.has(col.toLowerCase())) return fail(header.line, `header has no "${col}" column (found: ${header.fields.join(', ')})`);
  }
  const at = (fields: readonly string[], col: string): string => {
    const i = index.get(col.toLowerCase());
    return i === undefined ? '' : (fields[i] ?? '').trim();
  };
  const rows: NuccRow[] = [];
  const seen = new Map<string, number>();
  for (let r = 1; r < records.length; r++) {
    const rec = records[r] as (typeof records)[number];
    if (r % PROGRESS_EVERY === 0) options.onProgress?.(r, records.length);
    if (rec.fields.length !== header.fields.length) {
      return fail(rec.line, `record has ${rec.fields.length} fields, the header has ${header.fields.length}`);
    }
    const code = at(rec.fields, 'Code');
    if (!CODE_PATTERN.test(code)) return fail(rec.line, `code ${JSON.stringify(code)} is not a NUCC taxonomy code (9 letters/digits then X)`);
    const first = seen.get(code);
    if (first !== undefined) return fail(rec.line, `code ${code} already appeared on line ${first}`);
    seen.set(code, rec.line);
    const classification = at(rec.fields, 'Classification');
    if (classification === '') return fail(rec.line, `code ${code} has no Classification`);
    const notes = at(rec.fields, 'Notes');
    rows.push({
      line: rec.line,
      code,
      grouping: at(rec.fields, 'Grouping'),
      classification,
      specialization: at(rec.fields, 'Specialization'),
      definition: at(rec.fields, 'Definition'),
      notes,
      displayName: at(rec.fields, 'Display Name'),
      section: at(rec.fields, 'Section'),
      inactive: /marked inactive/i.test(notes),
    });
  }
  options.onProgress?.(records.length, records.length);
  if (rows.length === 0) return fail(header.line, 'no taxonomy codes after the header');
  return ok(rows);
}

function stringProperty(code: string, value: string): CodeSystemConceptProperty {
  return { code, valueString: value };
}

const NUCC_PROPERTIES: CodeSystemProperty[] = [
  { code: 'grouping', description: 'NUCC Grouping (level 1; groupings have no code of their own)', type: 'string' },
  { code: 'classification', description: 'NUCC Classification (level 2)', type: 'string' },
  { code: 'specialization', description: 'NUCC Specialization (level 3), absent for classification codes', type: 'string' },
  { code: 'section', description: 'NUCC Section: Individual or Non-Individual', type: 'string' },
  { ...INACTIVE_PROPERTY, description: 'True when the NUCC notes say the code was marked inactive' },
];

function key(grouping: string, classification: string): string {
  return `${grouping}\u0000${classification}`;
}

/**
 * Builds the NUCC CodeSystem. Groupings are not given codes (NUCC has none); they are the
 * `grouping` property. A specialization is nested under its classification's code when that
 * classification has its own row (blank Specialization); otherwise it is top level.
 */
export function buildNuccCodeSystem(rows: readonly NuccRow[], options: BuildOptions): CodeSystem {
  const classificationConcept = new Map<string, CodeSystemConcept>();
  const concepts = new Map<NuccRow, CodeSystemConcept>();
  for (const row of rows) {
    const display = row.displayName || (row.specialization ? `${row.classification}, ${row.specialization}` : row.classification);
    const concept: CodeSystemConcept = { code: row.code, display };
    if (row.definition) concept.definition = row.definition;
    const property: CodeSystemConceptProperty[] = [];
    if (row.grouping) property.push(stringProperty('grouping', row.grouping));
    property.push(stringProperty('classification', row.classification));
    if (row.specialization) property.push(stringProperty('specialization', row.specialization));
    if (row.section) property.push(stringProperty('section', row.section));
    if (row.inactive) property.push({ code: 'inactive', valueBoolean: true });
    concept.property = property;
    concepts.set(row, concept);
    if (!row.specialization && !classificationConcept.has(key(row.grouping, row.classification))) {
      classificationConcept.set(key(row.grouping, row.classification), concept);
    }
  }
  const roots: CodeSystemConcept[] = [];
  for (const row of rows) {
    const concept = concepts.get(row) as CodeSystemConcept;
    const parent = row.specialization ? classificationConcept.get(key(row.grouping, row.classification)) : undefined;
    if (parent) (parent.concept ??= []).push(concept);
    else roots.push(concept);
  }
  return {
    resourceType: 'CodeSystem',
    id: resourceId(NUCC_ID, options.version),
    url: NUCC_URL,
    version: options.version,
    name: 'NUCCProviderTaxonomy',
    title: `NUCC Health Care Provider Taxonomy ${options.version}`,
    status: 'active',
    experimental: false,
    publisher: 'National Uniform Claim Committee (NUCC)',
    description: `NUCC Health Care Provider Taxonomy code set version ${options.version}, imported from the NUCC CSV. Specializations are nested under their classification code where one exists; the grouping is a property.`,
    copyright: 'The Health Care Provider Taxonomy code set is maintained by the National Uniform Claim Committee (NUCC); see https://www.nucc.org for terms of use.',
    caseSensitive: true,
    hierarchyMeaning: 'is-a',
    content: 'complete',
    count: rows.length,
    property: NUCC_PROPERTIES,
    concept: roots,
  };
}

/** nucc_taxonomy_251.csv → "25.1" (two-digit year, then the release of that year). */
export function inferNuccVersion(fileName: string): string | undefined {
  const m = /(?:^|[^0-9])([0-9]{2})([0-9])(?=[^0-9]|$)/.exec(baseName(fileName));
  if (m) return `${m[1]}.${m[2]}`;
  const dotted = /(?:^|[^0-9])([0-9]{2}\.[0-9])(?=[^0-9]|$)/.exec(baseName(fileName).replace(/\.csv$/i, ''));
  return dotted ? dotted[1] : undefined;
}

export const nuccImporter: Importer = {
  kind: 'nucc',
  description: 'NUCC Health Care Provider Taxonomy CSV (nucc_taxonomy_NNN.csv)',
  versionRequired: false,
  maxFiles: 1,
  inferVersion: (names) => (names[0] === undefined ? undefined : inferNuccVersion(names[0])),
  run(inputs: readonly ImportInput[], version: string, onProgress): ImportOutcome {
    const input = inputs[0] as ImportInput;
    const parsed = parseNucc(input.text, { onProgress: (d, t) => onProgress?.(input.name, d, t) });
    if (!parsed.ok) return { ok: false, file: input.name, error: parsed.error };
    const rows = parsed.value;
    const classifications = rows.filter((r) => !r.specialization).length;
    return {
      ok: true,
      codeSystem: buildNuccCodeSystem(rows, { version }),
      summary: [
        ['codes', rows.length],
        ['classifications', classifications],
        ['specializations', rows.length - classifications],
        ['groupings (property only)', new Set(rows.map((r) => r.grouping)).size],
        ['marked inactive', rows.filter((r) => r.inactive).length],
      ],
    };
  },
};
