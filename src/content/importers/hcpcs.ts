import type { CodeSystem, CodeSystemConcept, CodeSystemConceptProperty, CodeSystemProperty } from 'fhir/r4';
import { EFFECTIVE_DATE_PROPERTY, STATUS_PROPERTY, TERMINATION_DATE_PROPERTY, baseName, resourceId, synonym, yearInFileName } from './fhir';
import { PROGRESS_EVERY, cols, splitLines } from './lines';
import { type BuildOptions, type ImportInput, type Importer, type ImportOutcome, type ParseOptions, type ParseResult, fail, ok } from './types';

/**
 * CMS HCPCS Level II alpha-numeric file (HCPCyyyy_ANWEB*.txt / HCPCyyyy_CONTR_ANWEB.txt),
 * 320-character fixed-width records (CMS record layout):
 *   1-5 HCPCS code (modifiers: 2 characters in columns 4-5), 6-10 sequence number,
 *   11 record id: 3 = procedure, first line; 4 = procedure, continuation;
 *                 7 = modifier, first line;  8 = modifier, continuation,
 *   12-91 long description (continuation lines carry the rest of it),
 *   92-119 short description, ..., 269-276 code added date, 277-284 action effective date,
 *   285-292 termination date (all CCYYMMDD), 293 action code.
 * Lines before the first record (the CMS disclaimer) are skipped.
 */
export interface HcpcsRecord {
  readonly line: number;
  readonly code: string;
  readonly modifier: boolean;
  readonly longDescription: string;
  readonly shortDescription: string;
  /** ISO dates (yyyy-mm-dd) or undefined when blank. */
  readonly addDate: string | undefined;
  readonly actionEffectiveDate: string | undefined;
  readonly terminationDate: string | undefined;
  readonly actionCode: string;
}

export const HCPCS_URL = 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
export const HCPCS_ID = 'hcpcs-level-ii';

const RECORD_START = /^.{5}[0-9]{5}[3478]/;
const PROCEDURE_CODE = /^[A-Z][0-9]{4}$/;
const MODIFIER_CODE = /^[0-9A-Z]{2}$/;

function isoDate(raw: string, what: string, line: number): ParseResult<string | undefined> {
  const v = raw.trim();
  if (v === '') return ok(undefined);
  const m = /^([0-9]{4})([0-9]{2})([0-9]{2})$/.exec(v);
  if (!m) return fail(line, `${what} ${JSON.stringify(v)} is not a date (CCYYMMDD)`);
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return fail(line, `${what} ${v} is not a valid date`);
  return ok(`${y}-${mo}-${d}`);
}

interface Building {
  line: number;
  code: string;
  modifier: boolean;
  recordId: string;
  sequence: number;
  parts: string[];
  shortDescription: string;
  addDate: string | undefined;
  actionEffectiveDate: string | undefined;
  terminationDate: string | undefined;
  actionCode: string;
}

function finish(b: Building): HcpcsRecord {
  return {
    line: b.line,
    code: b.code,
    modifier: b.modifier,
    longDescription: b.parts.join(' ').replace(/\s+/g, ' ').trim(),
    shortDescription: b.shortDescription,
    addDate: b.addDate,
    actionEffectiveDate: b.actionEffectiveDate,
    terminationDate: b.terminationDate,
    actionCode: b.actionCode,
  };
}

export function parseHcpcs(text: string, options: ParseOptions = {}): ParseResult<HcpcsRecord[]> {
  const lines = splitLines(text);
  const records: HcpcsRecord[] = [];
  const seen = new Map<string, number>();
  let current: Building | undefined;
  let started = false;
  const close = (): ParseResult<null> => {
    if (current) {
      const first = seen.get(current.code);
      if (first !== undefined) return fail(current.line, `code ${current.code} already appeared on line ${first}`);
      seen.set(current.code, current.line);
      records.push(finish(current));
      current = undefined;
    }
    return ok(null);
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = i + 1;
    if (i % PROGRESS_EVERY === 0) options.onProgress?.(i, lines.length);
    if (raw.trim() === '') continue;
    if (!RECORD_START.test(raw)) {
      if (!started) continue; // disclaimer / preamble before the first record
      return fail(line, 'not an HCPCS record: expected code (1-5), sequence number (6-10) and record id 3, 4, 7 or 8 (11)');
    }
    started = true;
    const recordId = raw[10] as string;
    const code = cols(raw, 1, 5).trim();
    const sequence = Number(cols(raw, 6, 10));
    const modifier = recordId === '7' || recordId === '8';
    if (modifier ? !MODIFIER_CODE.test(code) : !PROCEDURE_CODE.test(code)) {
      return fail(line, `${JSON.stringify(code)} is not a HCPCS Level II ${modifier ? 'modifier (2 characters in columns 4-5)' : 'code (letter and 4 digits)'}`);
    }
    const longPart = cols(raw, 12, 91).trim();
    if (recordId === '4' || recordId === '8') {
      const expected = recordId === '4' ? '3' : '7';
      if (!current || current.code !== code || (current.recordId !== expected && current.recordId !== recordId)) {
        return fail(line, `continuation line (record id ${recordId}) for ${code} does not follow a first line (record id ${expected}) of ${code}`);
      }
      if (sequence <= current.sequence) return fail(line, `sequence number ${sequence} of ${code} is not greater than the previous ${current.sequence}`);
      current.sequence = sequence;
      current.recordId = recordId;
      if (longPart) current.parts.push(longPart);
      continue;
    }
    const closed = close();
    if (!closed.ok) return closed;
    if (raw.length < 119) return fail(line, `first line of ${code} is ${raw.length} characters long; it needs at least 119 (long and short description)`);
    const shortDescription = cols(raw, 92, 119).trim();
    if (longPart === '' && shortDescription === '') return fail(line, `${code} has neither a long (12-91) nor a short (92-119) description`);
    const addDate = isoDate(cols(raw, 269, 276), 'code added date (269-276)', line);
    if (!addDate.ok) return addDate;
    const effective = isoDate(cols(raw, 277, 284), 'action effective date (277-284)', line);
    if (!effective.ok) return effective;
    const termination = isoDate(cols(raw, 285, 292), 'termination date (285-292)', line);
    if (!termination.ok) return termination;
    current = {
      line,
      code,
      modifier,
      recordId,
      sequence,
      parts: longPart ? [longPart] : [],
      shortDescription,
      addDate: addDate.value,
      actionEffectiveDate: effective.value,
      terminationDate: termination.value,
      actionCode: cols(raw, 293, 293).trim(),
    };
  }
  const closed = close();
  if (!closed.ok) return closed;
  options.onProgress?.(lines.length, lines.length);
  if (records.length === 0) return fail(1, 'no HCPCS records found (expected 320-character ANWEB records)');
  return ok(records);
}

