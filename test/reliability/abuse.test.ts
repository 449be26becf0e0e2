import type { Server } from 'node:http';
import request from 'supertest';
import type { Bundle, CodeSystem, Extension, Parameters, ValueSet, ValueSetComposeIncludeFilter } from 'fhir/r4';
import { loadResources } from '../../src/content/load-resources';
import { createApp } from '../../src/http/app';
import { DEFAULT_LIMITS, ServiceLimits } from '../../src/http/limits';
import { CacheStats } from '../../src/terminology/bounded-cache';
import { FhirDispatcher, FhirResponse, LARGE_BODY_BYTES } from '../../src/fhir/dispatcher';
import { ResourceCaches } from '../../src/fhir/resource-caches';
import { heldIndexCount, sentIndexCache, TerminologyRegistry } from '../../src/terminology/registry';
import { MAX_UCUM_CODE_LENGTH, ucumUnitCache } from '../../src/terminology/ucum';
import { quietLogger, RESOURCES_DIR } from '../api/test-app';
import { HealthPoller, listeningApp, send } from './serving';

/**
 * What one client can send to stall or sink the service, each at a size that runs in seconds:
 * every request gets a correct answer or a 4xx OperationOutcome naming the limit, never a 5xx or
 * a hang, and /health, asked by a second client all along, answers within 500 ms.
 */

const UCUM = 'http://unitsofmeasure.org';
const KiB = 1024;
// smaller than the defaults where the test client, in this same process, would otherwise parse tens of megabytes
const limits: ServiceLimits = {
  ...DEFAULT_LIMITS,
  request: { ...DEFAULT_LIMITS.request, maxBatchResponseBytes: 8 * 1024 * KiB },
  caches: { ...DEFAULT_LIMITS.caches, clientResourceCaches: 1024 * KiB },
};

let base: string;
let server: Server;
let health: HealthPoller;

const json = (v: unknown): string => JSON.stringify(v);
const codeSystem = (url: string, codes: string[], extra: Partial<CodeSystem> = {}): CodeSystem => ({
  resourceType: 'CodeSystem',
  url,
  version: '1',
  status: 'active',
  content: 'complete',
  concept: codes.map((code) => ({ code, display: `Display of ${code.slice(0, 20)}` })),
  ...extra,
});
const expandWith = (cs: CodeSystem, filter: ValueSetComposeIncludeFilter, count?: number): string =>
  json({
    resourceType: 'Parameters',
    parameter: [
      { name: 'tx-resource', resource: cs },
      { name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: cs.url, filter: [filter] }] } } satisfies ValueSet },
      ...(count === undefined ? [] : [{ name: 'count', valueInteger: count }]),
    ],
  });
const cacheOf = async (name: string): Promise<CacheStats> => {
  const res = await send(base, '/ready');
  return (res.body.caches as CacheStats[]).find((c) => c.name === name) as CacheStats;
};
const outcomeText = (body: Record<string, unknown>): string => json(body.issue ?? body);
const expectRefusal = (res: { status: number; body: Record<string, unknown> }, status: number, names: RegExp): void => {
  expect(res.status).toBe(status);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(outcomeText(res.body)).toMatch(names);
};

beforeAll(async () => {
  ({ base, server } = await listeningApp(limits));
  // the first use of FHIR's core terminology reads it (about a second): not what is measured here
  expect((await send(base, '/fhir/ValueSet/c80-doc-typecodes')).status).toBe(200);
  expect((await send(base, `/fhir/CodeSystem/$lookup?system=${UCUM}&code=mg`)).status).toBe(200);
  health = new HealthPoller(base);
  health.start();
});

/** The slowest /health answer during each test, by test name. */
const slowestHealth = new Map<string, number>();
afterEach(() => {
  slowestHealth.set(expect.getState().currentTestName ?? '?', Math.round(health.slowestMs));
  health.slowestMs = 0;
});

afterAll(async () => {
  await health.stop();
  server.close();
});

