import type { ValueSet } from 'fhir/r4';
import request from 'supertest';
import { testApp } from '../api/test-app';
import { escapeHtml, html } from '../../src/web/html';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const app = testApp();

describe('content negotiation: pages for browsers, JSON for FHIR clients at the same address', () => {
  test('a browser gets the home page at the base; a FHIR client does not', async () => {
    const page = await request(app).get('/fhir').set('Accept', BROWSER).expect(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('Search the code systems');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const api = await request(app).get('/fhir').set('Accept', 'application/fhir+json');
    expect(api.type).toBe('application/fhir+json');
  });

  test('_format=json wins over a browser Accept header', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$lookup?system=http://hl7.org/fhir/sid/icd-10-cm&code=M81.0&_format=json').set('Accept', BROWSER).expect(200);
    expect(res.body.resourceType).toBe('Parameters');
  });

  test('every operation result page links to its FHIR JSON', async () => {
    const res = await request(app).get('/fhir/ValueSet/$expand?url=http://fhir.bone-strength.org/ValueSet/cpt-0557t-diagnoses&filter=osteo').set('Accept', BROWSER).expect(200);
    expect(res.text).toContain('View as FHIR JSON');
    expect(res.text).toMatch(/href="\/fhir\/ValueSet\/\$expand\?url=[^"]*filter=osteo[^"]*_format=json"/);
    expect(res.text).toContain('M81.0');
  });

  test('an expansion is shown a page at a time, with links to the next and previous pages', async () => {
    const json = await request(app).get('/fhir/ValueSet/$expand?url=http://fhir.bone-strength.org/ValueSet/cpt-0557t-diagnoses&count=0').expect(200);
    const total = (json.body as ValueSet).expansion?.total as number;
    expect(total).toBeGreaterThan(6);
    const first = await request(app).get('/fhir/ValueSet/$expand?url=http://fhir.bone-strength.org/ValueSet/cpt-0557t-diagnoses&count=3').set('Accept', BROWSER).expect(200);
    expect(first.text).toContain(`>${total} codes, 1–3 shown`);
    expect(first.text).toContain(`Page 1 of ${Math.ceil(total / 3)}`);
    expect(first.text).toMatch(/href="[^"]*offset=3[^"]*">Next ›/);
    const second = await request(app).get('/fhir/ValueSet/$expand?url=http://fhir.bone-strength.org/ValueSet/cpt-0557t-diagnoses&count=3&offset=3').set('Accept', BROWSER).expect(200);
    expect(second.text).toContain(`>${total} codes, 4–6 shown`);
    expect(second.text).toMatch(/href="[^"]*offset=0[^"]*">‹ Previous/);
  });

  test('a client error is a page with the status and the issue', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$lookup?system=http://example.org/unknown&code=1').set('Accept', BROWSER).expect(404);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('HTTP 404');
    expect(res.text).toContain('http://example.org/unknown');
    await request(app).get('/fhir/ValueSet/no-such-value-set').set('Accept', BROWSER).expect(404);
  });

  test('the stylesheet and script are served from the same origin', async () => {
    await request(app).get('/fhir/_web/web.css').expect(200).expect('content-type', /text\/css/);
    await request(app).get('/fhir/_web/web.js').expect(200).expect('content-type', /javascript/);
  });
});

describe('escaping: nothing from a request or a resource becomes markup', () => {
  const attack = '<script>alert(1)</script>"\'&';

  test('the template escapes interpolated text and keeps built markup', () => {
    expect(escapeHtml(attack)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(html`<p title="${attack}">${attack}${html`<b>kept</b>`}</p>`.html).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;<b>kept</b></p>',
    );
  });

  test.each([
    ['/fhir', { q: attack }],
    ['/fhir/CodeSystem/icd10cm', { filter: attack }],
    ['/fhir/CodeSystem/$lookup', { system: attack, code: attack }],
    ['/fhir/ValueSet/$validate-code', { url: 'http://fhir.bone-strength.org/ValueSet/cpt-0557t-modifiers', code: attack, display: attack }],
    ['/fhir/ConceptMap/$translate', { system: 'http://www.ama-assn.org/go/cpt', code: attack }],
    ['/fhir/ValueSet/$expand', { url: 'http://fhir.bone-strength.org/ValueSet/cpt-0557t-diagnoses', filter: attack }],
  ])('%s never echoes a script', async (path, query) => {
    const res = await request(app).get(path).query(query).set('Accept', BROWSER);
    expect(res.status).toBeLessThan(500);
    expect(res.type).toBe('text/html');
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).not.toContain('"\'&');
  });
});
