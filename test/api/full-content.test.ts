import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { CodeSystem, Parameters, ParametersParameter, ValueSet } from 'fhir/r4';
import { loadResources } from '../../src/content/load-resources';
import { icd10cmImporter, type Importer, nuccImporter } from '../../src/content/importers';
import { createApp } from '../../src/http/app';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { quietLogger, RESOURCES_DIR } from './test-app';

/**
 * Imported complete code systems next to the curated fragments of the same canonical, as the
 * server runs with `content/` or CONTENT_DIRS: the ICD-10-CM FY2026 fixture (the curated fragment
 * is 2027) and the NUCC 25.1 sample (the curated fragment is 25.1 too).
 */
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const NUCC = 'http://nucc.org/provider-taxonomy';
const FIXTURES = path.resolve(__dirname, '../fixtures/importers');

function importFixture(importer: Importer, file: string, version: string, out: string): CodeSystem {
  const outcome = importer.run([{ name: file, text: readFileSync(path.join(FIXTURES, file), 'utf8') }], version);
  if (!outcome.ok) throw new Error(`${file}:${outcome.error.line}: ${outcome.error.reason}`);
  writeFileSync(path.join(out, `CodeSystem-${outcome.codeSystem.id}.json`), JSON.stringify(outcome.codeSystem));
  return outcome.codeSystem;
}

const contentDir = mkdtempSync(path.join(tmpdir(), 'full-content-'));
afterAll(() => rmSync(contentDir, { recursive: true, force: true }));
importFixture(icd10cmImporter, 'icd10cm_order_2026.txt', '2026', contentDir);
importFixture(nuccImporter, 'nucc_taxonomy_251.sample.csv', '25.1', contentDir);
const app = createApp(new TerminologyRegistry(loadResources([RESOURCES_DIR, contentDir])), {
  baseUrl: 'http://localhost/fhir',
  softwareVersion: 'test',
  logger: quietLogger,
});

function param(p: Parameters, name: string): ParametersParameter | undefined {
  return p.parameter?.find((x) => x.name === name);
}

describe('imported complete code systems next to the curated fragments', () => {
  it('answers a request naming version 2026 from the imported complete ICD-10-CM', async () => {
    // M81.6 is not in the curated fragment.
    const res = await request(app).get('/fhir/CodeSystem/$lookup').query({ system: ICD, version: '2026', code: 'M81.6' }).expect(200);
    const body = res.body as Parameters;
    expect(param(body, 'version')?.valueString).toBe('2026');
    expect(param(body, 'display')?.valueString).toBe('Localized osteoporosis [Lequesne]');
  });

  it('answers a request naming no version from the latest, the curated 2027 fragment', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$lookup').query({ system: ICD, code: 'M80.00XA' }).expect(200);
    expect(param(res.body as Parameters, 'version')?.valueString).toBe('2027');
  });

  it('validates a code the fragment lacks when the complete version is named', async () => {
    const named = await request(app).get('/fhir/CodeSystem/$validate-code').query({ url: ICD, version: '2026', code: 'M81.6' }).expect(200);
    expect(param(named.body as Parameters, 'result')?.valueBoolean).toBe(true);
    expect(param(named.body as Parameters, 'version')?.valueString).toBe('2026');
    expect(param(named.body as Parameters, 'display')?.valueString).toBe('Localized osteoporosis [Lequesne]');

    // Not named: the 2027 fragment answers, and it does not know the code.
    const latest = await request(app).get('/fhir/CodeSystem/$validate-code').query({ url: ICD, code: 'M81.6' }).expect(200);
    expect(param(latest.body as Parameters, 'result')?.valueBoolean).toBe(false);
    expect(param(latest.body as Parameters, 'version')?.valueString).toBe('2027');
  });

  it('expands over the complete version chosen with system-version', async () => {
    const res = await request(app)
      .get('/fhir/ValueSet/$expand')
      .query({ url: `${ICD}?fhir_vs`, filter: 'lequesne', 'system-version': `${ICD}|2026` })
      .expect(200);
    const expansion = (res.body as ValueSet).expansion;
    expect(expansion?.contains?.map((c) => c.code)).toEqual(['M81.6']);
    expect(expansion?.parameter).toContainEqual({ name: 'used-codesystem', valueUri: `${ICD}|2026` });
  });

  it('keeps the complete code system over the fragment of the same version (NUCC 25.1)', async () => {
    // 207KA0200X (Allergy Physician) is in the imported sample, not in the curated fragment.
    const res = await request(app).get('/fhir/CodeSystem/$validate-code').query({ url: NUCC, code: '207KA0200X' }).expect(200);
    expect(param(res.body as Parameters, 'result')?.valueBoolean).toBe(true);
    expect(param(res.body as Parameters, 'version')?.valueString).toBe('25.1');
    const versions = await request(app).get('/fhir/metadata').query({ mode: 'terminology' }).expect(200);
    const nucc = (versions.body as { codeSystem?: { uri?: string; version?: { code?: string }[] }[] }).codeSystem?.filter((c) => c.uri === NUCC);
    expect(nucc?.flatMap((c) => c.version?.map((v) => v.code) ?? [])).toEqual(['25.1']);
  });
});

