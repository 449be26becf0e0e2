import request from 'supertest';
import type { Bundle, BundleEntry, FhirResource, CapabilityStatement, OperationOutcome, Parameters, ParametersParameter, ValueSet } from 'fhir/r4';
import { loadResources } from '../../src/content/load-resources';
import { batchResponse, type BatchEntryHandler } from '../../src/fhir/batch-bundle';
import { FhirDispatcher, type FhirResponse } from '../../src/fhir/dispatcher';
import { ResourceCaches } from '../../src/fhir/resource-caches';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { RESOURCES_DIR, testApp } from './test-app';

const CPT = 'http://www.ama-assn.org/go/cpt';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const VS = 'http://fhir.bone-strength.org/ValueSet';

const app = testApp();

function param(p: Parameters | undefined, name: string): ParametersParameter | undefined {
  return p?.parameter?.find((x) => x.name === name);
}
const resultOf = (entry: BundleEntry | undefined): boolean | undefined => param(entry?.resource as Parameters | undefined, 'result')?.valueBoolean;
const outcomeOf = (entry: BundleEntry | undefined): OperationOutcome | undefined => entry?.response?.outcome as OperationOutcome | undefined;
const issuesOf = (entry: BundleEntry | undefined): string => JSON.stringify(outcomeOf(entry)?.issue ?? []);

const validateDiagnosis = (code: string): BundleEntry => ({
  request: { method: 'GET', url: `ValueSet/$validate-code?url=${encodeURIComponent(`${VS}/cpt-0556t-diagnoses`)}&system=${encodeURIComponent(ICD)}&code=${encodeURIComponent(code)}` },
});
const validateModifier = (code: string): BundleEntry => ({
  request: { method: 'POST', url: 'ValueSet/$validate-code' },
  resource: {
    resourceType: 'Parameters',
    parameter: [
      { name: 'url', valueUri: `${VS}/cpt-0557t-modifiers` },
      { name: 'coding', valueCoding: { system: CPT, code } },
    ],
  },
});

const postBatch = (entry: BundleEntry[]) => request(app).post('/fhir').set('Content-Type', 'application/fhir+json').send({ resourceType: 'Bundle', type: 'batch', entry });

