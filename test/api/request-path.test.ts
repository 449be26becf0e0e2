import request from 'supertest';
import type { Bundle, CodeSystem, OperationOutcome, Parameters, ParametersParameter } from 'fhir/r4';
import { testApp } from './test-app';

const CPT = 'http://www.ama-assn.org/go/cpt';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const VS = 'http://fhir.bone-strength.org/ValueSet';

const app = testApp();

function param(p: Parameters, name: string): ParametersParameter | undefined {
  return p.parameter?.find((x) => x.name === name);
}
function diagnostics(o: OperationOutcome): string {
  return o.issue.map((i) => i.diagnostics ?? '').join(' ');
}
function validationIssues(p: Parameters): OperationOutcome {
  return param(p, 'issues')?.resource as OperationOutcome;
}

describe('errors that help', () => {
  it('suggests the dotted form of an ICD-10-CM code given without its dot', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$validate-code').query({ url: ICD, code: 'M810' }).expect(200);
    expect(param(res.body as Parameters, 'result')?.valueBoolean).toBe(false);
    expect(diagnostics(validationIssues(res.body as Parameters))).toContain("Did you mean 'M81.0'");
  });

  it('suggests the upper-case form of a CPT code given in lower case', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$lookup').query({ system: CPT, code: '0556t' }).expect(404);
    expect(diagnostics(res.body as OperationOutcome)).toContain("Did you mean '0556T'");
    // the hint is a sentence of its own after the message
    expect(diagnostics(res.body as OperationOutcome)).toMatch(/version 2026\. Did you mean '0556T'/);
  });

  it('says which code was probably meant when a translation finds nothing for a code in the wrong form', async () => {
    const res = await request(app).get('/fhir/ConceptMap/$translate').query({ system: CPT, code: '0556t', targetsystem: ICD }).expect(200);
    const message = (res.body as Parameters).parameter?.find((p) => p.name === 'message')?.valueString;
    expect(message).toMatch(/^No translation found for .*#0556t.*\. Did you mean '0556T'/);
    const found = await request(app).get('/fhir/ConceptMap/$translate').query({ system: CPT, code: '0556T', targetsystem: ICD }).expect(200);
    expect((found.body as Parameters).parameter?.find((p) => p.name === 'message')).toBeUndefined();
  });

  it('suggests a code in a value set validation too', async () => {
    const res = await request(app).get('/fhir/ValueSet/$validate-code').query({ url: `${VS}/cpt-0556t-diagnoses`, system: ICD, code: 'm810' }).expect(200);
    expect(diagnostics(validationIssues(res.body as Parameters))).toContain("Did you mean 'M81.0'");
  });

  it('names the nearest known code system for an unknown one', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$lookup').query({ system: 'http://hl7.org/fhir/sid/icd10-cm', code: 'M81.0' }).expect(404);
    expect(diagnostics(res.body as OperationOutcome)).toContain(`Did you mean the code system '${ICD}'`);
  });

  it('names the nearest known value set for an unknown url', async () => {
    const res = await request(app).get('/fhir/ValueSet/$expand').query({ url: `${VS}/cpt-0556t-diagnosis` }).expect(404);
    expect(diagnostics(res.body as OperationOutcome)).toContain(`Did you mean the value set '${VS}/cpt-0556t-diagnoses'`);
  });

  it('says what the limit on returned concepts is, and to page with offset', async () => {
    const big: CodeSystem = {
      resourceType: 'CodeSystem',
      url: 'http://example.org/big',
      version: '1',
      status: 'active',
      content: 'complete',
      concept: Array.from({ length: 1500 }, (_, i) => ({ code: `c${i}`, display: `Concept ${i}` })),
    };
    const body: Parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active', url: 'http://example.org/vs/big', compose: { include: [{ system: big.url }] } } },
        { name: 'tx-resource', resource: big },
        { name: 'count', valueInteger: 1500 },
      ],
    };
    const res = await request(app).post('/fhir/ValueSet/$expand').send(body).expect(422);
    const text = diagnostics(res.body as OperationOutcome);
    expect(text).toContain('At most 1000 concepts are returned at once (count was 1500)');
    expect(text).toContain("'offset'");
  });
});

