import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { ConceptMap, OperationOutcome, Parameters, ParametersParameter, ValueSet } from 'fhir/r4';
import { RESOURCES_DIR, testApp } from './test-app';

const CPT = 'http://www.ama-assn.org/go/cpt';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const VS = 'http://fhir.bone-strength.org/ValueSet';

const app = testApp();

function param(p: Parameters, name: string): ParametersParameter | undefined {
  return p.parameter?.find((x) => x.name === name);
}
function params(p: Parameters, name: string): ParametersParameter[] {
  return p.parameter?.filter((x) => x.name === name) ?? [];
}
function part(p: ParametersParameter, name: string): ParametersParameter | undefined {
  return p.part?.find((x) => x.name === name);
}
function issuesOf(p: Parameters): OperationOutcome['issue'] {
  return (param(p, 'issues')?.resource as OperationOutcome | undefined)?.issue ?? [];
}
function readResource<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(RESOURCES_DIR, file), 'utf8')) as T;
}

describe('$lookup on the CPT family', () => {
  it('shows 0556T as a component of the complete service 0554T, reported apart from the CT acquisition', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$lookup').query({ system: CPT, code: '0556T' }).expect(200);
    const body = res.body as Parameters;
    expect(param(body, 'version')?.valueString).toBe('2026');
    expect(param(body, 'display')?.valueString).toMatch(/bone strength/i);
    const props = params(body, 'property').map((p) => [part(p, 'code')?.valueCode, part(p, 'value')?.valueCode ?? part(p, 'value')?.valueString ?? part(p, 'value')?.valueBoolean]);
    expect(props).toContainEqual(['component-of', '0554T']);
    expect(props).toContainEqual(['reported-separately', '0558T']);
    expect(props).toContainEqual(['not-reported-with', '0554T']);
    expect(props).toContainEqual(['pctc-indicator', '0']);
  });

  it('lists the three components of 0554T', async () => {
    const res = await request(app)
      .post('/fhir/CodeSystem/$lookup')
      .set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Parameters', parameter: [{ name: 'coding', valueCoding: { system: CPT, code: '0554T' } }, { name: 'property', valueCode: 'component' }] })
      .expect(200);
    const components = params(res.body as Parameters, 'property').map((p) => part(p, 'value')?.valueCode);
    expect(components.sort()).toEqual(['0555T', '0556T', '0557T']);
  });

  it('answers at instance level', async () => {
    const res = await request(app).get('/fhir/CodeSystem/cpt/$lookup').query({ code: '0557T' }).expect(200);
    expect(param(res.body as Parameters, 'display')?.valueString).toMatch(/interpret/i);
  });

  it('shows an ICD-10-CM code in its hierarchy up to the category', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$lookup').query({ system: ICD, code: 'M80.00XA' }).expect(200);
    const parents = params(res.body as Parameters, 'property').filter((p) => part(p, 'code')?.valueCode === 'parent');
    expect(parents.map((p) => part(p, 'value')?.valueCode)).toEqual(['M80.00']);
    const up = await request(app).get('/fhir/CodeSystem/$lookup').query({ system: ICD, code: 'M80.0' }).expect(200);
    expect(params(up.body as Parameters, 'property').filter((p) => part(p, 'code')?.valueCode === 'parent').map((p) => part(p, 'value')?.valueCode)).toEqual(['M80']);
  });

  it('is a 404 OperationOutcome for a code that does not exist', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$lookup').query({ system: ICD, code: 'M84.4X0' }).expect(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(res.body)).toContain('M84.4X0');
  });
});

