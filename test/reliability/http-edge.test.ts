import request from 'supertest';
import type { CodeSystem } from 'fhir/r4';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { testApp } from '../api/test-app';

const app = testApp();

describe('the HTTP edge', () => {
  it('a 405 says which methods are allowed', async () => {
    const read = await request(app).delete('/fhir/CodeSystem/cpt').expect(405);
    expect(read.headers.allow).toBe('GET');
    const operation = await request(app).put('/fhir/CodeSystem/$lookup').expect(405);
    expect(operation.headers.allow).toBe('GET, POST');
    expect(operation.body.resourceType).toBe('OperationOutcome');
  });

  it('browsers may send and read X-Cache-Id', async () => {
    const res = await request(app).options('/fhir/CodeSystem/$lookup').expect(204);
    expect(res.headers['access-control-allow-headers']).toMatch(/X-Cache-Id/);
    expect(res.headers['access-control-expose-headers']).toMatch(/X-Cache-Id/);
  });

  it('HTML pages carry a Content-Security-Policy', async () => {
    const res = await request(app).get('/fhir/CodeSystem/cpt').set('Accept', 'text/html').expect(200);
    expect(res.headers['content-type']).toMatch(/html/);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
  });
});

describe('loading content', () => {
  it('warns when a resource takes the place of another with the same url and version', () => {
    const cs = (id: string, content: CodeSystem['content']): CodeSystem => ({ resourceType: 'CodeSystem', id, url: 'http://example.org/cs', version: '1', status: 'active', content });
    const warnings: string[] = [];
    new TerminologyRegistry([cs('curated', 'complete'), cs('extra', 'complete'), cs('part', 'fragment')], undefined, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      'CodeSystem http://example.org/cs|1 (id extra) has the url and version of one loaded before (id curated): the later one is served',
      'CodeSystem http://example.org/cs|1 (id part) has the url and version of one loaded before (id extra): the earlier, complete one is kept',
    ]);
  });
});
