import request from 'supertest';
import type { Parameters, ParametersParameter, ValueSet } from 'fhir/r4';
import { loadFhirCoreTerminology } from '../../src/content/fhir-core';
import { loadResources } from '../../src/content/load-resources';
import { createApp } from '../../src/http/app';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { quietLogger, RESOURCES_DIR } from './test-app';

let loads = 0;
const core = TerminologyRegistry.lazy(() => {
  loads++;
  return loadFhirCoreTerminology();
});
const app = createApp(new TerminologyRegistry(loadResources([RESOURCES_DIR]), core), { baseUrl: 'http://localhost/fhir', softwareVersion: 'test', logger: quietLogger });
const param = (p: Parameters, name: string): ParametersParameter | undefined => p.parameter?.find((x) => x.name === name);

describe("FHIR's own terminology, read on first use", () => {
  it('is not read for requests about the curated content', async () => {
    await request(app).get('/fhir/CodeSystem/$lookup').query({ system: 'http://www.ama-assn.org/go/cpt', code: '0556T' }).expect(200);
    expect(loads).toBe(0);
  });

  it('answers $lookup and $validate-code for core code systems and value sets', async () => {
    const lookup = await request(app).get('/fhir/CodeSystem/$lookup').query({ system: 'http://hl7.org/fhir/administrative-gender', code: 'female' }).expect(200);
    expect(param(lookup.body as Parameters, 'display')?.valueString).toBe('Female');
    const valid = await request(app)
      .get('/fhir/ValueSet/$validate-code')
      .query({ url: 'http://hl7.org/fhir/ValueSet/administrative-gender', system: 'http://hl7.org/fhir/administrative-gender', code: 'unknown' })
      .expect(200);
    expect(param(valid.body as Parameters, 'result')?.valueBoolean).toBe(true);
    const invalid = await request(app)
      .get('/fhir/ValueSet/$validate-code')
      .query({ url: 'http://hl7.org/fhir/ValueSet/administrative-gender', system: 'http://hl7.org/fhir/administrative-gender', code: 'f' })
      .expect(200);
    expect(param(invalid.body as Parameters, 'result')?.valueBoolean).toBe(false);
    expect(loads).toBe(1);
  });

  it('expands v3 value sets', async () => {
    const res = await request(app).get('/fhir/ValueSet/$expand').query({ url: 'http://terminology.hl7.org/ValueSet/v3-AdministrativeGender' }).expect(200);
    expect(((res.body as ValueSet).expansion?.contains ?? []).map((c) => c.code)).toEqual(expect.arrayContaining(['F', 'M', 'UN']));
  });

  it('validates UCUM units', async () => {
    const good = await request(app).get('/fhir/CodeSystem/$validate-code').query({ url: 'http://unitsofmeasure.org', code: 'mg/dL' }).expect(200);
    expect(param(good.body as Parameters, 'result')?.valueBoolean).toBe(true);
    const bad = await request(app).get('/fhir/ValueSet/$validate-code').query({ url: 'http://hl7.org/fhir/ValueSet/ucum-units', system: 'http://unitsofmeasure.org', code: 'mg/dLL' }).expect(200);
    expect(param(bad.body as Parameters, 'result')?.valueBoolean).toBe(false);
  });

  it('lists the core code systems in TerminologyCapabilities', async () => {
    const res = await request(app).get('/fhir/metadata').query({ mode: 'terminology' }).expect(200);
    const uris = (res.body.codeSystem as Array<{ uri: string }>).map((c) => c.uri);
    expect(uris).toEqual(expect.arrayContaining(['http://hl7.org/fhir/administrative-gender', 'http://terminology.hl7.org/CodeSystem/v3-ActCode', 'http://unitsofmeasure.org', 'http://www.ama-assn.org/go/cpt']));
  });
});