describe('$validate-code for diagnoses', () => {
  it('accepts M81.0 as a supporting diagnosis for 0556T', async () => {
    const res = await request(app).get('/fhir/ValueSet/$validate-code').query({ url: `${VS}/cpt-0556t-diagnoses`, system: ICD, code: 'M81.0' }).expect(200);
    const body = res.body as Parameters;
    expect(param(body, 'result')?.valueBoolean).toBe(true);
    expect(param(body, 'display')?.valueString).toBe('Age-related osteoporosis without current pathological fracture');
  });

  it('says M84.4X0 is not an ICD-10-CM code', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$validate-code').query({ url: ICD, code: 'M84.4X0' }).expect(200);
    const body = res.body as Parameters;
    expect(param(body, 'result')?.valueBoolean).toBe(false);
    const issue = issuesOf(body).find((i) => i.details?.coding?.[0]?.code === 'invalid-code');
    expect(issue?.details?.text).toContain("'M84.4X0'");
  });

  it('says M85.8 is a header, not billable, and keeps it out of the diagnosis value sets', async () => {
    const cs = await request(app).get('/fhir/CodeSystem/$validate-code').query({ url: ICD, code: 'M85.8' }).expect(200);
    const warning = issuesOf(cs.body as Parameters).find((i) => i.details?.coding?.[0]?.code === 'code-rule');
    expect(warning?.details?.text).toMatch(/not selectable|header|billable/i);
    const vs = await request(app).get('/fhir/ValueSet/$validate-code').query({ url: `${VS}/bone-strength-diagnoses`, system: ICD, code: 'M85.8' }).expect(200);
    expect(param(vs.body as Parameters, 'result')?.valueBoolean).toBe(false);
    const billable = await request(app).get('/fhir/ValueSet/$validate-code').query({ url: `${VS}/icd10cm-billable`, system: ICD, code: 'M85.80' }).expect(200);
    expect(param(billable.body as Parameters, 'result')?.valueBoolean).toBe(true);
  });

  it('validates a CodeableConcept by POST', async () => {
    const res = await request(app)
      .post('/fhir/ValueSet/$validate-code')
      .send({
        resourceType: 'Parameters',
        parameter: [
          { name: 'url', valueUri: `${VS}/cpt-0556t-diagnoses` },
          { name: 'codeableConcept', valueCodeableConcept: { coding: [{ system: ICD, code: 'E03.9x' }, { system: ICD, code: 'M81.0' }] } },
        ],
      })
      .expect(200);
    expect(param(res.body as Parameters, 'result')?.valueBoolean).toBe(true);
    expect(param(res.body as Parameters, 'code')?.valueCode).toBe('M81.0');
  });

  it('reports a wrong display', async () => {
    const res = await request(app).get('/fhir/CodeSystem/$validate-code').query({ url: ICD, code: 'R29.6', display: 'Recurrent falls' }).expect(200);
    const body = res.body as Parameters;
    expect(param(body, 'result')?.valueBoolean).toBe(false);
    expect(param(body, 'message')?.valueString).toContain("'Repeated falls'");
  });
});

describe('$validate-code for modifiers', () => {
  const check = (code: string) =>
    request(app).get('/fhir/ValueSet/$validate-code').query({ url: `${VS}/cpt-0557t-modifiers`, system: CPT, code }).expect(200);

  it('refuses 26 on 0557T (PC/TC indicator 0)', async () => {
    const body = (await check('26')).body as Parameters;
    expect(param(body, 'result')?.valueBoolean).toBe(false);
    expect(issuesOf(body).some((i) => i.details?.coding?.[0]?.code === 'not-in-vs')).toBe(true);
  });

  it('accepts 52 on 0557T', async () => {
    expect(param((await check('52')).body as Parameters, 'result')?.valueBoolean).toBe(true);
  });
});

describe('$translate CPT <-> ICD-10-CM', () => {
  const map = readResource<ConceptMap>('ConceptMap-cpt-to-icd10cm.json');
  const targetsOf = (code: string): string[] =>
    (map.group ?? []).flatMap((g) => g.element.filter((e) => e.code === code).flatMap((e) => (e.target ?? []).map((t) => t.code ?? '')));

  it('lists every supporting diagnosis of 0556T, the same as its value set', async () => {
    const res = await request(app).get('/fhir/ConceptMap/$translate').query({ system: CPT, code: '0556T', targetsystem: ICD }).expect(200);
    const body = res.body as Parameters;
    expect(param(body, 'result')?.valueBoolean).toBe(true);
    const codes = params(body, 'match').map((m) => part(m, 'concept')?.valueCoding?.code);
    expect(new Set(codes)).toEqual(new Set(targetsOf('0556T')));
    const vs = await request(app).get('/fhir/ValueSet/$expand').query({ url: `${VS}/cpt-0556t-diagnoses` }).expect(200);
    const expanded = ((vs.body as ValueSet).expansion?.contains ?? []).map((c) => c.code);
    expect(new Set(codes)).toEqual(new Set(expanded));
    expect(codes).toContain('M81.0');
  });

  it('reverses from M81.0 to every CPT code it supports', async () => {
    const res = await request(app).get('/fhir/ConceptMap/$translate').query({ system: ICD, code: 'M81.0', reverse: 'true', targetsystem: CPT }).expect(200);
    const codes = params(res.body as Parameters, 'match').map((m) => part(m, 'concept')?.valueCoding?.code);
    const expected = (map.group ?? []).flatMap((g) => g.element.filter((e) => e.target?.some((t) => t.code === 'M81.0')).map((e) => e.code));
    expect(new Set(codes)).toEqual(new Set(expected));
    expect(codes).toEqual(expect.arrayContaining(['0554T', '0556T', '0557T']));
  });

  it('says so when nothing maps', async () => {
    const res = await request(app).get('/fhir/ConceptMap/$translate').query({ system: ICD, code: 'E03.9', targetsystem: 'http://nucc.org/provider-taxonomy' }).expect(200);
    expect(param(res.body as Parameters, 'result')?.valueBoolean).toBe(false);
    expect(param(res.body as Parameters, 'message')?.valueString).toContain('E03.9');
  });
});

