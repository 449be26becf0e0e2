import type { CodeSystem, CodeSystemConcept } from 'fhir/r4';
import { NOT_SELECTABLE_PROPERTY, baseName, resourceId, synonym, yearInFileName } from './fhir';
import { PROGRESS_EVERY, cols, splitLines } from './lines';
import { type BuildOptions, type ImportInput, type Importer, type ImportOutcome, type ParseOptions, type ParseResult, fail, ok } from './types';

/**
 * ICD-10-CM "code descriptions in tabular order" (icd10cm_order_YYYY.txt), fixed width:
 *   cols 1-5 order number (zero padded), 6 blank, 7-13 code without dot (space padded),
 *   14 blank, 15 billable flag (1 = valid for HIPAA transactions, 0 = header),
 *   16 blank, 17-76 short description, 77 blank, 78- long description.
 */
export interface Icd10cmRow {
  readonly line: number;
  readonly order: number;
  /** Code as in the file, without the dot (M8000XA). */
  readonly code: string;
  readonly billable: boolean;
  readonly shortDescription: string;
  readonly longDescription: string;
}

export const ICD10CM_URL = 'http://hl7.org/fhir/sid/icd-10-cm';
export const ICD10CM_ID = 'icd-10-cm';

const CODE_PATTERN = /^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$/;
const ORDER_PATTERN = /^[0-9]{5}$/;

/** Parses one line of the order file (line = its 1-based number, for errors). */
export function parseIcd10cmLine(text: string, line: number): ParseResult<Icd10cmRow> {
  if (text.length < 78) {
    return fail(line, `line is ${text.length} characters long; an order-file record has at least 78 (order, code, flag, short and long description)`);
  }
  const orderText = cols(text, 1, 5);
  if (!ORDER_PATTERN.test(orderText)) return fail(line, `order number (columns 1-5) is ${JSON.stringify(orderText)}, expected 5 digits`);
  for (const col of [6, 14, 16, 77]) {
    if (text[col - 1] !== ' ') return fail(line, `column ${col} should be blank but is ${JSON.stringify(text[col - 1])}`);
  }
  const code = cols(text, 7, 13).trimEnd();
  if (!CODE_PATTERN.test(code)) return fail(line, `code (columns 7-13) ${JSON.stringify(code)} is not an ICD-10-CM code without dot`);
  const flag = text[14];
  if (flag !== '0' && flag !== '1') return fail(line, `billable flag (column 15) is ${JSON.stringify(flag)}, expected 0 or 1`);
  const shortDescription = cols(text, 17, 76).trim();
  const longDescription = cols(text, 78).trim();
  if (shortDescription === '') return fail(line, 'short description (columns 17-76) is empty');
  if (longDescription === '') return fail(line, 'long description (columns 78-) is empty');
  return ok({ line, order: Number(orderText), code, billable: flag === '1', shortDescription, longDescription });
}

/** Parses a whole order file. Blank lines are ignored; a code may appear only once. */
export function parseIcd10cmOrder(text: string, options: ParseOptions = {}): ParseResult<Icd10cmRow[]> {
  const lines = splitLines(text);
  const rows: Icd10cmRow[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (i % PROGRESS_EVERY === 0) options.onProgress?.(i, lines.length);
    if (raw.trim() === '') continue;
    const parsed = parseIcd10cmLine(raw, i + 1);
    if (!parsed.ok) return parsed;
    const row = parsed.value;
    const first = seen.get(row.code);
    if (first !== undefined) return fail(i + 1, `code ${row.code} already appeared on line ${first}`);
    seen.set(row.code, i + 1);
    rows.push(row);
  }
  options.onProgress?.(lines.length, lines.length);
  if (rows.length === 0) return fail(1, 'no ICD-10-CM records found (empty file?)');
  return ok(rows);
}

/** M8000XA → M80.00XA; 3-character categories have no dot. */
export function dottedIcd10cm(code: string): string {
  return code.length > 3 ? `${code.slice(0, 3)}.${code.slice(3)}` : code;
}