describe('batch Bundle: many requests in one round trip', () => {
  it('answers a diagnosis for 0556T and a modifier for 0557T, each in its place', async () => {
    const res = await postBatch([validateDiagnosis('M81.0'), validateModifier('26')]).expect(200);
    const bundle = res.body as Bundle;
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('batch-response');
    expect(bundle.entry?.map((e) => e.response?.status)).toEqual(['200 OK', '200 OK']);
    expect(resultOf(bundle.entry?.[0])).toBe(true);
    // 26 is a "no", not an error: the PC/TC indicator of 0557T is 0
    expect(resultOf(bundle.entry?.[1])).toBe(false);
  });

  it('gives a malformed entry its own 4xx OperationOutcome while the others succeed', async () => {
    const res = await postBatch([
      validateDiagnosis('M81.0'),
      { request: { method: 'GET', url: `ValueSet/$validate-code?url=${encodeURIComponent(`${VS}/cpt-0556t-diagnoses`)}&code=M81.0&abstract=maybe` } },
      { request: { method: 'GET', url: `ValueSet/$validate-code?url=${encodeURIComponent(`${VS}/nope`)}&system=${encodeURIComponent(ICD)}&code=M81.0` } },
      { request: { method: 'DELETE', url: 'ValueSet/cpt-0556t-diagnoses' } },
      { request: { method: 'POST', url: 'ValueSet/$validate-code' } },
      { fullUrl: 'urn:uuid:no-request' },
      { request: { method: 'GET', url: 'Patient/1' } },
      { request: { method: 'GET', url: 'https://elsewhere.example.org/fhir/ValueSet/$expand' } },
      validateModifier('52'),
    ]).expect(200);
    const entries = (res.body as Bundle).entry ?? [];
    expect(entries.map((e) => e.response?.status.split(' ')[0])).toEqual(['200', '400', '404', '400', '400', '400', '404', '400', '200']);
    expect(resultOf(entries[0])).toBe(true);
    expect(resultOf(entries[8])).toBe(true);
    for (const failed of entries.slice(1, 8)) {
      expect(failed.resource).toBeUndefined();
      expect(failed.response?.outcome?.resourceType).toBe('OperationOutcome');
      expect(outcomeOf(failed)?.issue[0]?.severity).toBe('error');
    }
    expect(issuesOf(entries[1])).toContain('abstract');
    expect(issuesOf(entries[2])).toContain(`${VS}/nope`);
    expect(issuesOf(entries[3])).toContain('Bundle.entry[3].request.method');
    expect(issuesOf(entries[4])).toContain('Bundle.entry[4].resource');
    expect(issuesOf(entries[5])).toContain('Bundle.entry[5].request');
    expect(issuesOf(entries[6])).toContain('Patient');
    expect(issuesOf(entries[7])).toContain('not on this server');
  });

  it('routes reads, instance-level operations and absolute URLs on this server like single requests', async () => {
    const res = await postBatch([
      { request: { method: 'GET', url: '/ValueSet/cpt-0556t-diagnoses' } },
      { request: { method: 'GET', url: `http://localhost/fhir/ValueSet/cpt-0557t-modifiers/$validate-code?system=${encodeURIComponent(CPT)}&code=52` } },
      { request: { method: 'GET', url: `ConceptMap/cpt-to-icd10cm/$translate?system=${encodeURIComponent(CPT)}&code=0556T` } },
    ]).expect(200);
    const entries = (res.body as Bundle).entry ?? [];
    expect(entries.map((e) => e.response?.status)).toEqual(['200 OK', '200 OK', '200 OK']);
    expect((entries[0].resource as ValueSet).url).toBe(`${VS}/cpt-0556t-diagnoses`);
    expect(resultOf(entries[1])).toBe(true);
    expect(resultOf(entries[2])).toBe(true);
  });

  it('lets the event loop run between entries, so that a batch of heavy entries does not hold other requests (health checks) for all of them', async () => {
    const dispatcher = new FhirDispatcher({
      registry: new TerminologyRegistry(loadResources([RESOURCES_DIR])),
      caches: new ResourceCaches(),
      baseUrl: 'http://localhost/fhir',
      softwareVersion: 'test',
      onBatchEntryBug: () => undefined,
    });
    // Before each entry: has a callback queued (setImmediate) during the previous entry run yet?
    const othersRan: boolean[] = [];
    let ran = true;
    const handle: BatchEntryHandler = (entryRequest) => {
      othersRan.push(ran);
      ran = false;
      setImmediate(() => (ran = true));
      const response = dispatcher.dispatch({ ...entryRequest, headers: {} }) as FhirResponse;
      return { status: response.status, resource: response.resource as FhirResource };
    };
    const bundle = await batchResponse({ resourceType: 'Bundle', type: 'batch', entry: [validateDiagnosis('M81.0'), validateDiagnosis('M80.08XA'), validateModifier('26')] }, 'http://localhost/fhir', handle, () => undefined);
    expect(othersRan).toEqual([true, true, true]);
    expect(bundle.entry?.map((e) => resultOf(e))).toEqual([true, true, false]);
  });

  it('answers an empty batch with an empty batch-response', async () => {
    const res = await request(app).post('/fhir').send({ resourceType: 'Bundle', type: 'batch' }).expect(200);
    expect(res.body).toEqual({ resourceType: 'Bundle', type: 'batch-response', entry: [] });
  });

  it.each([
    ['a transaction Bundle', { resourceType: 'Bundle', type: 'transaction', entry: [] }, 'transaction'],
    ['a Bundle without a type', { resourceType: 'Bundle', entry: [] }, 'batch'],
    ['a Parameters resource', { resourceType: 'Parameters', parameter: [] }, 'Parameters'],
    ['an array', [validateDiagnosis('M81.0')], 'Bundle'],
    ['entries that are not an array', { resourceType: 'Bundle', type: 'batch', entry: {} }, 'Bundle.entry'],
  ])('refuses %s with a 400 OperationOutcome', async (_name, body, mention) => {
    const res = await request(app).post('/fhir').set('Content-Type', 'application/fhir+json').send(body as object).expect(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify((res.body as OperationOutcome).issue)).toContain(mention);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await request(app).post('/fhir').set('Content-Type', 'text/plain').send('hello').expect(415);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('is declared in the CapabilityStatement', async () => {
    const res = await request(app).get('/fhir/metadata').expect(200);
    const rest = (res.body as CapabilityStatement).rest?.[0];
    expect(rest?.interaction?.map((i) => i.code)).toContain('batch');
  });
});

describe('ValueSet/$batch-validate-code', () => {
  const validation = (...parameter: ParametersParameter[]): ParametersParameter => ({ name: 'validation', resource: { resourceType: 'Parameters', parameter } });

  it('validates each entry against the shared value set, an entry overriding what it gives itself', async () => {
    const res = await request(app)
      .post('/fhir/ValueSet/$batch-validate-code')
      .send({
        resourceType: 'Parameters',
        parameter: [
          { name: 'url', valueUri: `${VS}/cpt-0556t-diagnoses` },
          validation({ name: 'coding', valueCoding: { system: ICD, code: 'M81.0' } }),
          validation({ name: 'coding', valueCoding: { system: ICD, code: 'E03.9' } }),
          validation({ name: 'url', valueUri: `${VS}/cpt-0557t-modifiers` }, { name: 'coding', valueCoding: { system: CPT, code: '52' } }),
          validation({ name: 'codingX', valueCoding: { system: ICD, code: 'M81.0' } }),
          validation({ name: 'url', valueUri: `${VS}/nope` }, { name: 'coding', valueCoding: { system: ICD, code: 'M81.0' } }),
        ],
      })
      .expect(200);
    const results = ((res.body as Parameters).parameter ?? []).map((p) => {
      expect(p.name).toBe('validation');
      return p.resource?.resourceType === 'Parameters' ? param(p.resource, 'result')?.valueBoolean : p.resource?.resourceType;
    });
    expect(results).toEqual([true, false, true, 'OperationOutcome', 'OperationOutcome']);
    const missing = (res.body as Parameters).parameter?.[3]?.resource as OperationOutcome;
    expect(missing.issue[0]?.details?.text).toMatch(/^Unable to find code to validate/);
  });

  it('answers at instance level and with no validations', async () => {
    const res = await request(app)
      .post('/fhir/ValueSet/cpt-0556t-diagnoses/$batch-validate-code')
      .send({ resourceType: 'Parameters', parameter: [validation({ name: 'code', valueCode: 'M81.0' }, { name: 'system', valueUri: ICD })] })
      .expect(200);
    expect(param((res.body as Parameters).parameter?.[0]?.resource as Parameters, 'result')?.valueBoolean).toBe(true);
    const empty = await request(app).post('/fhir/ValueSet/$batch-validate-code').send({ resourceType: 'Parameters', parameter: [] }).expect(200);
    expect(empty.body).toEqual({ resourceType: 'Parameters', parameter: [] });
  });

  it('refuses a validation that is not a resource', async () => {
    const res = await request(app)
      .post('/fhir/ValueSet/$batch-validate-code')
      .send({ resourceType: 'Parameters', parameter: [{ name: 'validation', valueString: 'M81.0' }] })
      .expect(400);
    expect(JSON.stringify(res.body.issue)).toContain('validation');
  });
});

describe('$versions', () => {
  it('says this server speaks FHIR 4.0', async () => {
    const res = await request(app).get('/fhir/$versions').expect(200);
    expect(res.body).toEqual({
      resourceType: 'Parameters',
      parameter: [
        { name: 'version', valueCode: '4.0' },
        { name: 'default', valueCode: '4.0' },
      ],
    });
  });
});
