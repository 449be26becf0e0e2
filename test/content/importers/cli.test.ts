import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CodeSystem } from 'fhir/r4';
import { runImport } from '../../../src/content/import-cli';
import { FIXTURES } from './fixtures';

class Capture {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

function io(cwd: string, tty = false) {
  return { stdout: new Capture(), stderr: new Capture(tty), cwd };
}

const fx = (name: string) => path.join(FIXTURES, name);

describe('import CLI (runImport)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'import-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('icd10cm end to end into content/ (default), version from the file name, summary', async () => {
    const streams = io(dir);
    const code = await runImport(['icd10cm', fx('icd10cm_order_2026.txt')], streams);
    expect(streams.stderr.text).not.toMatch(/error/i);
    expect(code).toBe(0);
    const file = path.join(dir, 'content', 'CodeSystem-icd-10-cm-2026.json');
    const cs = JSON.parse(readFileSync(file, 'utf8')) as CodeSystem;
    expect(cs).toMatchObject({ resourceType: 'CodeSystem', url: 'http://hl7.org/fhir/sid/icd-10-cm', version: '2026', count: 36, content: 'complete' });
    expect(readdirSync(path.join(dir, 'content'))).toEqual(['CodeSystem-icd-10-cm-2026.json']); // no temp file left
    expect(streams.stdout.text).toMatch(/codes\s+36/);
    expect(streams.stdout.text).toMatch(/billable\s+18/);
    expect(streams.stdout.text).toMatch(/headers \(notSelectable\)\s+18/);
    expect(streams.stdout.text).toMatch(/version\s+2026/);
    expect(streams.stdout.text).toMatch(/elapsed\s+\d+\.\d+ s/);
    expect(streams.stderr.text).toMatch(/parsing icd10cm_order_2026.txt: 100%/); // plain lines when not a TTY
  });

  test('progress bar on a TTY; --out and --version', async () => {
    const streams = io(dir, true);
    expect(await runImport(['nucc', fx('nucc_taxonomy_251.sample.csv'), '--out', 'out', '--version=25.1-test'], streams)).toBe(0);
    expect(streams.stderr.text).toMatch(/\r.*\[#+\] 100%/);
    expect(existsSync(path.join(dir, 'out', 'CodeSystem-nucc-provider-taxonomy-25.1-test.json'))).toBe(true);
  });

  test('hcpcs and cpt (several files, --version required)', async () => {
    expect(await runImport(['hcpcs', fx('HCPC2020_ANWEB_sample.txt'), '--out', dir], io(dir))).toBe(0);
    expect(existsSync(path.join(dir, 'CodeSystem-hcpcs-level-ii-2020.json'))).toBe(true);
    const files = ['LONGULT.txt', 'MEDU.txt', 'SHORTU.txt', 'MODUL.txt'].map(fx);
    const noVersion = io(dir);
    expect(await runImport(['cpt', ...files, '--out', dir], noVersion)).toBe(1);
    expect(noVersion.stderr.text).toMatch(/cpt needs --version/);
    const streams = io(dir);
    expect(await runImport(['cpt', ...files, '--out', dir, '--version', '2026'], streams)).toBe(0);
    const cs = JSON.parse(readFileSync(path.join(dir, 'CodeSystem-cpt-2026.json'), 'utf8')) as CodeSystem;
    expect(cs.count).toBe(6);
    expect(streams.stdout.text).toMatch(/modifiers\s+2/);
  });

  test.each([
    ['icd10cm', 'icd10cm_order_2026_bad-flag.txt', 4],
    ['nucc', 'nucc_taxonomy_251.bad-fields.csv', 7],
    ['hcpcs', 'HCPC2020_ANWEB_bad-continuation.txt', 15],
  ])('%s: a malformed file fails with <file>:<line>: <reason>, exit 1, nothing written', async (kind, name, line) => {
    const streams = io(dir);
    const code = await runImport([kind, fx(name), '--out', 'content'], streams);
    expect(code).toBe(1);
    expect(streams.stderr.text).toMatch(new RegExp(`^${fx(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}: \\S`, 'm'));
    expect(existsSync(path.join(dir, 'content'))).toBe(false);
  });

  test('cpt: malformed file reported with file and line', async () => {
    const streams = io(dir);
    expect(await runImport(['cpt', fx('LONGULT.txt'), fx('SHORTU-bad.txt'), '--version', '2026'], streams)).toBe(1);
    expect(streams.stderr.text).toContain(`${fx('SHORTU-bad.txt')}:2: expected <code><TAB><descriptor>`);
    expect(existsSync(path.join(dir, 'content'))).toBe(false);
  });

  test('refuses to write into resources/', async () => {
    for (const out of ['resources', './resources/', path.join(dir, 'resources', 'sub')]) {
      const streams = io(dir);
      expect(await runImport(['icd10cm', fx('icd10cm_order_2026.txt'), '--out', out], streams)).toBe(1);
      expect(streams.stderr.text).toMatch(/refusing to write into/);
    }
    expect(existsSync(path.join(dir, 'resources'))).toBe(false);
  });

  test('usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing <kind>/],
      [['snomed', 'x.txt'], /unknown kind "snomed"/],
      [['icd10cm'], /missing <file>/],
      [['icd10cm', 'order.txt'], /cannot infer the version/],
      [['icd10cm', 'a_2026.txt', 'b_2026.txt'], /takes 1 file/],
      [['icd10cm', 'missing_2026.txt'], /missing_2026.txt: cannot read/],
      [['icd10cm', fx('icd10cm_order_2026.txt'), '--version', '../x'], /may only contain/],
      [['icd10cm', fx('icd10cm_order_2026.txt'), '--bogus'], /unknown option --bogus/],
    ];
    for (const [argv, message] of cases) {
      const streams = io(dir);
      expect(await runImport(argv, streams)).toBe(1);
      expect(streams.stderr.text).toMatch(message);
    }
    const help = io(dir);
    expect(await runImport(['--help'], help)).toBe(0);
    expect(help.stdout.text).toMatch(/Usage: npm run import/);
  });
});