/** The parent code (undotted) of each code: the longest proper prefix that is itself a code. */
export function icd10cmParents(codes: Iterable<string>): Map<string, string | undefined> {
  const set = new Set(codes);
  const parents = new Map<string, string | undefined>();
  for (const code of set) {
    let parent: string | undefined;
    for (let len = code.length - 1; len >= 3; len--) {
      const prefix = code.slice(0, len);
      if (set.has(prefix)) {
        parent = prefix;
        break;
      }
    }
    parents.set(code, parent);
  }
  return parents;
}

/** Builds the complete, nested ICD-10-CM CodeSystem from parsed rows (in file order). */
export function buildIcd10cmCodeSystem(rows: readonly Icd10cmRow[], options: BuildOptions): CodeSystem {
  const parents = icd10cmParents(rows.map((r) => r.code));
  const nodes = new Map<string, CodeSystemConcept>();
  const roots: CodeSystemConcept[] = [];
  for (const row of rows) {
    const concept: CodeSystemConcept = { code: dottedIcd10cm(row.code), display: row.longDescription };
    if (row.shortDescription !== row.longDescription) concept.designation = [synonym(row.shortDescription)];
    if (!row.billable) concept.property = [{ code: 'notSelectable', valueBoolean: true }];
    nodes.set(row.code, concept);
  }
  for (const row of rows) {
    const concept = nodes.get(row.code) as CodeSystemConcept;
    const parentCode = parents.get(row.code);
    if (parentCode === undefined) {
      roots.push(concept);
    } else {
      const parent = nodes.get(parentCode) as CodeSystemConcept;
      (parent.concept ??= []).push(concept);
    }
  }
  return {
    resourceType: 'CodeSystem',
    id: resourceId(ICD10CM_ID, options.version),
    url: ICD10CM_URL,
    version: options.version,
    name: 'ICD10CM',
    title: `ICD-10-CM (FY${options.version})`,
    status: 'active',
    experimental: false,
    publisher: 'National Center for Health Statistics (NCHS), CDC, and Centers for Medicare & Medicaid Services (CMS)',
    description: `International Classification of Diseases, Tenth Revision, Clinical Modification, fiscal year ${options.version}, imported from the CMS/NCHS code descriptions in tabular order (order file). Display is the long description; the short description is a designation; header (non-billable) codes have notSelectable = true.`,
    copyright: 'ICD-10-CM is a US government work (NCHS/CMS), public domain; the WHO ICD-10 base is used by permission.',
    caseSensitive: true,
    hierarchyMeaning: 'is-a',
    content: 'complete',
    count: rows.length,
    property: [NOT_SELECTABLE_PROPERTY],
    concept: roots,
  };
}

/** Fiscal year from a file name such as icd10cm_order_2026.txt or icd10cm-order-2027.txt. */
export function inferIcd10cmVersion(fileName: string): string | undefined {
  return yearInFileName(baseName(fileName));
}

export const icd10cmImporter: Importer = {
  kind: 'icd10cm',
  description: 'ICD-10-CM code descriptions in tabular order (icd10cm_order_YYYY.txt)',
  versionRequired: false,
  maxFiles: 1,
  inferVersion: (names) => (names[0] === undefined ? undefined : inferIcd10cmVersion(names[0])),
  run(inputs: readonly ImportInput[], version: string, onProgress): ImportOutcome {
    const input = inputs[0] as ImportInput;
    const parsed = parseIcd10cmOrder(input.text, { onProgress: (d, t) => onProgress?.(input.name, d, t) });
    if (!parsed.ok) return { ok: false, file: input.name, error: parsed.error };
    const rows = parsed.value;
    const billable = rows.reduce((n, r) => n + (r.billable ? 1 : 0), 0);
    return {
      ok: true,
      codeSystem: buildIcd10cmCodeSystem(rows, { version }),
      summary: [
        ['codes', rows.length],
        ['billable', billable],
        ['headers (notSelectable)', rows.length - billable],
      ],
    };
  },
};