describe('one client cannot stall or sink the service', () => {
  it('regex filters that backtrack catastrophically are answered correctly over 60-character codes', async () => {
    const long = 'a'.repeat(60);
    const cs = codeSystem('http://example.org/long-codes', [long, `${'a'.repeat(59)}b`, `${'x'.repeat(59)}=`, 'x'.repeat(60)]);
    const cases: Array<[string, string]> = [
      ['(a|a)*', long],
      ['a*a*a*a*a*a*b', `${'a'.repeat(59)}b`],
      ['.*.*.*.*=', `${'x'.repeat(59)}=`],
      ['(a+)+$', long],
    ];
    for (const [pattern, only] of cases) {
      const res = await send(base, '/fhir/ValueSet/$expand', expandWith(cs, { property: 'code', op: 'regex', value: pattern }));
      expect(res.status).toBe(200);
      const contains = (res.body.expansion as { contains?: Array<{ code: string }> }).contains ?? [];
      expect(contains.map((c) => c.code)).toEqual([only]);
    }
    const backReference = await send(base, '/fhir/ValueSet/$expand', expandWith(cs, { property: 'code', op: 'regex', value: '(a)\\1' }));
    expectRefusal(backReference, 400, /regex '\(a\)\\\\1' in the filter on 'code'/);
  });

  it('UCUM codes: a 60 KB code and a code past the UCUM length are 400s; distinct codes do not grow the cache past its bytes', async () => {
    const huge = await send(base, '/fhir/CodeSystem/$validate-code', json({ resourceType: 'Parameters', parameter: [{ name: 'system', valueUri: UCUM }, { name: 'code', valueCode: `${'m.'.repeat(30_000)}m` }] }));
    expectRefusal(huge, 400, /MAX_STRING_LENGTH/);
    const long = await send(base, `/fhir/CodeSystem/$validate-code?url=${UCUM}&code=${'m.'.repeat(MAX_UCUM_CODE_LENGTH / 2)}m`);
    expectRefusal(long, 400, new RegExp(`more than ${MAX_UCUM_CODE_LENGTH} characters`));

    const bound = ucumUnitCache.stats().maxBytes;
    ucumUnitCache.resize(16 * KiB);
    try {
      for (let i = 0; i < 60; i++) {
        const res = await send(base, `/fhir/CodeSystem/$validate-code?url=${UCUM}&code=${encodeURIComponent(`${'m.'.repeat(40)}g{${i}}`)}`);
        expect(res.status).toBe(200);
      }
      const stats = await cacheOf('ucum-units');
      expect(stats.bytes).toBeLessThanOrEqual(16 * KiB);
      expect(stats.entries).toBeLessThan(60);
    } finally {
      ucumUnitCache.resize(bound);
    }
  });

  it('a Parameters body repeating one parameter is parsed in linear time, and past MAX_PARAMETERS refused', async () => {
    const body = (n: number): string =>
      json({
        resourceType: 'Parameters',
        parameter: [
          { name: 'system', valueUri: 'http://www.ama-assn.org/go/cpt' },
          { name: 'code', valueCode: '0556T' },
          ...Array.from({ length: n }, () => ({ name: 'property', valueCode: 'display' })),
        ],
      });
    const fine = await send(base, '/fhir/CodeSystem/$lookup', body(limits.request.maxParameters - 10));
    expect(fine.status).toBe(200);
    expectRefusal(await send(base, '/fhir/CodeSystem/$lookup', body(limits.request.maxParameters * 2)), 422, /MAX_PARAMETERS/);
  });

  it('a batch of reads of a large core value set stops at MAX_BATCH_RESPONSE_BYTES; more entries than MAX_BATCH_ENTRIES is a 422', async () => {
    const reads = (n: number): string => json({ resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: n }, () => ({ request: { method: 'GET', url: 'ValueSet/c80-doc-typecodes' } })) });
    const res = await send(base, '/fhir', reads(40));
    expect(res.status).toBe(200);
    const statuses = (res.body.entry as Array<{ response: { status: string; outcome?: unknown } }>).map((e) => e.response.status);
    const answered = statuses.filter((s) => s === '200 OK').length;
    expect(answered).toBeGreaterThan(5);
    expect(answered).toBeLessThan(40);
    expect(statuses.slice(answered).every((s) => s.startsWith('422'))).toBe(true);
    expect(res.text.length).toBeLessThan(limits.request.maxBatchResponseBytes + 2 * 1024 * KiB);
    expect(res.text).toMatch(/MAX_BATCH_RESPONSE_BYTES/);

    expectRefusal(await send(base, '/fhir', reads(limits.request.maxBatchEntries + 1)), 422, /MAX_BATCH_ENTRIES/);
  });

  it('distinct large inline code systems one after another stay within the sent-index cache bytes', async () => {
    const bound = sentIndexCache.stats().maxBytes;
    sentIndexCache.resize(4 * 1024 * KiB);
    try {
      for (let i = 0; i < 6; i++) {
        const cs = codeSystem(`http://example.org/large-${i}`, Array.from({ length: 4000 }, (_, k) => `C${i}-${k}`));
        const res = await send(base, '/fhir/ValueSet/$expand', expandWith(cs, { property: 'code', op: 'regex', value: `C${i}-1.*` }, 5));
        expect(res.status).toBe(200);
        expect((res.body.expansion as { total: number }).total).toBe(1111);
        expect((await cacheOf('sent-code-system-indexes')).bytes).toBeLessThanOrEqual(4 * 1024 * KiB);
      }
    } finally {
      sentIndexCache.resize(bound);
    }
  });

  it('a request sending a large code system is answered the same when it is prepared a step at a time, and holds nothing after', async () => {
    const size = 25_000;
    const cs = codeSystem('http://example.org/prepared', Array.from({ length: size }, (_, k) => `P${k}`));
    const body = expandWith(cs, { property: 'code', op: 'regex', value: 'P1.*' }, 3);
    expect(body.length).toBeGreaterThan(LARGE_BODY_BYTES);
    const res = await send(base, '/fhir/ValueSet/$expand', body);
    expect(res.status).toBe(200);
    expect((res.body.expansion as { total: number }).total).toBe([...Array(size).keys()].filter((k) => String(k).startsWith('1')).length);
    expect((res.body.expansion as { contains: Array<{ code: string }> }).contains.map((c) => c.code)).toEqual(['P1', 'P10', 'P11']);
    expect(heldIndexCount()).toBe(0);
    // a sent code system with a problem is not indexed ahead: the request says what is wrong
    const broken = codeSystem('http://example.org/prepared-broken', Array.from({ length: size }, (_, k) => `B${k}`), { status: 'nonsense' as CodeSystem['status'] });
    const refused = await send(base, '/fhir/ValueSet/$expand', expandWith(broken, { property: 'code', op: 'regex', value: 'B1.*' }, 3));
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(outcomeText(refused.body)).toMatch(/status/);
    expect(heldIndexCount()).toBe(0);
  });

  it('a request sending a large concept map is answered the same, forwards and backwards, when its index is built a slice at a time', async () => {
    const size = 45_000;
    const map = {
      resourceType: 'ConceptMap',
      url: 'http://example.org/large-map',
      status: 'active',
      group: [{ source: 'http://example.org/a', target: 'http://example.org/b', element: Array.from({ length: size }, (_, k) => ({ code: `A${k}`, target: [{ code: `B${k % 1000}`, equivalence: 'equivalent' }] })) }],
    };
    const translate = (asked: Array<{ name: string; valueUri?: string; valueCode?: string; valueBoolean?: boolean }>): string => json({ resourceType: 'Parameters', parameter: [{ name: 'conceptMap', resource: map }, ...asked] });
    const forward = translate([{ name: 'system', valueUri: 'http://example.org/a' }, { name: 'code', valueCode: 'A44321' }]);
    expect(forward.length).toBeGreaterThan(LARGE_BODY_BYTES);
    const there = await send(base, '/fhir/ConceptMap/$translate', forward);
    expect(there.status).toBe(200);
    expect(json(there.body)).toContain('"code":"B321"');
    const back = await send(base, '/fhir/ConceptMap/$translate', translate([{ name: 'system', valueUri: 'http://example.org/b' }, { name: 'code', valueCode: 'B7' }, { name: 'reverse', valueBoolean: true }]));
    expect(back.status).toBe(200);
    const sources = ((back.body.parameter as Array<{ name: string; part?: Array<{ name: string; valueCoding?: { code: string } }> }>) ?? []).filter((p) => p.name === 'match');
    expect(sources).toHaveLength(size / 1000);
    expect(sources.map((m) => m.part?.find((p) => p.name === 'concept')?.valueCoding?.code)).toEqual(Array.from({ length: size / 1000 }, (_, k) => `A${k * 1000 + 7}`));
  });

  it('lets other work in between the steps of a request that sends a large code system', async () => {
    const dispatcher = new FhirDispatcher({ registry: new TerminologyRegistry(loadResources([RESOURCES_DIR])), caches: new ResourceCaches(), baseUrl: 'http://localhost/fhir', softwareVersion: 'test', onBatchEntryBug: () => undefined });
    const cs = codeSystem('http://example.org/turns', Array.from({ length: 25_000 }, (_, k) => `T${k}`));
    const body = expandWith(cs, { property: 'code', op: '=', value: 'T7' });
    const order: string[] = [];
    const pending = dispatcher.dispatch({ method: 'POST', path: '/ValueSet/$expand', query: {}, headers: {}, body: JSON.parse(body) as unknown, bodyBytes: body.length });
    setImmediate(() => order.push('another client'));
    const response: FhirResponse = await pending;
    order.push('the answer');
    expect(response.status).toBe(200);
    expect(order).toEqual(['another client', 'the answer']);

    // such an operation as the one entry of a batch (a code system not indexed yet: steps of more than 10 ms take turns)
    const other = codeSystem('http://example.org/turns-in-a-batch', Array.from({ length: 25_000 }, (_, k) => `T${k}`));
    const batch = json({ resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'POST', url: 'ValueSet/$expand' }, resource: JSON.parse(expandWith(other, { property: 'code', op: '=', value: 'T7' })) as unknown }] });
    order.length = 0;
    const pendingBatch = dispatcher.dispatch({ method: 'POST', path: '/', query: {}, headers: {}, body: JSON.parse(batch) as unknown, bodyBytes: batch.length });
    setImmediate(() => order.push('another client'));
    const batchResponse = (await pendingBatch).resource as Bundle;
    order.push('the answer');
    expect(batchResponse.entry?.[0].response?.status).toMatch(/^200/);
    expect((batchResponse.entry?.[0].resource as ValueSet).expansion?.contains?.map((c) => c.code)).toEqual(['T7']);
    expect(order).toEqual(['another client', 'the answer']);
  });

  it('$cache-control caches holding a code system each stay within their bytes; the least recently used are dropped', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const cs = codeSystem(`http://example.org/cached-${i}`, Array.from({ length: 1000 }, (_, k) => `K${k}`));
      const res = await send(base, '/fhir/$cache-control?mode=start', json({ resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: cs }] }));
      expect(res.status).toBe(200);
      ids.push(((res.body as unknown as Parameters).parameter ?? [])[0].valueId as string);
      expect((await cacheOf('client-resource-caches')).bytes).toBeLessThanOrEqual(limits.caches.clientResourceCaches);
    }
    const check = async (id: string): Promise<boolean | undefined> => {
      const res = await fetch(`${base}/fhir/$cache-control?mode=check`, { method: 'POST', headers: { 'X-Cache-Id': id } });
      return ((await res.json()) as Parameters).parameter?.find((p) => p.name === 'valid')?.valueBoolean;
    };
    expect(await check(ids[0])).toBe(false);
    expect(await check(ids[19])).toBe(true);
  });

  it('a concept hierarchy 2,000 deep and extensions nested 100,000 deep are 400s naming MAX_JSON_DEPTH', async () => {
    let concept: { code: string; concept?: unknown[] } = { code: 'leaf' };
    for (let i = 0; i < 2000; i++) concept = { code: `c${i}`, concept: [concept] };
    const deepHierarchy = json({ resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: { ...codeSystem('http://example.org/deep', []), concept: [concept] } }, { name: 'url', valueUri: 'http://example.org/deep' }, { name: 'code', valueCode: 'leaf' }] });
    expectRefusal(await send(base, '/fhir/CodeSystem/$validate-code', deepHierarchy), 400, /MAX_JSON_DEPTH/);

    let extension: Extension = { url: 'http://example.org/x', valueString: 'x' };
    // built as text: JSON.stringify itself cannot serialise 100,000 levels
    const nested = `${'{"url":"http://example.org/x","extension":['.repeat(100_000)}${json(extension)}${']}'.repeat(100_000)}`;
    extension = JSON.parse('{"url":"http://example.org/y"}') as Extension;
    const deepExtensions = `{"resourceType":"Parameters","parameter":[{"name":"valueSet","resource":{"resourceType":"ValueSet","status":"active","extension":[${nested}]}}]}`;
    expectRefusal(await send(base, '/fhir/ValueSet/$expand', deepExtensions), 400, /MAX_JSON_DEPTH/);
    expect(extension.url).toBe('http://example.org/y');
  });

  it('a hierarchy 3,000 deep stated with parent properties (flat JSON) is expanded correctly', async () => {
    const cs: CodeSystem = {
      ...codeSystem('http://example.org/chain', []),
      property: [{ code: 'parent', uri: 'http://hl7.org/fhir/concept-properties#parent', type: 'code' }],
      concept: Array.from({ length: 3000 }, (_, i) => ({ code: `n${i}`, ...(i ? { property: [{ code: 'parent', valueCode: `n${i - 1}` }] } : {}) })),
    };
    const res = await send(base, '/fhir/ValueSet/$expand', expandWith(cs, { property: 'concept', op: 'is-a', value: 'n0' }, 3));
    expect(res.status).toBe(200);
    expect((res.body.expansion as { total: number }).total).toBe(3000);
  });

  it('a batch entry url with a malformed %-escape is a 400 entry', async () => {
    const res = await send(base, '/fhir', json({ resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'CodeSystem/%E0%A4%A' } }, { request: { method: 'GET', url: 'CodeSystem/%zz' } }] }));
    expect(res.status).toBe(200);
    const entries = res.body.entry as Array<{ response: { status: string; outcome: unknown } }>;
    expect(entries.map((e) => e.response.status)).toEqual(['400 Bad Request', '400 Bad Request']);
    expect(json(entries[0].response.outcome)).toMatch(/malformed %-escape/);
  });

  it('a text parameter longer than MAX_STRING_LENGTH is a 400 naming the parameter', async () => {
    const res = await send(base, `/fhir/ValueSet/$expand?url=x&filter=${'x'.repeat(limits.request.maxStringLength + 1)}`);
    expectRefusal(res, 400, /'filter'.*MAX_STRING_LENGTH/);
  });

  it('/health answered within 500 ms throughout', () => {
    expect(health.failures).toEqual([]);
    expect(health.answers).toBeGreaterThan(10);
    expect([...slowestHealth].filter(([, ms]) => ms >= 500)).toEqual([]);
  });
});

