import request from 'supertest';
import type { CodeSystem, Parameters, ParametersParameter } from 'fhir/r4';
import { loadResources } from '../../src/content/load-resources';
import { ResourceCaches } from '../../src/fhir/resource-caches';
import { createApp } from '../../src/http/app';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { quietLogger, RESOURCES_DIR } from './test-app';

const app = createApp(new TerminologyRegistry(loadResources([RESOURCES_DIR])), { baseUrl: 'http://localhost/fhir', softwareVersion: 'test', logger: quietLogger });
const param = (p: Parameters, name: string): ParametersParameter | undefined => p.parameter?.find((x) => x.name === name);

const local: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'http://example.org/local-codes',
  version: '1',
  status: 'active',
  content: 'complete',
  concept: [{ code: 'a', display: 'Alpha' }],
};

const validateLocal = (cacheId?: string) => {
  const r = request(app).get('/fhir/CodeSystem/$validate-code').query({ url: local.url as string, code: 'a' });
  return cacheId ? r.set('X-Cache-Id', cacheId) : r;
};

describe('$cache-control: code systems sent once, used by later requests', () => {
  it('opens a cache with resources, uses it through X-Cache-Id, and releases it', async () => {
    const start = await request(app)
      .post('/fhir/$cache-control?mode=start')
      .send({ resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: local }] })
      .expect(200);
    const id = param(start.body as Parameters, 'cache-id')?.valueId as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const withCache = await validateLocal(id).expect(200);
    expect(param(withCache.body as Parameters, 'result')?.valueBoolean).toBe(true);
    const without = await validateLocal().expect(200);
    expect(param(without.body as Parameters, 'result')?.valueBoolean).toBe(false);

    const check = await request(app).post('/fhir/$cache-control?mode=check').set('X-Cache-Id', id).expect(200);
    expect(param(check.body as Parameters, 'valid')?.valueBoolean).toBe(true);
    expect(param(check.body as Parameters, 'resource-count')?.valueUnsignedInt).toBe(1);

    await request(app).post('/fhir/$cache-control?mode=end').set('X-Cache-Id', id).expect(200);
    const after = await validateLocal(id).expect(404);
    expect(after.body.issue[0].details.coding[0].code).toBe('cache-id-unknown');
  });

  it('adds what later requests send to an unsealed cache, not to a sealed one', async () => {
    for (const sealed of [false, true]) {
      const start = await request(app).post('/fhir/$cache-control').query({ mode: 'start' }).send({ resourceType: 'Parameters', parameter: [{ name: 'sealed', valueBoolean: sealed }] }).expect(200);
      const id = param(start.body as Parameters, 'cache-id')?.valueId as string;
      await request(app)
        .post('/fhir/CodeSystem/$validate-code')
        .set('X-Cache-Id', id)
        .send({ resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: local.url }, { name: 'code', valueCode: 'a' }, { name: 'tx-resource', resource: local }] })
        .expect(200);
      const later = await validateLocal(id).expect(200);
      expect(param(later.body as Parameters, 'result')?.valueBoolean).toBe(!sealed);
    }
  });

  it('refuses an unknown cache id and a missing mode', async () => {
    const unknown = await validateLocal('00000000-0000-0000-0000-000000000000').expect(404);
    expect(JSON.stringify(unknown.body)).toContain('$cache-control?mode=start');
    const check = await request(app).get('/fhir/$cache-control?mode=check').set('X-Cache-Id', 'nope').expect(200);
    expect(param(check.body as Parameters, 'valid')?.valueBoolean).toBe(false);
    await request(app).post('/fhir/$cache-control').expect(400);
    await request(app).post('/fhir/$cache-control?mode=end').expect(400);
  });

  it('keeps the older cache-id parameter working: resources sent once, named by the client', async () => {
    await request(app)
      .post('/fhir/CodeSystem/$validate-code')
      .send({ resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: local.url }, { name: 'code', valueCode: 'a' }, { name: 'cache-id', valueId: 'client-1' }, { name: 'tx-resource', resource: local }] })
      .expect(200);
    const later = await request(app).get('/fhir/CodeSystem/$validate-code').query({ url: local.url as string, code: 'a', 'cache-id': 'client-1' }).expect(200);
    expect(param(later.body as Parameters, 'result')?.valueBoolean).toBe(true);
  });
});

describe('ResourceCaches', () => {
  it('drops a cache left idle', () => {
    let now = 0;
    const caches = new ResourceCaches({ idleMs: 1000, now: () => now });
    const id = caches.start([local], false);
    now = 999;
    expect(caches.resources(id)).toHaveLength(1);
    now = 2500;
    expect(caches.resources(id)).toBeUndefined();
  });

  it('bounds the resources of a cache, and all caches together in bytes, dropping the least recently used', () => {
    const few = new ResourceCaches({ maxResourcesPerCache: 1 });
    const first = few.start([local, { ...local, url: 'http://example.org/other' }], false);
    expect(few.status(first)?.resources).toBe(1);

    const big: CodeSystem = { ...local, concept: Array.from({ length: 1000 }, (_, i) => ({ code: `c${i}`, display: `Concept ${i}` })) };
    const size = JSON.stringify(big).length * 3 + 1024;
    const caches = new ResourceCaches({ maxBytes: size * 2 + 100 });
    const a = caches.start([big], false);
    const b = caches.start([big], false);
    caches.resources(a); // a is now the most recently used
    const c = caches.start([big], false);
    expect(caches.resources(b)).toBeUndefined();
    expect(caches.resources(a)).toHaveLength(1);
    expect(caches.resources(c)).toHaveLength(1);
    expect(() => new ResourceCaches({ maxBytes: size - 1 }).start([big], false)).toThrow(/CACHE_CLIENT_CACHES_BYTES/);
  });
});
