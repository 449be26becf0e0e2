import { buildHcpcsCodeSystem, inferHcpcsVersion, parseHcpcs } from '../../../src/content/importers/hcpcs';
import { fixture, prop } from './fixtures';

describe('HCPCS Level II ANWEB file', () => {
  const sample = fixture('HCPC2020_ANWEB_sample.txt', 'latin1');

  test('skips the disclaimer, joins continuation lines, reads modifiers and dates', () => {
    const r = parseHcpcs(sample);
    if (!r.ok) throw new Error(`${r.error.line}: ${r.error.reason}`);
    expect(r.value.map((x) => x.code)).toEqual(['A1', 'AD', 'AQ', 'CP', 'GD', 'A0021', 'A0080', 'A0090', 'A4206', 'G0130']);
    const a0080 = r.value.find((x) => x.code === 'A0080');
    expect(a0080).toEqual({
      line: 21,
      code: 'A0080',
      modifier: false,
      longDescription: 'Non-emergency transportation, per mile - vehicle provided by volunteer (individual or organization), with no vested interest',
      shortDescription: 'Noninterest escort in non er',
      addDate: '1982-01-01',
      actionEffectiveDate: '2003-01-01',
      terminationDate: undefined,
      actionCode: 'N',
    });
    const cp = r.value.find((x) => x.code === 'CP');
    expect(cp?.modifier).toBe(true);
    expect(cp?.longDescription).toBe('Adjunctive service related to a procedure assigned to a comprehensive ambulatory payment classification (c-apc) procedure, but reported on a different claim');
    expect(cp?.terminationDate).toBe('2017-12-31');
  });

  test('an orphan continuation line fails with its line number', () => {
    const r = parseHcpcs(fixture('HCPC2020_ANWEB_bad-continuation.txt', 'latin1'));
    expect(r).toEqual({ ok: false, error: { line: 15, reason: expect.stringMatching(/continuation line \(record id 8\) for CP/) } });
  });

  test('a garbage line after the first record fails; a bad date fails', () => {
    const lines = sample.split('\r\n');
    const withGarbage = [...lines.slice(0, 12), 'this is not a record', ...lines.slice(12)].join('\n');
    expect(parseHcpcs(withGarbage)).toMatchObject({ ok: false, error: { line: 13, reason: expect.stringMatching(/not an HCPCS record/) } });
    const a0021 = lines.findIndex((l) => l.startsWith('A0021'));
    const broken = [...lines];
    broken[a0021] = `${lines[a0021]!.slice(0, 268)}2002133${lines[a0021]!.slice(275)}`;
    expect(parseHcpcs(broken.join('\n'))).toMatchObject({ ok: false, error: { line: a0021 + 1, reason: expect.stringMatching(/code added date/) } });
  });

  test('builds a flat CodeSystem with modifier, dates and retired status', () => {
    const r = parseHcpcs(sample);
    if (!r.ok) throw new Error(r.error.reason);
    const cs = buildHcpcsCodeSystem(r.value, { version: '2020' });
    expect(cs).toMatchObject({ url: 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', version: '2020', content: 'complete', count: 10 });
    const byCode = new Map((cs.concept ?? []).map((c) => [c.code, c]));
    const cp = byCode.get('CP')!;
    expect(prop(cp, 'modifier')).toBe(true);
    expect(prop(cp, 'termination-date')).toBe('2017-12-31');
    expect(prop(cp, 'status')).toBe('retired');
    const g0130 = byCode.get('G0130')!;
    expect(prop(g0130, 'modifier')).toBe(false);
    expect(prop(g0130, 'effective-date')).toBe('1998-07-01');
    expect(prop(g0130, 'status')).toBeUndefined();
    expect(g0130.designation?.[0]?.value).toBe(r.value.find((x) => x.code === 'G0130')?.shortDescription);
    expect(byCode.get('A1')?.designation).toBeUndefined(); // short = long
  });

  test('version from the file name', () => {
    expect(inferHcpcsVersion('HCPC2020_ANWEB_w_disclaimer.txt')).toBe('2020');
    expect(inferHcpcsVersion('/x/HCPC2026_OCT_ANWEB_v3.txt')).toBe('2026');
    expect(inferHcpcsVersion('anweb.txt')).toBeUndefined();
  });
});
