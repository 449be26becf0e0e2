import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseCsv } from '../../../src/content/importers/csv';
import { buildNuccCodeSystem, inferNuccVersion, parseNucc } from '../../../src/content/importers/nucc';
import { fixture, flatten, prop } from './fixtures';

const FULL_NUCC = path.resolve(__dirname, '../../../../shared/data/nucc-provider-taxonomy/nucc_taxonomy_251.csv');

describe('RFC 4180 CSV', () => {
  test('quoted fields with commas, quotes and line breaks; record start lines', () => {
    const r = parseCsv('a,b,c\r\n1,"x, ""y""\nz",3\n\n4,5,\n');
    expect(r).toEqual({
      ok: true,
      value: [
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['1', 'x, "y"\nz', '3'] },
        { line: 5, fields: ['4', '5', ''] },
      ],
    });
  });
  test('errors carry the line', () => {
    expect(parseCsv('a,b\n1,"open\n2,3\n')).toEqual({ ok: false, error: { line: 2, reason: 'quoted field is never closed' } });
    expect(parseCsv('a,b\n1,x"y\n')).toEqual({ ok: false, error: { line: 2, reason: 'double quote inside an unquoted field' } });
  });
});

describe('NUCC taxonomy CSV', () => {
  test('parses the sample, including a multi-line quoted field', () => {
    const r = parseNucc(fixture('nucc_taxonomy_251.sample.csv'));
    if (!r.ok) throw new Error(`${r.error.line}: ${r.error.reason}`);
    expect(r.value.map((x) => x.code)).toEqual(['193200000X', '207K00000X', '207KA0200X', '207KI0005X', '207SG0202X', '103G00000X', '103GC0700X']);
    expect(r.value[2]?.notes).toContain('with a comma and a "quote"');
    expect(r.value[3]?.line).toBe(6); // record 207KA0200X spans lines 4-5
    expect(r.value.find((x) => x.code === '103GC0700X')?.inactive).toBe(true);
  });

  test('a record with the wrong number of fields fails with its line', () => {
    expect(parseNucc(fixture('nucc_taxonomy_251.bad-fields.csv'))).toEqual({ ok: false, error: { line: 7, reason: 'record has 7 fields, the header has 8' } });
  });

  test('rejects a missing column, a bad code and an empty file', () => {
    expect(parseNucc('Code,Grouping,Classification\n')).toMatchObject({ ok: false, error: { line: 1, reason: expect.stringMatching(/no "Specialization" column/) } });
    const header = 'Code,Grouping,Classification,Specialization,Definition\n';
    expect(parseNucc(`${header}207K0000,G,C,,D\n`)).toMatchObject({ ok: false, error: { line: 2, reason: expect.stringMatching(/not a NUCC taxonomy code/) } });
    expect(parseNucc('')).toMatchObject({ ok: false, error: { line: 1 } });
  });

  test('builds the hierarchy: specializations under their classification code, grouping as a property', () => {
    const r = parseNucc(fixture('nucc_taxonomy_251.sample.csv'));
    if (!r.ok) throw new Error(r.error.reason);
    const cs = buildNuccCodeSystem(r.value, { version: '25.1' });
    expect(cs).toMatchObject({ url: 'http://nucc.org/provider-taxonomy', version: '25.1', content: 'complete', count: 7, hierarchyMeaning: 'is-a' });
    const all = flatten(cs.concept);
    const byCode = new Map(all.map((x) => [x.concept.code, x]));
    expect(all).toHaveLength(7);
    expect(byCode.get('207KA0200X')?.parent).toBe('207K00000X');
    expect(byCode.get('103GC0700X')?.parent).toBe('103G00000X');
    // Medical Genetics has no classification row in the sample: top level
    expect(byCode.get('207SG0202X')?.parent).toBeUndefined();
    const allergy = byCode.get('207KA0200X')?.concept;
    if (!allergy) throw new Error('missing');
    expect(allergy.display).toBe('Allergy Physician');
    expect(allergy.definition).toBe('A physician who specializes in the diagnosis, treatment, and management of allergies.');
    expect(prop(allergy, 'grouping')).toBe('Allopathic & Osteopathic Physicians');
    expect(prop(allergy, 'classification')).toBe('Allergy & Immunology');
    expect(prop(allergy, 'specialization')).toBe('Allergy');
    expect(prop(allergy, 'section')).toBe('Individual');
    expect(prop(allergy, 'inactive')).toBeUndefined();
    expect(prop(byCode.get('103GC0700X')!.concept, 'inactive')).toBe(true);
    // no invented grouping codes
    expect(all.every((x) => /^[0-9A-Z]{9}X$/.test(x.concept.code))).toBe(true);
  });

  test('version from the file name', () => {
    expect(inferNuccVersion('nucc_taxonomy_251.csv')).toBe('25.1');
    expect(inferNuccVersion('/d/nucc_taxonomy_260.csv')).toBe('26.0');
    expect(inferNuccVersion('taxonomy.csv')).toBeUndefined();
  });

  const haveFull = existsSync(FULL_NUCC);
  if (!haveFull) console.warn(`NUCC full-file test skipped: ${FULL_NUCC} not found`);
  (haveFull ? test : test.skip)('imports the full NUCC 25.1 file', () => {
    const r = parseNucc(readFileSync(FULL_NUCC, 'utf8'));
    if (!r.ok) throw new Error(`${r.error.line}: ${r.error.reason}`);
    expect(r.value).toHaveLength(883);
    const cs = buildNuccCodeSystem(r.value, { version: '25.1' });
    const all = flatten(cs.concept);
    expect(all).toHaveLength(883);
    expect(cs.count).toBe(883);
    expect(new Set(all.map((x) => x.concept.code)).size).toBe(883);
    const byCode = new Map(all.map((x) => [x.concept.code, x]));
    expect(byCode.get('207KA0200X')?.parent).toBe('207K00000X');
    expect(r.value.filter((x) => x.inactive).length).toBe(28);
  });
});
