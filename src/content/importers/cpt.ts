import type { CodeSystem, CodeSystemConcept, CodeSystemConceptDesignation, CodeSystemProperty } from 'fhir/r4';
import { baseName, resourceId, synonym } from './fhir';
import { PROGRESS_EVERY, splitLines } from './lines';
import { type BuildOptions, type ImportInput, type Importer, type ImportOutcome, type ParseOptions, type ParseResult, fail, ok } from './types';

/**
 * AMA CPT licensee data files: tab-delimited descriptor files, one code per line
 * (`code<TAB>descriptor`), optionally with a header line:
 *   LONGULT.txt long descriptors, MEDU.txt medium, SHORTU.txt short, MODUL.txt modifiers.
 * CPT text is copyrighted by the AMA: this importer is only for licensees' own files.
 */
export type CptFileRole = 'long' | 'medium' | 'short' | 'modifier';

export interface CptEntry {
  readonly line: number;
  readonly code: string;
  readonly descriptor: string;
}

export interface CptFile {
  readonly name: string;
  readonly role: CptFileRole;
  readonly entries: readonly CptEntry[];
}

export const CPT_URL = 'http://www.ama-assn.org/go/cpt';
export const CPT_ID = 'cpt';

const CODE_PATTERN = /^[0-9]{4}[0-9A-Z]$/;
const MODIFIER_PATTERN = /^[0-9A-Z]{2}$/;
const HEADER_PATTERN = /^(cpt[ _-]?)?(code|modifier|mod)\b/i;

/** Parses one descriptor file into (code, descriptor) entries. */
export function parseCptDescriptorFile(text: string, options: ParseOptions = {}): ParseResult<CptEntry[]> {
  const lines = splitLines(text);
  const entries: CptEntry[] = [];
  const seen = new Map<string, number>();
  let sawData = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = i + 1;
    if (i % PROGRESS_EVERY === 0) options.onProgress?.(i, lines.length);
    if (raw.trim() === '') continue;
    const tab = raw.indexOf('\t');
    const code = (tab >= 0 ? raw.slice(0, tab) : raw).trim();
    if (!sawData && HEADER_PATTERN.test(code) && !CODE_PATTERN.test(code) && !MODIFIER_PATTERN.test(code)) {
      sawData = true; // one header line allowed, before any data
      continue;
    }
    sawData = true;
    if (tab < 0) return fail(line, 'expected <code><TAB><descriptor>, found no tab');
    if (!CODE_PATTERN.test(code) && !MODIFIER_PATTERN.test(code)) {
      return fail(line, `${JSON.stringify(code)} is not a CPT code (4 digits + digit/letter) or modifier (2 characters)`);
    }
    const descriptor = raw.slice(tab + 1).replace(/\t/g, ' ').trim();
    if (descriptor === '') return fail(line, `code ${code} has an empty descriptor`);
    const first = seen.get(code);
    if (first !== undefined) return fail(line, `code ${code} already appeared on line ${first}`);
    seen.set(code, line);
    entries.push({ line, code, descriptor });
  }
  options.onProgress?.(lines.length, lines.length);
  if (entries.length === 0) return fail(1, 'no CPT descriptor lines found');
  return ok(entries);
}

/** The role of a file by its name (LONGULT.txt, MEDU.txt, SHORTU.txt, MODUL.txt), if the name says. */
export function cptRoleFromName(fileName: string): CptFileRole | undefined {
  const name = baseName(fileName).toUpperCase();
  // the word must start the name or follow a non-letter: "unnamed.txt" is no MEDium file
  if (/(^|[^A-Z])MOD/.test(name)) return 'modifier';
  if (/(^|[^A-Z])LONG/.test(name)) return 'long';
  if (/(^|[^A-Z])MED/.test(name)) return 'medium';
  if (/(^|[^A-Z])SHORT/.test(name)) return 'short';
  return undefined;
}

/** The role of a file by its content: 2-character codes are modifiers; else by descriptor length. */
export function cptRoleFromContent(entries: readonly CptEntry[]): CptFileRole {
  if (entries.every((e) => MODIFIER_PATTERN.test(e.code) && !CODE_PATTERN.test(e.code))) return 'modifier';
  const longest = entries.reduce((n, e) => Math.max(n, e.descriptor.length), 0);
  if (longest <= 28) return 'short';
  if (longest <= 48) return 'medium';
  return 'long';
}

