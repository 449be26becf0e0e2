import request from 'supertest';
import { testApp } from './test-app';

const app = testApp();
const CPT = 'http://www.ama-assn.org/go/cpt';

/** Inputs a careless or hostile client may send: each must get a 2xx or a 4xx OperationOutcome, never a 5xx. */
const bodies: unknown[] = [
  [],
  null,
  'text',
  42,
  { resourceType: 'Parameters', parameter: 'x' },
  { resourceType: 'Parameters', parameter: [null] },
  { resourceType: 'Parameters', parameter: [{}] },
  { resourceType: 'Parameters', parameter: [{ name: 'code' }] },
  { resourceType: 'Parameters', parameter: [{ name: 'code', valueCode: 5 }] },
  { resourceType: 'Parameters', parameter: [{ name: 'coding', valueCoding: 'M81.0' }] },
  { resourceType: 'Parameters', parameter: [{ name: 'coding', valueCoding: { system: 7, code: ['a'] } }] },
  { resourceType: 'Parameters', parameter: [{ name: 'codeableConcept', valueCodeableConcept: { coding: 'x' } }] },
  { resourceType: 'Parameters', parameter: [{ name: 'valueSet', resource: { resourceType: 'ValueSet', compose: { include: 'x' } } }, { name: 'code', valueCode: 'a' }] },
  { resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: { resourceType: 'CodeSystem', concept: [{ code: null }] } }, { name: 'url', valueUri: 'x' }, { name: 'code', valueCode: 'a' }] },
  { resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: { resourceType: 'CodeSystem', url: 'http://x', status: 'active', content: 'complete', concept: [{ code: null }, 'y', { code: 'a', concept: 'z' }] } }, { name: 'url', valueUri: 'http://x' }, { name: 'system', valueUri: 'http://x' }, { name: 'code', valueCode: 'a' }] },
  { resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: { resourceType: 'CodeSystem', url: 'http://x', status: 'active', content: 'complete', concept: 'x', property: 7 } }, { name: 'url', valueUri: 'http://x' }, { name: 'system', valueUri: 'http://x' }, { name: 'code', valueCode: 'a' }] },
  { resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: { resourceType: 'ValueSet', url: 'http://vs', status: 'active', compose: { include: [{ system: 'http://x', concept: 'q' }, 5] } } }, { name: 'url', valueUri: 'http://vs' }, { name: 'system', valueUri: 'http://x' }, { name: 'code', valueCode: 'a' }] },
  { resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: { resourceType: 'ConceptMap', url: 'http://cm', status: 'active', group: [{ element: 'x' }, null] } }, { name: 'url', valueUri: 'http://cm' }, { name: 'system', valueUri: 'http://x' }, { name: 'code', valueCode: 'a' }] },
  // sent resources whose url is not a string, while the request names an unknown url (the hint lists the urls known)
  { resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: { resourceType: 'ValueSet', url: [[{}], true], status: 'active' } }, { name: 'url', valueUri: 'http://unknown.example/vs' }, { name: 'system', valueUri: CPT }, { name: 'code', valueCode: '0556T' }] },
  { resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: { resourceType: 'CodeSystem', url: { a: 1 }, status: 'active', content: 'complete' } }, { name: 'url', valueUri: 'http://unknown.example/cs' }, { name: 'system', valueUri: 'http://unknown.example/cs' }, { name: 'code', valueCode: 'a' }] },
  // a map sent along, considered because the request names none, with a source of the wrong type
  { resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: { resourceType: 'ConceptMap', status: 'active', sourceUri: 5 } }, { name: 'system', valueUri: CPT }, { name: 'code', valueCode: '0556T' }] },
  { resourceType: 'Parameters', parameter: [{ name: 'system', valueUri: CPT }, { name: 'code', valueCode: '0556T' }, { name: 'dependency', part: 'x' }] },
  { resourceType: 'Parameters', parameter: [{ name: 'system', valueUri: CPT }, { name: 'code', valueCode: '0556T' }, { name: 'dependency', part: [{ name: 'element', valueUri: 5 }, { name: 'concept', valueCodeableConcept: { coding: 'x' } }] }] },
  { resourceType: 'Parameters', parameter: [{ name: 'count', valueInteger: -1 }, { name: 'url', valueUri: 'x' }] },
  { resourceType: 'Parameters', parameter: [{ name: 'reverse', valueString: 'yes' }] },
  {
    resourceType: 'Parameters',
    parameter: [
      { name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: CPT, filter: [{ property: 'code', op: 'regex', value: '(a+)+$' }] }] } } },
    ],
  },
  {
    resourceType: 'Parameters',
    parameter: [
      { name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: CPT, filter: [{ property: 'code', op: 'regex', value: '[' }] }] } } },
    ],
  },
];

const operations = ['CodeSystem/$lookup', 'CodeSystem/$validate-code', 'CodeSystem/$subsumes', 'ValueSet/$expand', 'ValueSet/$validate-code', 'ConceptMap/$translate'];