describe('a parameter the operation does not define', () => {
  const query = { system: CPT, code: '0556T', colour: 'blue' };

  it('is ignored, as FHIR says', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$lookup').query(query).expect(200);
    expect(param(res.body as Parameters, 'code')?.valueCode).toBe('0556T');
  });

  it('is a 400 naming it under Prefer: handling=strict', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$lookup').set('Prefer', 'handling=strict').query(query).expect(400);
    const outcome = res.body as OperationOutcome;
    expect(outcome.issue[0].details?.text).toContain("Parameter 'colour' is not defined for $lookup");
    expect(outcome.issue[0].expression).toEqual(['colour']);
    // the client error's code in the catalogue, as the message id
    expect(outcome.issue[0].extension).toEqual([{ url: 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id', valueString: 'PARAMETER_UNDEFINED' }]);
  });

  it('is a 400 in a POST Parameters body under strict handling too', async () => {
    const body: Parameters = { resourceType: 'Parameters', parameter: [{ name: 'system', valueUri: CPT }, { name: 'code', valueCode: '0556T' }, { name: 'colour', valueString: 'blue' }] };
    await request(app).post('/fhir/CodeSystem/$lookup').send(body).expect(200);
    const res = await request(app).post('/fhir/CodeSystem/$lookup').set('Prefer', 'handling=strict').send(body).expect(400);
    expect((res.body as OperationOutcome).issue[0].expression).toEqual(['colour']);
  });

  it('follows the same rule in search', async () => {
    const lenient = await request(app).get('/fhir/CodeSystem').query({ colour: 'blue', url: CPT }).expect(200);
    expect((lenient.body as Bundle).total).toBe(1);
    const strict = await request(app).get('/fhir/CodeSystem').set('Prefer', 'handling=strict').query({ colour: 'blue' }).expect(400);
    expect((strict.body as OperationOutcome).issue[0].expression).toEqual(['colour']);
  });
});

describe('search paging', () => {
  const links = (b: Bundle): Record<string, string> => Object.fromEntries((b.link ?? []).map((l) => [l.relation, l.url]));

  it('pages a result larger than one page with _count and _offset, linking next and previous', async () => {
    const all = (await request(app).get('/fhir/ValueSet').query({ _count: '1000' }).expect(200)).body as Bundle;
    const total = all.total ?? 0;
    expect(total).toBeGreaterThan(6);
    const ids: string[] = [];
    let url: string | undefined = '/fhir/ValueSet?_count=5&status=active';
    let pages = 0;
    let previous: string | undefined;
    while (url) {
      const page = (await request(app).get(url.replace('http://localhost', '')).expect(200)).body as Bundle;
      pages += 1;
      expect(page.entry?.length).toBeLessThanOrEqual(5);
      ids.push(...(page.entry ?? []).map((e) => e.resource?.id ?? ''));
      if (pages > 1) expect(links(page).previous).toBe(previous);
      previous = links(page).self;
      url = links(page).next;
      if (url) expect(url).toContain('status=active');
    }
    const active = (await request(app).get('/fhir/ValueSet').query({ status: 'active', _count: '1000' }).expect(200)).body as Bundle;
    expect(pages).toBe(Math.ceil((active.total ?? 0) / 5));
    expect(ids).toEqual((active.entry ?? []).map((e) => e.resource?.id ?? ''));
  });

  it('caps _count at 1000 and rejects a malformed _offset', async () => {
    const res = await request(app).get('/fhir/ValueSet').query({ _count: '5000' }).expect(200);
    expect(((res.body as Bundle).link ?? []).find((l) => l.relation === 'self')?.url).toContain('_count=1000');
    const bad = await request(app).get('/fhir/ValueSet').query({ _offset: '-1' }).expect(400);
    expect((bad.body as OperationOutcome).issue[0].expression).toEqual(['_offset']);
  });
});

describe('_elements and _summary on reads and searches', () => {
  const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

  it('lists value sets with only the elements named, the mandatory ones, id and meta, tagged SUBSETTED', async () => {
    const res = await request(app).get('/fhir/ValueSet').query({ url: `${VS}/cpt-0556t-diagnoses`, _elements: 'url,ValueSet.title' }).expect(200);
    const vs = (res.body as Bundle).entry?.[0].resource as unknown as Record<string, unknown>;
    expect(Object.keys(vs).sort()).toEqual(['id', 'meta', 'resourceType', 'status', 'title', 'url']);
    expect((vs.meta as { tag: unknown[] }).tag).toContainEqual(SUBSETTED);
  });

  it('names a choice element by its stem, on a read and on a read in a batch alike', async () => {
    const alone = await request(app).get('/fhir/ConceptMap/cpt-to-icd10cm').query({ _elements: 'source,target' }).expect(200);
    expect(Object.keys(alone.body).sort()).toEqual(['id', 'meta', 'resourceType', 'sourceUri', 'status', 'targetUri']);
    const batch: Bundle = { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'ConceptMap/cpt-to-icd10cm?_elements=source,target' } }] };
    const res = await request(app).post('/fhir').send(batch).expect(200);
    expect((res.body as Bundle).entry?.[0].resource).toEqual(alone.body);
  });

  it('takes _elements over _summary, and refuses a malformed _elements or _summary with a 400 naming it', async () => {
    const both = await request(app).get('/fhir/CodeSystem/cpt').query({ _elements: 'concept', _summary: 'true' }).expect(200);
    expect((both.body as CodeSystem).concept?.length).toBeGreaterThan(0);
    const badElements = await request(app).get('/fhir/ValueSet').query({ _elements: 'url,1x' }).expect(400);
    expect((badElements.body as OperationOutcome).issue[0].expression).toEqual(['_elements']);
    expect(diagnostics(badElements.body as OperationOutcome)).toContain("'1x'");
    const badSummary = await request(app).get('/fhir/ValueSet/cpt-0556t-diagnoses').query({ _summary: 'maybe' }).expect(400);
    expect((badSummary.body as OperationOutcome).issue[0].expression).toEqual(['_summary']);
  });
});

