import { Writable } from 'node:stream';
import request from 'supertest';
import { loadResources } from '../../src/content/load-resources';
import { createApp } from '../../src/http/app';
import { createLogger } from '../../src/http/logging';
import { operationOf } from '../../src/http/metrics';
import { BoundedCache } from '../../src/terminology/bounded-cache';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { RESOURCES_DIR } from './test-app';

/** Log lines written by an app, parsed. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger(sink) };
}

const content = new TerminologyRegistry(loadResources([RESOURCES_DIR]));

describe('access log and request ids', () => {
  const { lines, logger } = capturedLogger();
  const app = createApp(content, { baseUrl: 'http://localhost/fhir', softwareVersion: 'test', logger, accessLog: true });

  test('one JSON line per request: the id, the path as requested, the query, the status and the time', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$lookup?system=http://hl7.org/fhir/sid/icd-10-cm&code=M81.0').set('X-Request-Id', 'abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
    await new Promise((resolve) => setImmediate(resolve));
    const line = lines.find((l) => l.requestId === 'abc-123');
    expect(line).toMatchObject({
      level: 30,
      msg: 'request',
      method: 'GET',
      path: '/fhir/CodeSystem/$lookup',
      query: 'system=http://hl7.org/fhir/sid/icd-10-cm&code=M81.0',
      operation: 'CodeSystem/$lookup',
      status: 200,
    });
    expect(typeof line?.ms).toBe('number');
    expect(typeof line?.time).toBe('string');
  });

  test('a request without an id (or with one unfit for a log) gets a fresh one', async () => {
    const made = await request(app).get('/fhir/ValueSet/nope').expect(404);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = await request(app).get('/fhir/ValueSet/nope').set('X-Request-Id', `bad id ${'x'.repeat(200)}`).expect(404);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.find((l) => l.requestId === made.headers['x-request-id'])).toMatchObject({ path: '/fhir/ValueSet/nope', status: 404 });
  });

  test('a batch is logged at the address it was posted to', async () => {
    const res = await request(app).post('/fhir').send({ resourceType: 'Bundle', type: 'batch', entry: [] }).expect(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.find((l) => l.requestId === res.headers['x-request-id'])).toMatchObject({ path: '/fhir', operation: 'batch' });
  });
});

describe('/health, /ready and /metrics', () => {
  const app = createApp(content, { baseUrl: 'http://localhost/fhir', softwareVersion: 'test', logger: capturedLogger().logger });

  test('/health answers while the process lives; /ready once content is loaded', async () => {
    await request(app).get('/health').expect(200, { status: 'ok' });
    const ready = await request(app).get('/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ready' });
    expect(ready.body.resources).toBeGreaterThan(20);
    const empty = createApp(new TerminologyRegistry([]), { baseUrl: 'http://localhost/fhir', softwareVersion: 'test', logger: capturedLogger().logger });
    const notReady = await request(empty).get('/ready').expect(503);
    expect(notReady.body.problems).toContain('no content loaded');
  });

  test('/ready is 503 while work after start-up (the text indexes) goes on, and 200 once it is done; /health is 200 throughout', async () => {
    let indexing = true;
    const starting = createApp(content, { baseUrl: 'http://localhost/fhir', softwareVersion: 'test', logger: capturedLogger().logger, preparing: () => (indexing ? ['text indexes are being built'] : []) });
    const before = await request(starting).get('/ready').expect(503);
    expect(before.body).toMatchObject({ status: 'not ready', problems: ['text indexes are being built'] });
    await request(starting).get('/health').expect(200);
    indexing = false;
    await request(starting).get('/ready').expect(200);
  });

  const counter = (text: string, operation: string, status: number): number => {
    const line = text.split('\n').find((l) => l.startsWith(`http_requests_total{operation="${operation}",status="${status}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  test('request counters move with requests, by operation and status', async () => {
    const before = (await request(app).get('/metrics').expect(200)).text;
    await request(app).get('/fhir/CodeSystem/$lookup?system=http://hl7.org/fhir/sid/icd-10-cm&code=M81.0').expect(200);
    await request(app).get('/fhir/CodeSystem/$lookup?system=http://hl7.org/fhir/sid/icd-10-cm&code=M81.0').expect(200);
    await request(app).get('/fhir/CodeSystem/$lookup?system=http://hl7.org/fhir/sid/icd-10-cm&code=NOPE').expect(404);
    await request(app).get('/fhir/ValueSet/$expand?url=http://fhir.bone-strength.org/ValueSet/cpt-0557t-diagnoses').expect(200);
    const res = await request(app).get('/metrics').expect(200);
    expect(res.type).toBe('text/plain');
    expect(counter(res.text, 'CodeSystem/$lookup', 200) - counter(before, 'CodeSystem/$lookup', 200)).toBe(2);
    expect(counter(res.text, 'CodeSystem/$lookup', 404) - counter(before, 'CodeSystem/$lookup', 404)).toBe(1);
    expect(counter(res.text, 'ValueSet/$expand', 200) - counter(before, 'ValueSet/$expand', 200)).toBe(1);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",operation="CodeSystem\/\$lookup",status="200"\} \d+/);
    // the histogram of a series: cumulative buckets ending with +Inf at its count, and a positive sum
    const series = 'operation="CodeSystem/$lookup",status="200"';
    const value = (name: string): number => Number(res.text.split('\n').find((l) => l.startsWith(`${name}{${series}}`) || l.startsWith(`${name}{le="+Inf",${series}}`))?.split(' ').pop());
    const buckets = res.text.split('\n').filter((l) => l.startsWith('http_request_duration_seconds_bucket{') && l.includes(series)).map((l) => Number(l.split(' ').pop()));
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(value('http_request_duration_seconds_bucket')).toBe(counter(res.text, 'CodeSystem/$lookup', 200));
    expect(value('http_request_duration_seconds_count')).toBe(counter(res.text, 'CodeSystem/$lookup', 200));
    expect(value('http_request_duration_seconds_sum')).toBeGreaterThan(0);
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
  });

  test('cache sizes, content versions and event-loop delay are exported', async () => {
    const cache = new BoundedCache<string>('operability-test', 1000);
    cache.set('k', 'v', 120);
    const res = await request(app).get('/metrics').expect(200);
    expect(res.text).toContain('terminology_cache_entries{cache="operability-test"} 1');
    expect(res.text).toContain('terminology_cache_bytes{cache="operability-test"} 120');
    expect(res.text).toContain('terminology_cache_max_bytes{cache="operability-test"} 1000');
    expect(res.text).toContain('terminology_content_info{type="CodeSystem",url="http://hl7.org/fhir/sid/icd-10-cm",version="2027"} 1');
    expect(res.text).toMatch(/nodejs_eventloop_lag_p99_seconds \d/);
  });
});

test.each([
  ['GET', '/fhir/CodeSystem/$lookup', 'CodeSystem/$lookup'],
  ['GET', '/fhir/ValueSet/x/%24expand', 'ValueSet/$expand'],
  ['GET', '/fhir/ValueSet/x', 'ValueSet/read'],
  ['GET', '/fhir/ConceptMap', 'ConceptMap/search'],
  ['POST', '/fhir/CodeSystem/_search', 'CodeSystem/search'],
  ['POST', '/fhir', 'batch'],
  ['GET', '/fhir', 'home'],
  ['GET', '/fhir/metadata', 'metadata'],
  ['GET', '/metrics', 'metrics'],
  ['GET', '/fhir/ValueSet/$made-up', 'other'],
  ['GET', '/fhir/Patient/1', 'other'],
  ['GET', '/elsewhere', 'other'],
])('%s %s is counted as %s (a fixed vocabulary of operations)', (method, path, operation) => {
  expect(operationOf(method, path)).toBe(operation);
});
