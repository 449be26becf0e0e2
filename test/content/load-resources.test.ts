import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContentError, loadResources } from '../../src/content/load-resources';

/** Start-up stops on a bad content file, naming the file and the path inside it. */
describe('loadResources', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'content-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, body: unknown): string => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
    return file;
  };
  const failure = (): string => {
    try {
      loadResources([dir]);
    } catch (e) {
      expect(e).toBeInstanceOf(ContentError);
      return (e as Error).message;
    }
    throw new Error('loadResources accepted bad content');
  };

  it('loads valid terminology resources', () => {
    write('CodeSystem-x.json', { resourceType: 'CodeSystem', id: 'x', url: 'http://example.org/x', status: 'active', content: 'complete', concept: [{ code: 'a' }] });
    expect(loadResources([dir]).map((r) => r.id)).toEqual(['x']);
  });

  it('names the file when it is not JSON', () => {
    const file = write('ValueSet-broken.json', '{"resourceType": "ValueSet",');
    expect(failure()).toContain(file);
  });

  it('names the file and the element for a schema error', () => {
    const file = write('CodeSystem-bad.json', { resourceType: 'CodeSystem', id: 'bad', status: 'active', content: 'complete', concept: [{ code: 'a', property: [{ code: 'p', valueBoolean: 'yes' }] }] });
    const message = failure();
    expect(message).toContain(file);
    expect(message).toContain('CodeSystem.concept[0].property[0].valueBoolean');
  });

  it('names the invariant a resource breaks', () => {
    write('ValueSet-inv.json', {
      resourceType: 'ValueSet',
      id: 'inv',
      status: 'active',
      compose: { include: [{ system: 'http://example.org/x', concept: [{ code: 'a' }], filter: [{ property: 'concept', op: 'is-a', value: 'a' }] }] },
    });
    expect(failure()).toMatch(/vsd-3/);
  });

  it('stops on a missing directory', () => {
    expect(() => loadResources([path.join(dir, 'nope')])).toThrow(ContentError);
  });
});