describe('type-ahead on the billable ICD-10-CM value set: ranked, paged, members only', () => {
  const BILLABLE = 'http://fhir.bone-strength.org/ValueSet/icd10cm-billable';
  const typeAhead = (query: Record<string, string>) => request(app).get('/fhir/ValueSet/$expand').query({ url: BILLABLE, ...query }).expect(200);
  const codesOf = (res: { body: unknown }): string[] => ((res.body as ValueSet).expansion?.contains ?? []).map((c) => c.code as string);

  it('lists the billable osteoporosis codes of the complete 2026 by relevance, not by code', async () => {
    const res = await typeAhead({ filter: 'osteopor', 'system-version': `${ICD}|2026` });
    const expansion = (res.body as ValueSet).expansion;
    // Shortest displays first (none starts with the word; "osteopor" is a whole word of no display
    // here, only of the importer's short descriptions), then code order among equal lengths.
    expect(codesOf(res)).toEqual(['M81.6', 'M81.8', 'M81.0', 'M80.00XS', 'M80.88XA', 'M80.08XA', 'M80.00XA', 'M80.08XD', 'M80.00XD']);
    expect(expansion?.total).toBe(9);
    expect(expansion?.contains?.every((c) => c.abstract === undefined)).toBe(true);
    expect(expansion?.parameter).toContainEqual({ name: 'used-codesystem', valueUri: `${ICD}|2026` });
  });

  it('ranks a display that starts with the filter, then whole words, and pages through that order', async () => {
    const all = codesOf(await typeAhead({ filter: 'pathological fracture', 'system-version': `${ICD}|2026` }));
    expect(all.slice(0, 4)).toEqual(['M84.40XA', 'M84.521A', 'M81.8', 'M81.0']);
    const pages: string[] = [];
    for (const offset of [0, 3, 6, 9]) {
      const res = await typeAhead({ filter: 'pathological fracture', 'system-version': `${ICD}|2026`, count: '3', offset: String(offset) });
      expect((res.body as ValueSet).expansion?.total).toBe(all.length);
      pages.push(...codesOf(res));
    }
    expect(pages).toEqual(all);
  });

  it('answers a code typed as a filter with the codes that start with it, shortest display first', async () => {
    expect(codesOf(await typeAhead({ filter: 'M81' }))).toEqual(['M81.8', 'M81.0']);
    expect(codesOf(await typeAhead({ filter: 'm81', 'system-version': `${ICD}|2026` }))).toEqual(['M81.6', 'M81.8', 'M81.0']);
  });

  it('gives the same members and order for the same filter sent again, by GET or POST', async () => {
    const get = codesOf(await typeAhead({ filter: 'fracture', count: '5' }));
    const post = await request(app)
      .post('/fhir/ValueSet/$expand')
      .send({ resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: BILLABLE }, { name: 'filter', valueString: 'fracture' }, { name: 'count', valueInteger: 5 }] })
      .expect(200);
    expect(codesOf(post)).toEqual(get);
    expect(get[0]).toBe('S72.001A'); // "Fracture of unspecified part of neck of right femur, ..." starts with the word
  });
});