describe('conditional read', () => {
  it('answers a read with an ETag, and 304 without a body when asked again with it', async () => {
    const first = await request(app).get('/fhir/ValueSet/cpt-0556t-diagnoses').expect(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"[0-9a-f]{32}"$/);
    expect(first.headers['access-control-expose-headers']).toMatch(/ETag/);
    const again = await request(app).get('/fhir/ValueSet/cpt-0556t-diagnoses').set('If-None-Match', etag).expect(304);
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(etag);
    await request(app).get('/fhir/ValueSet/cpt-0556t-diagnoses').set('If-None-Match', `"other", ${etag.slice(2)}`).expect(304);
    await request(app).get('/fhir/ValueSet/cpt-0556t-diagnoses').set('If-None-Match', 'W/"other"').expect(200);
    await request(app).get('/fhir/ValueSet/cpt-0557t-diagnoses').set('If-None-Match', etag).expect(200);
  });

  it('tags each representation apart, and leaves batch entries alone', async () => {
    const whole = await request(app).get('/fhir/ValueSet/cpt-0556t-diagnoses').expect(200);
    const subset = await request(app).get('/fhir/ValueSet/cpt-0556t-diagnoses').query({ _elements: 'url' }).expect(200);
    expect(subset.headers.etag).not.toBe(whole.headers.etag);
    await request(app).get('/fhir/ValueSet/cpt-0556t-diagnoses').query({ _elements: 'url' }).set('If-None-Match', whole.headers.etag as string).expect(200);
    const batch: Bundle = { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'ValueSet/cpt-0556t-diagnoses' } }] };
    const res = await request(app).post('/fhir').set('If-None-Match', whole.headers.etag as string).send(batch).expect(200);
    expect((res.body as Bundle).entry?.[0].response?.status).toMatch(/^200/);
    expect((res.body as Bundle).entry?.[0].resource).toEqual(whole.body);
  });
});

describe('one dispatcher for every interaction', () => {
  it('answers a read in a batch exactly as it answers it alone', async () => {
    const alone = await request(app).get('/fhir/ValueSet/cpt-0556t-diagnoses').expect(200);
    const batch: Bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { request: { method: 'GET', url: 'ValueSet/cpt-0556t-diagnoses' } },
        { request: { method: 'GET', url: 'metadata' } },
        { request: { method: 'GET', url: 'CodeSystem?url=' + encodeURIComponent(CPT) } },
      ],
    };
    const res = await request(app).post('/fhir').send(batch).expect(200);
    const entries = (res.body as Bundle).entry ?? [];
    expect(entries[0].resource).toEqual(alone.body);
    expect(entries[1].resource?.resourceType).toBe('CapabilityStatement');
    expect((entries[2].resource as Bundle).total).toBe(1);
  });
});
