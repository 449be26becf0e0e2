import { jsonText, withText } from '../../src/fhir/json-text';

describe('jsonText: the JSON of an answer, its shared parts written as made', () => {
  const answers: Array<[string, object]> = [
    ['a resource without parts made beforehand', { resourceType: 'Parameters', parameter: [{ name: 'result', valueBoolean: true }] }],
    ['an empty object', {}],
    ['undefined values and functions left out, as JSON.stringify does', { resourceType: 'Bundle', total: undefined, entry: [undefined, () => 1, { a: undefined }], n: 1.5, s: 'é"\\\n' }],
  ];

  it.each(answers)('is JSON.stringify for %s', (_name, resource) => {
    expect(jsonText(resource)).toBe(JSON.stringify(resource));
    expect(jsonText(resource, true)).toBe(JSON.stringify(resource, null, 2));
  });

  it('is JSON.stringify where parts were made with withText, among other elements, other arrays and undefined values', () => {
    const part = withText({ name: 'match', part: [{ name: 'concept', valueCoding: { system: 'http://x', code: 'a"b', display: 'Ä' } }] });
    const resource = { resourceType: 'Parameters', skipped: undefined, parameter: [{ name: 'result', valueBoolean: true }, part, null, part], other: [1, 'two'] };
    expect(jsonText(resource)).toBe(JSON.stringify(resource));
    expect(JSON.parse(jsonText(resource))).toEqual(JSON.parse(JSON.stringify(resource)));
    expect(jsonText(resource, true)).toBe(JSON.stringify(resource, null, 2));
  });

  it('writes a part made with withText without reading it again', () => {
    let reads = 0;
    const part = { name: 'match' } as { name: string; readonly counted?: number };
    Object.defineProperty(part, 'counted', { enumerable: true, get: () => ++reads });
    withText(part);
    const afterMaking = reads;
    const first = jsonText({ resourceType: 'Parameters', parameter: [part] });
    jsonText({ resourceType: 'Parameters', parameter: [part] });
    expect(reads).toBe(afterMaking);
    expect(JSON.parse(first).parameter[0]).toEqual({ name: 'match', counted: afterMaking });
  });

  it('freezes the part it keeps the text of, all the way down: its text cannot go stale', () => {
    const part = withText({ name: 'match', part: [{ name: 'concept', valueCoding: { code: 'a' } }] });
    expect(() => {
      part.part[0].valueCoding.code = 'b';
    }).toThrow(TypeError);
    expect(jsonText({ parameter: [part] })).toBe('{"parameter":[{"name":"match","part":[{"name":"concept","valueCoding":{"code":"a"}}]}]}');
  });
});