describe('no input causes a server error', () => {
  it.each(operations)('POST %s with malformed bodies', async (op) => {
    for (const body of bodies) {
      const res = await request(app).post(`/fhir/${op}`).set('Content-Type', 'application/fhir+json').send(JSON.stringify(body));
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) expect(res.body.resourceType).toBe('OperationOutcome');
    }
  });

  it.each(operations)('GET %s with odd queries', async (op) => {
    const queries = ['', 'code=', 'code=a&code=b', 'system=&code=x', 'count=1e9', 'url=%00', 'coding=a|b|c|d', 'displayLanguage=;;;', 'offset=-5', 'filter=' + 'x'.repeat(5000)];
    for (const q of queries) {
      const res = await request(app).get(`/fhir/${op}?${q}`);
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) expect(res.body.resourceType).toBe('OperationOutcome');
    }
  });

  it('answers a regex that would backtrack catastrophically (no code matches), and refuses a back-reference with a 400 naming the filter', async () => {
    const expand = (pattern: string) =>
      request(app)
        .post('/fhir/ValueSet/$expand')
        .set('Content-Type', 'application/fhir+json')
        .send(JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: CPT, filter: [{ property: 'code', op: 'regex', value: pattern }] }] } } }] }));
    const res = await expand('(a+)+$');
    expect(res.status).toBe(200);
    expect(res.body.expansion.total).toBe(0);
    const backReference = await expand('(0)\\1');
    expect(backReference.status).toBe(400);
    expect(JSON.stringify(backReference.body)).toMatch(/regex '\(0\)\\\\1' in the filter on 'code'/);
  });

  it('answers unsupported methods, paths and operations with an OperationOutcome', async () => {
    for (const [method, path, status] of [
      ['delete', '/fhir/CodeSystem/cpt', 405],
      ['put', '/fhir/ValueSet/bone-strength-family', 405],
      ['get', '/fhir/Patient/1', 404],
      ['get', '/fhir/CodeSystem/$nope', 404],
      ['get', '/nowhere', 404],
    ] as const) {
      const res = await request(app)[method](path);
      expect(res.status).toBe(status);
      expect(res.body.resourceType).toBe('OperationOutcome');
    }
  });

  it('serves CORS preflight with what browsers may send; answers carry only what they may read', async () => {
    const preflight = await request(app).options('/fhir/ValueSet/$expand').expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Accept-Language.*Prefer/);
    const answer = await request(app).get('/fhir/CodeSystem/$lookup?system=http://www.ama-assn.org/go/cpt&code=0556T').expect(200);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(answer.headers['access-control-expose-headers']).toMatch(/X-Request-Id/);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['access-control-allow-methods']).toBeUndefined();
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.text)));
  });

  it('sends ASCII and non-ASCII answers byte for byte, small and over 16 kB (the body is written as Latin-1 only when it is ASCII)', async () => {
    const display = 'Ostéoporose – 骨粗鬆症 🦴';
    const concepts = (n: number) => Array.from({ length: n }, (_, i) => ({ code: `c${i}`, display: i === 0 ? display : `Concept ${i}` }));
    for (const size of [1, 600]) {
      const system = { resourceType: 'CodeSystem', url: 'http://example.org/cs/bytes', status: 'active', content: 'complete', concept: concepts(size) };
      const res = await request(app)
        .post('/fhir/ValueSet/$expand')
        .set('Content-Type', 'application/fhir+json')
        .send({ resourceType: 'Parameters', parameter: [{ name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: system.url }] } } }, { name: 'tx-resource', resource: system }] })
        .expect(200);
      expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
      expect(res.body.expansion.contains[0].display).toBe(display);
    }
    for (const path of ['/fhir/CodeSystem/$lookup?system=http://www.ama-assn.org/go/cpt&code=0556T', '/fhir/ConceptMap/$translate?system=http://www.ama-assn.org/go/cpt&code=0556T&targetsystem=http://hl7.org/fhir/sid/icd-10-cm']) {
      const res = await request(app).get(path).expect(200);
      expect(res.headers['content-length']).toBe(String(res.text.length));
      expect(res.text).toBe(JSON.stringify(res.body));
    }
  });

  it('puts the request id, CORS and security headers on every kind of response, once (a repeated one would read "*, *")', async () => {
    const html = { Accept: 'text/html' };
    const responses = await Promise.all([
      request(app).get('/fhir/CodeSystem/$lookup?system=http://www.ama-assn.org/go/cpt&code=0556T').expect(200),
      request(app).get('/fhir/CodeSystem/$lookup?system=http://www.ama-assn.org/go/cpt&code=NOPE').expect(404),
      request(app).put('/fhir/CodeSystem/$lookup').expect(405),
      request(app).post('/fhir/CodeSystem/$lookup').set('Content-Type', 'application/fhir+json').send('{bad').expect(400),
      request(app).get('/nowhere').expect(404),
      request(app).get('/health').expect(200),
      request(app).get('/fhir/CodeSystem').set(html).expect(200),
      request(app).get('/fhir/_web/web.css').expect(200),
      request(app).options('/fhir/ValueSet/$expand').expect(204),
    ]);
    for (const res of responses) {
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    expect(responses[2].headers.allow).toBe('GET, POST');
  });
});

describe('operational endpoints', () => {
  it('serves the OperationDefinitions the CapabilityStatement names', async () => {
    const cap = await request(app).get('/fhir/metadata').expect(200);
    const named = (cap.body.rest[0].resource as Array<{ operation?: Array<{ definition: string }> }>).flatMap((r) => r.operation ?? []).map((o) => o.definition);
    const ids = named.filter((d) => d.startsWith('http://hl7.org/fhir/OperationDefinition/')).map((d) => d.split('/').pop() as string);
    expect(ids.length).toBeGreaterThan(3);
    for (const id of ids) {
      const res = await request(app).get(`/fhir/OperationDefinition/${id}`).expect(200);
      expect(res.body.resourceType).toBe('OperationDefinition');
    }
    await request(app).get('/fhir/OperationDefinition/nope').expect(404);
  });
});
