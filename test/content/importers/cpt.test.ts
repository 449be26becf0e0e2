import { buildCptCodeSystem, cptRoleFromContent, cptRoleFromName, parseCptDescriptorFile, parseCptFiles } from '../../../src/content/importers/cpt';
import { fixture, prop } from './fixtures';

// All CPT fixtures use INVENTED codes and text: no AMA content is shipped.
const input = (name: string) => ({ name, text: fixture(name) });

describe('CPT licensee data files', () => {
  test('parses a tab-delimited file with a header line', () => {
    const r = parseCptDescriptorFile(fixture('LONGULT.txt'));
    if (!r.ok) throw new Error(r.error.reason);
    expect(r.value.map((e) => [e.line, e.code])).toEqual([
      [2, '99990'],
      [3, '99991'],
      [4, '0999T'],
    ]);
  });

  test('a line without a tab fails with its line number', () => {
    expect(parseCptDescriptorFile(fixture('SHORTU-bad.txt'))).toEqual({ ok: false, error: { line: 2, reason: 'expected <code><TAB><descriptor>, found no tab' } });
    expect(parseCptDescriptorFile('99990\tx\n9999\ty\n')).toMatchObject({ ok: false, error: { line: 2, reason: expect.stringMatching(/not a CPT code/) } });
    expect(parseCptDescriptorFile('99990\tx\n99990\ty\n')).toMatchObject({ ok: false, error: { line: 2, reason: 'code 99990 already appeared on line 1' } });
  });

  test('detects file roles by name, else by content', () => {
    expect(cptRoleFromName('/x/LONGULT.txt')).toBe('long');
    expect(cptRoleFromName('MEDU.txt')).toBe('medium');
    expect(cptRoleFromName('SHORTU.txt')).toBe('short');
    expect(cptRoleFromName('MODUL.txt')).toBe('modifier');
    expect(cptRoleFromName('data.txt')).toBeUndefined();
    expect(cptRoleFromName('unnamed.txt')).toBeUndefined();
    expect(cptRoleFromName('CPT_2026_LONGULT.txt')).toBe('long');
    expect(cptRoleFromContent([{ line: 1, code: 'Z8', descriptor: 'x' }])).toBe('modifier');
    expect(cptRoleFromContent([{ line: 1, code: '99990', descriptor: 'SHORT ONE' }])).toBe('short');
    expect(cptRoleFromContent([{ line: 1, code: '99990', descriptor: 'x'.repeat(40) }])).toBe('medium');
    expect(cptRoleFromContent([{ line: 1, code: '99990', descriptor: 'x'.repeat(120) }])).toBe('long');
    const r = parseCptFiles([input('LONGULT.txt'), input('cpt-unnamed-a.txt')]);
    expect(r.ok && r.files.map((f) => f.role)).toEqual(['long', 'modifier']);
    const dup = parseCptFiles([input('MODUL.txt'), input('cpt-unnamed-a.txt')]);
    expect(dup).toMatchObject({ ok: false, file: 'cpt-unnamed-a.txt', error: { reason: expect.stringMatching(/modifier descriptors, as does MODUL.txt/) } });
  });

  test('builds codes (display medium, definition long, short as designation) and modifiers', () => {
    const r = parseCptFiles(['SHORTU.txt', 'MODUL.txt', 'LONGULT.txt', 'MEDU.txt'].map(input));
    if (!r.ok) throw new Error(r.error.reason);
    const cs = buildCptCodeSystem(r.files, { version: '2026' });
    expect(cs).toMatchObject({ url: 'http://www.ama-assn.org/go/cpt', version: '2026', content: 'complete', count: 6 });
    const byCode = new Map((cs.concept ?? []).map((c) => [c.code, c]));
    expect([...byCode.keys()]).toEqual(['99990', '99991', '0999T', '99992', 'Z8', 'Z9']);
    const c = byCode.get('99990')!;
    expect(c.display).toBe('Invented medium descriptor 99990');
    expect(c.definition).toMatch(/^Invented long descriptor for testing 99990/);
    expect(c.designation?.map((d) => d.value)).toEqual(['INVENTED SHORT 99990']);
    expect(prop(c, 'modifier')).toBe(false);
    expect(byCode.get('99992')?.display).toBe('INVENTED SHORT ONLY 99992');
    const z8 = byCode.get('Z8')!;
    expect(z8.display).toBe('Invented modifier Z8 for testing');
    expect(prop(z8, 'modifier')).toBe(true);
  });
});
