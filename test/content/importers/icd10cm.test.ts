import { buildIcd10cmCodeSystem, dottedIcd10cm, icd10cmParents, inferIcd10cmVersion, parseIcd10cmLine, parseIcd10cmOrder } from '../../../src/content/importers/icd10cm';
import { fixture, flatten, prop } from './fixtures';

const line = (order: string, code: string, flag: string, short: string, long: string): string =>
  `${order} ${code.padEnd(7)} ${flag} ${short.padEnd(60)} ${long}`;

describe('ICD-10-CM order file', () => {
  test('parses a fixed-width line', () => {
    const r = parseIcd10cmLine(line('21628', 'M8000XA', '1', 'Age-rel osteopor w current path fracture, unsp site, init', 'Age-related osteoporosis with current pathological fracture, unspecified site, initial encounter for fracture'), 7);
    expect(r).toEqual({
      ok: true,
      value: {
        line: 7,
        order: 21628,
        code: 'M8000XA',
        billable: true,
        shortDescription: 'Age-rel osteopor w current path fracture, unsp site, init',
        longDescription: 'Age-related osteoporosis with current pathological fracture, unspecified site, initial encounter for fracture',
      },
    });
  });

  test.each([
    ['bad flag', line('00001', 'A00', 'X', 'Cholera', 'Cholera'), /billable flag \(column 15\)/],
    ['bad order', line('0000A', 'A00', '0', 'Cholera', 'Cholera'), /order number/],
    ['bad code', line('00001', 'a0-', '0', 'Cholera', 'Cholera'), /not an ICD-10-CM code/],
    ['too short', '00001 A00     0 Cholera', /at least 78/],
    ['no long description', `${line('00001', 'A00', '0', 'Cholera', '')}   `, /long description/],
  ])('rejects a malformed line: %s', (_name, text, reason) => {
    const r = parseIcd10cmLine(text, 12);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.line).toBe(12);
      expect(r.error.reason).toMatch(reason);
    }
  });

  test('parses the fixture (CRLF) and reports the line of the first error', () => {
    const good = parseIcd10cmOrder(fixture('icd10cm_order_2026.txt'));
    expect(good.ok && good.value.length).toBe(36);
    const bad = parseIcd10cmOrder(fixture('icd10cm_order_2026_bad-flag.txt'));
    expect(bad).toEqual({ ok: false, error: { line: 4, reason: expect.stringMatching(/billable flag/) } });
  });

  test('rejects duplicate codes', () => {
    const text = [line('00001', 'A00', '1', 'Cholera', 'Cholera'), line('00002', 'A00', '1', 'Cholera', 'Cholera')].join('\n');
    expect(parseIcd10cmOrder(text)).toEqual({ ok: false, error: { line: 2, reason: 'code A00 already appeared on line 1' } });
  });

  test('dotted codes and parents from the code structure', () => {
    expect(dottedIcd10cm('M8000XA')).toBe('M80.00XA');
    expect(dottedIcd10cm('M81')).toBe('M81');
    expect(dottedIcd10cm('M810')).toBe('M81.0');
    const parents = icd10cmParents(['M80', 'M800', 'M8000', 'M8000XA', 'S52', 'S52501A']);
    expect(parents.get('M8000XA')).toBe('M8000');
    expect(parents.get('M8000')).toBe('M800');
    expect(parents.get('M800')).toBe('M80');
    expect(parents.get('M80')).toBeUndefined();
    expect(parents.get('S52501A')).toBe('S52'); // intermediate levels absent: longest existing prefix
  });

  test('builds a complete, nested CodeSystem', () => {
    const parsed = parseIcd10cmOrder(fixture('icd10cm_order_2026.txt'));
    if (!parsed.ok) throw new Error(parsed.error.reason);
    const cs = buildIcd10cmCodeSystem(parsed.value, { version: '2026' });
    expect(cs).toMatchObject({
      resourceType: 'CodeSystem',
      url: 'http://hl7.org/fhir/sid/icd-10-cm',
      version: '2026',
      content: 'complete',
      caseSensitive: true,
      hierarchyMeaning: 'is-a',
      count: 36,
    });
    expect(cs.property?.map((p) => p.code)).toEqual(['notSelectable']);
    const all = flatten(cs.concept);
    expect(all).toHaveLength(36);
    const byCode = new Map(all.map((x) => [x.concept.code, x]));
    expect(byCode.get('M80.00XA')?.parent).toBe('M80.00');
    expect(byCode.get('M80.00')?.parent).toBe('M80.0');
    expect(byCode.get('M80.0')?.parent).toBe('M80');
    expect(byCode.get('M80')?.parent).toBeUndefined();
    // the extract lacks categories S52 and Z79, so S52.5 and Z79.8 are top level
    expect(cs.concept?.map((c) => c.code)).toEqual(['M80', 'M81', 'M84', 'M85', 'R29', 'S52.5', 'Z79.8']);

    const header = byCode.get('M80.00')?.concept;
    const billable = byCode.get('M80.00XA')?.concept;
    expect(header && prop(header, 'notSelectable')).toBe(true);
    expect(billable?.property).toBeUndefined();
    expect(billable?.display).toBe('Age-related osteoporosis with current pathological fracture, unspecified site, initial encounter for fracture');
    expect(billable?.designation).toEqual([
      { use: { system: 'http://snomed.info/sct', code: '900000000000013009', display: 'Synonym' }, value: 'Age-rel osteopor w current path fracture, unsp site, init' },
    ]);
    // short = long: no designation
    expect(byCode.get('M80')?.concept.designation).toBeUndefined();
    const billableCount = all.filter((x) => prop(x.concept, 'notSelectable') === undefined).length;
    expect(billableCount).toBe(parsed.value.filter((r) => r.billable).length);
  });

  test('version from the file name', () => {
    expect(inferIcd10cmVersion('/x/icd10cm_order_2026.txt')).toBe('2026');
    expect(inferIcd10cmVersion('icd10cm-order-2027.txt')).toBe('2027');
    expect(inferIcd10cmVersion('order.txt')).toBeUndefined();
  });
});