/** Parses and classifies all files; each role may be given once. */
export function parseCptFiles(inputs: readonly ImportInput[], onProgress?: (file: string, done: number, total: number) => void): { ok: true; files: CptFile[] } | { ok: false; file: string; error: { line: number; reason: string } } {
  const files: CptFile[] = [];
  const byRole = new Map<CptFileRole, string>();
  for (const input of inputs) {
    const parsed = parseCptDescriptorFile(input.text, { onProgress: (d, t) => onProgress?.(input.name, d, t) });
    if (!parsed.ok) return { ok: false, file: input.name, error: parsed.error };
    const role = cptRoleFromName(input.name) ?? cptRoleFromContent(parsed.value);
    const other = byRole.get(role);
    if (other !== undefined) return { ok: false, file: input.name, error: { line: 1, reason: `holds ${role} descriptors, as does ${other}; give each file kind once` } };
    byRole.set(role, input.name);
    if (role === 'modifier') {
      const bad = parsed.value.find((e) => !MODIFIER_PATTERN.test(e.code));
      if (bad) return { ok: false, file: input.name, error: { line: bad.line, reason: `${bad.code} in a modifier file is not a 2-character modifier` } };
    } else {
      const bad = parsed.value.find((e) => !CODE_PATTERN.test(e.code));
      if (bad) return { ok: false, file: input.name, error: { line: bad.line, reason: `${bad.code} in a ${role} descriptor file is not a 5-character CPT code` } };
    }
    files.push({ name: input.name, role, entries: parsed.value });
  }
  return { ok: true, files };
}

const CPT_PROPERTIES: CodeSystemProperty[] = [
  { code: 'modifier', description: 'True for a CPT modifier (2-character code), false for a CPT code', type: 'boolean' },
];

/**
 * Builds the CPT CodeSystem: codes from the long/medium/short files (display = medium, else
 * short, else long; definition = long; other descriptors as designations), then modifiers.
 */
export function buildCptCodeSystem(files: readonly CptFile[], options: BuildOptions): CodeSystem {
  const text = new Map<string, Partial<Record<CptFileRole, string>>>();
  const order: string[] = [];
  const roleOrder: CptFileRole[] = ['long', 'medium', 'short', 'modifier'];
  const sorted = [...files].sort((a, b) => roleOrder.indexOf(a.role) - roleOrder.indexOf(b.role));
  for (const file of sorted) {
    for (const e of file.entries) {
      let t = text.get(e.code);
      if (!t) {
        t = {};
        text.set(e.code, t);
        order.push(e.code);
      }
      t[file.role] = e.descriptor;
    }
  }
  const concept: CodeSystemConcept[] = [];
  for (const code of order) {
    const t = text.get(code) as Partial<Record<CptFileRole, string>>;
    if (t.modifier !== undefined && t.long === undefined && t.medium === undefined && t.short === undefined) {
      concept.push({ code, display: t.modifier, property: [{ code: 'modifier', valueBoolean: true }] });
      continue;
    }
    const display = (t.medium ?? t.short ?? t.long) as string;
    const c: CodeSystemConcept = { code, display };
    if (t.long !== undefined && t.long !== display) c.definition = t.long;
    const designation: CodeSystemConceptDesignation[] = [];
    for (const d of [t.medium, t.short]) {
      if (d !== undefined && d !== display && !designation.some((x) => x.value === d)) designation.push(synonym(d));
    }
    if (designation.length > 0) c.designation = designation;
    c.property = [{ code: 'modifier', valueBoolean: false }];
    concept.push(c);
  }
  return {
    resourceType: 'CodeSystem',
    id: resourceId(CPT_ID, options.version),
    url: CPT_URL,
    version: options.version,
    name: 'CPT',
    title: `Current Procedural Terminology (CPT) ${options.version}`,
    status: 'active',
    experimental: false,
    publisher: 'American Medical Association (AMA)',
    description: `CPT ${options.version}, imported from AMA licensee data files (${files.map((f) => `${baseName(f.name)}: ${f.role}`).join('; ')}).`,
    copyright: 'CPT is copyright American Medical Association. All rights reserved. Use requires an AMA license.',
    caseSensitive: true,
    content: 'complete',
    count: concept.length,
    property: CPT_PROPERTIES,
    concept,
  };
}

export const cptImporter: Importer = {
  kind: 'cpt',
  description: 'AMA CPT licensee data files (LONGULT.txt, MEDU.txt, SHORTU.txt, MODUL.txt; tab-delimited)',
  versionRequired: true,
  inferVersion: () => undefined,
  run(inputs: readonly ImportInput[], version: string, onProgress): ImportOutcome {
    const parsed = parseCptFiles(inputs, onProgress);
    if (!parsed.ok) return parsed;
    const codeSystem = buildCptCodeSystem(parsed.files, { version });
    const concepts = codeSystem.concept ?? [];
    const modifiers = concepts.filter((c) => c.property?.some((p) => p.code === 'modifier' && p.valueBoolean === true)).length;
    return {
      ok: true,
      codeSystem,
      summary: [
        ['codes', concepts.length],
        ['CPT codes', concepts.length - modifiers],
        ['modifiers', modifiers],
        ['files', parsed.files.map((f) => `${baseName(f.name)} (${f.role})`).join(', ')],
      ],
    };
  },
};