describe('a request past its processing deadline or the response bytes', () => {
  const appWith = (request: Partial<ServiceLimits['request']>) =>
    createApp(new TerminologyRegistry(loadResources([RESOURCES_DIR])), {
      baseUrl: 'http://localhost/fhir',
      softwareVersion: 'test',
      logger: quietLogger,
      limits: { ...DEFAULT_LIMITS, request: { ...DEFAULT_LIMITS.request, ...request } },
    });

  it.each([
    ['answered at once', 20_000],
    ['prepared a step at a time', 30_000],
  ])('is a 422 too-costly naming REQUEST_DEADLINE_MS (a request %s)', async (_, size) => {
    const cs = codeSystem('http://example.org/slow', Array.from({ length: size }, (_, k) => `S${k}`));
    const res = await request(appWith({ requestDeadlineMs: 1 })).post('/fhir/ValueSet/$expand').set('Content-Type', 'application/fhir+json').send(expandWith(cs, { property: 'code', op: 'regex', value: 'S.*9' }, 1));
    expect(res.status).toBe(422);
    expect(json(res.body)).toMatch(/too-costly.*REQUEST_DEADLINE_MS/);
    expect(heldIndexCount()).toBe(0);
  });

  it('is a 422 naming MAX_RESPONSE_BYTES when the answer would be too large', async () => {
    const res = await request(appWith({ maxResponseBytes: 2000 })).get('/fhir/CodeSystem?_count=100');
    expect(res.status).toBe(422);
    expect(json(res.body)).toMatch(/MAX_RESPONSE_BYTES/);
  });
});