describe('malformed requests get an OperationOutcome naming the fault', () => {
  const cases: Array<[string, () => request.Test, number, string]> = [
    ['malformed JSON', () => request(app).post('/fhir/CodeSystem/$lookup').set('Content-Type', 'application/fhir+json').send('{"resourceType": "Parameters",'), 400, 'JSON'],
    ['a body that is not Parameters', () => request(app).post('/fhir/CodeSystem/$lookup').send({ resourceType: 'Patient' }), 400, 'Parameters'],
    ['a missing code', () => request(app).get('/fhir/CodeSystem/$lookup').query({ system: CPT }), 400, 'code'],
    ['a wrong parameter type', () => request(app).get('/fhir/ValueSet/$expand').query({ url: `${VS}/bone-strength-family`, count: 'ten' }), 400, 'count'],
    ['a wrong value type in POST', () => request(app).post('/fhir/ValueSet/$validate-code').send({ resourceType: 'Parameters', parameter: [{ name: 'coding', valueString: 'x' }] }), 400, 'coding'],
    ['a boolean that is not one', () => request(app).get('/fhir/ConceptMap/$translate').query({ system: CPT, code: '0556T', reverse: 'maybe' }), 400, 'reverse'],
    ['an unknown value set', () => request(app).get('/fhir/ValueSet/$validate-code').query({ url: `${VS}/nope`, system: CPT, code: '0556T' }), 404, `${VS}/nope`],
    ['an unknown code system', () => request(app).get('/fhir/CodeSystem/$lookup').query({ system: 'http://example.org/nope', code: 'x' }), 404, 'http://example.org/nope'],
    ['an unknown resource', () => request(app).get('/fhir/ValueSet/nope'), 404, 'nope'],
    ['an unsupported format', () => request(app).get('/fhir/metadata').query({ _format: 'xml' }), 406, '_format'],
  ];
  it.each(cases)('%s', async (_name, send, status, mention) => {
    const res = await send().expect(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(res.body.issue)).toContain(mention);
  });
});

describe('metadata, read and search', () => {
  it('serves a terminology-server CapabilityStatement and TerminologyCapabilities', async () => {
    const cap = await request(app).get('/fhir/metadata').expect(200);
    expect(cap.body.fhirVersion).toBe('4.0.1');
    expect(cap.body.instantiates).toContain('http://hl7.org/fhir/CapabilityStatement/terminology-server');
    const tc = await request(app).get('/fhir/metadata?mode=terminology').expect(200);
    expect(tc.body.resourceType).toBe('TerminologyCapabilities');
    const systems = (tc.body.codeSystem as Array<{ uri: string }>).map((c) => c.uri);
    expect(systems).toEqual(expect.arrayContaining([CPT, ICD, 'http://nucc.org/provider-taxonomy']));
  });

  it('reads and searches by url', async () => {
    await request(app).get('/fhir/CodeSystem/icd10cm').expect(200);
    const res = await request(app).get('/fhir/ValueSet').query({ url: `${VS}/cpt-0556t-diagnoses` }).expect(200);
    expect(res.body.resourceType).toBe('Bundle');
    expect(res.body.total).toBe(1);
  });

  it('accepts application/json and pretty-prints on request', async () => {
    const res = await request(app).get('/fhir/CodeSystem/cpt').set('Accept', 'application/json').query({ _pretty: 'true' }).expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.text).toContain('\n  ');
  });
});

describe('human-readable pages', () => {
  it('serves a page for a browser and JSON for a FHIR client at the same address', async () => {
    const page = await request(app).get('/fhir/ConceptMap/cpt-to-icd10cm').set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('M81.0');
    expect(page.text).toContain('provenance');
    const json = await request(app).get('/fhir/ConceptMap/cpt-to-icd10cm').set('Accept', 'application/fhir+json').expect(200);
    expect(json.body.resourceType).toBe('ConceptMap');
    const curl = await request(app).get('/fhir/ConceptMap/cpt-to-icd10cm').set('Accept', '*/*').expect(200);
    expect(curl.headers['content-type']).toMatch(/fhir\+json/);
  });
});