const HCPCS_PROPERTIES: CodeSystemProperty[] = [
  { code: 'modifier', description: 'True for a HCPCS Level II modifier (2-character code), false for a procedure/supply code', type: 'boolean' },
  { ...EFFECTIVE_DATE_PROPERTY, description: 'HCPCS code added date' },
  { code: 'action-effective-date', description: 'Effective date of the latest action on the code', type: 'dateTime' },
  { code: 'action-code', description: 'HCPCS action code of the latest change (A add, C change, D discontinue, N no change, P payment change, S short description change, ...)', type: 'code' },
  { ...TERMINATION_DATE_PROPERTY, description: 'HCPCS termination date: last day the code may be used' },
  STATUS_PROPERTY,
];

export function buildHcpcsCodeSystem(records: readonly HcpcsRecord[], options: BuildOptions): CodeSystem {
  const concept: CodeSystemConcept[] = records.map((r) => {
    const c: CodeSystemConcept = { code: r.code, display: r.longDescription || r.shortDescription };
    if (r.shortDescription && r.shortDescription !== c.display) c.designation = [synonym(r.shortDescription)];
    const property: CodeSystemConceptProperty[] = [{ code: 'modifier', valueBoolean: r.modifier }];
    if (r.addDate) property.push({ code: 'effective-date', valueDateTime: r.addDate });
    if (r.actionEffectiveDate) property.push({ code: 'action-effective-date', valueDateTime: r.actionEffectiveDate });
    if (r.actionCode) property.push({ code: 'action-code', valueCode: r.actionCode });
    if (r.terminationDate) {
      property.push({ code: 'termination-date', valueDateTime: r.terminationDate });
      property.push({ code: 'status', valueCode: 'retired' });
    }
    c.property = property;
    return c;
  });
  return {
    resourceType: 'CodeSystem',
    id: resourceId(HCPCS_ID, options.version),
    url: HCPCS_URL,
    version: options.version,
    name: 'HCPCSLevelII',
    title: `HCPCS Level II ${options.version}`,
    status: 'active',
    experimental: false,
    publisher: 'Centers for Medicare & Medicaid Services (CMS)',
    description: `CMS HCPCS Level II alpha-numeric codes and modifiers, ${options.version} release, imported from the fixed-width ANWEB file. Display is the long description; the short description is a designation.`,
    copyright: 'HCPCS Level II is maintained by CMS and is in the public domain. It does not contain CPT (Level I) codes.',
    caseSensitive: true,
    content: 'complete',
    count: concept.length,
    property: HCPCS_PROPERTIES,
    concept,
  };
}

/** HCPC2020_ANWEB_w_disclaimer.txt or 2020-Alpha-Numeric-HCPCS-File → "2020". */
export function inferHcpcsVersion(fileName: string): string | undefined {
  const name = baseName(fileName);
  const m = /HCPC(20[0-9]{2})/i.exec(name);
  return m ? m[1] : yearInFileName(name);
}

export const hcpcsImporter: Importer = {
  kind: 'hcpcs',
  description: 'CMS HCPCS Level II alpha-numeric fixed-width file (HCPCyyyy_ANWEB*.txt)',
  versionRequired: false,
  maxFiles: 1,
  inferVersion: (names) => (names[0] === undefined ? undefined : inferHcpcsVersion(names[0])),
  run(inputs: readonly ImportInput[], version: string, onProgress): ImportOutcome {
    const input = inputs[0] as ImportInput;
    const parsed = parseHcpcs(input.text, { onProgress: (d, t) => onProgress?.(input.name, d, t) });
    if (!parsed.ok) return { ok: false, file: input.name, error: parsed.error };
    const records = parsed.value;
    const modifiers = records.filter((r) => r.modifier).length;
    return {
      ok: true,
      codeSystem: buildHcpcsCodeSystem(records, { version }),
      summary: [
        ['codes', records.length],
        ['procedure/supply codes', records.length - modifiers],
        ['modifiers', modifiers],
        ['retired (termination date)', records.filter((r) => r.terminationDate !== undefined).length],
      ],
    };
  },
};
