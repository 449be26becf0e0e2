import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { ConceptMap, OperationOutcome, Parameters, ParametersParameter, ValueSet } from 'fhir/r4';
import { RESOURCES_DIR, testApp } from './test-app';

const CPT = 'http://www.ama-assn.org/go/cpt';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const HCPCS = 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
const VS = 'http://fhir.bone-strength.org/ValueSet';
const CM = 'http://fhir.bone-strength.org/ConceptMap';
const FAMILY = ['0554T', '0555T', '0556T', '0557T'];

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

describe('$validate-code gives the same answer for every code of the family', () => {
  const family = readResource<ValueSet>('ValueSet-bone-strength-diagnoses.json');
  const supporting = (family.compose?.include ?? []).flatMap((i) => (i.concept ?? []).map((c) => c.code));
  const refused = (family.compose?.exclude ?? []).flatMap((i) => (i.concept ?? []).map((c) => c.code));
  const validate = async (code: string, diagnosis: string): Promise<Parameters> =>
    (await request(app).get('/fhir/ValueSet/$validate-code').query({ url: `${VS}/cpt-${code.toLowerCase()}-diagnoses`, system: ICD, code: diagnosis }).expect(200)).body as Parameters;

  it('has supporting and refused diagnoses to check', () => {
    expect(supporting.length).toBeGreaterThan(20);
    expect(refused).toEqual(expect.arrayContaining(['E03.9', 'S52.501A', 'S72.001A']));
  });

  it.each(supporting)('%s supports 0554T, 0555T, 0556T and 0557T alike', async (diagnosis) => {
    const answers = await Promise.all(FAMILY.map((code) => validate(code, diagnosis)));
    for (const body of answers) {
      expect([diagnosis, param(body, 'result')?.valueBoolean]).toEqual([diagnosis, true]);
      expect(param(body, 'display')?.valueString).toBe(param(answers[0], 'display')?.valueString);
    }
  });

  it.each(refused)('%s is refused by 0554T, 0555T, 0556T and 0557T alike, with the reason', async (diagnosis) => {
    for (const code of FAMILY) {
      const body = await validate(code, diagnosis);
      expect([code, diagnosis, param(body, 'result')?.valueBoolean]).toEqual([code, diagnosis, false]);
      expect(param(body, 'message')?.valueString).toContain(`The code '${diagnosis}' is excluded from the value set '${VS}/bone-strength-diagnoses|1.0.0'`);
    }
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

describe('$validate-code for modifiers, per family code', () => {
  const check = async (code: string, system: string, modifier: string): Promise<Parameters> =>
    (await request(app).get('/fhir/ValueSet/$validate-code').query({ url: `${VS}/cpt-${code.toLowerCase()}-modifiers`, system, code: modifier }).expect(200)).body as Parameters;
  const accepted: Array<[string, string]> = [['GA', HCPCS], ['GY', HCPCS], ['GZ', HCPCS], ['59', CPT], ['XS', HCPCS], ['76', CPT]];

  it.each(FAMILY.flatMap((code) => accepted.map(([modifier, system]) => [modifier, code, system] as const)))('accepts %s on %s', async (modifier, code, system) => {
    const body = await check(code, system, modifier);
    expect(param(body, 'result')?.valueBoolean).toBe(true);
  });

  it.each(FAMILY.flatMap((code) => [['26', code, CPT], ['TC', code, HCPCS]] as const))('refuses %s on %s and says why: PC/TC indicator 0', async (modifier, code, system) => {
    const body = await check(code, system, modifier);
    expect(param(body, 'result')?.valueBoolean).toBe(false);
    expect(issuesOf(body).some((i) => i.details?.coding?.[0]?.code === 'not-in-vs')).toBe(true);
    expect(param(body, 'message')?.valueString).toMatch(/PC\/TC indicator 0/);
    const reason = issuesOf(body).find((i) => i.details?.coding?.[0]?.code === 'code-comment');
    expect(reason?.severity).toBe('information');
    expect(reason?.details?.text).toContain(`Refused on ${code}`);
  });

  it.each(['0555T', '0556T'])('refuses 53 on %s: no patient is involved', async (code) => {
    const body = await check(code, CPT, '53');
    expect(param(body, 'result')?.valueBoolean).toBe(false);
    expect(param(body, 'message')?.valueString).toMatch(/no patient present/);
  });

  it('refuses 22 on 0555T (data transfer) and accepts it on the other codes', async () => {
    const refused = await check('0555T', CPT, '22');
    expect(param(refused, 'result')?.valueBoolean).toBe(false);
    expect(param(refused, 'message')?.valueString).toMatch(/Refused on 0555T/);
    for (const code of ['0554T', '0556T', '0557T']) expect(param(await check(code, CPT, '22'), 'result')?.valueBoolean).toBe(true);
  });

  it('a refusal without a stated reason is the plain not-in-value-set answer', async () => {
    const body = (await request(app).get('/fhir/ValueSet/$validate-code').query({ url: `${VS}/bone-strength-family`, system: CPT, code: '0743T' }).expect(200)).body as Parameters;
    expect(param(body, 'result')?.valueBoolean).toBe(false);
    expect(issuesOf(body).some((i) => i.details?.coding?.[0]?.code === 'code-comment')).toBe(false);
  });
});

describe('$translate CPT <-> ICD-10-CM', () => {
  const map = readResource<ConceptMap>('ConceptMap-cpt-to-icd10cm.json');
  const targetsOf = (code: string): string[] =>
    (map.group ?? []).flatMap((g) => g.element.filter((e) => e.code === code).flatMap((e) => (e.target ?? []).map((t) => t.code ?? '')));

  it.each(FAMILY)('lists every supporting diagnosis of %s, the same as its value set', async (code) => {
    const res = await request(app).get('/fhir/ConceptMap/$translate').query({ system: CPT, code, targetsystem: ICD }).expect(200);
    const body = res.body as Parameters;
    expect(param(body, 'result')?.valueBoolean).toBe(true);
    const codes = params(body, 'match').map((m) => part(m, 'concept')?.valueCoding?.code);
    expect(new Set(codes)).toEqual(new Set(targetsOf(code)));
    const vs = await request(app).get('/fhir/ValueSet/$expand').query({ url: `${VS}/cpt-${code.toLowerCase()}-diagnoses` }).expect(200);
    const expanded = ((vs.body as ValueSet).expansion?.contains ?? []).map((c) => c.code);
    expect(new Set(codes)).toEqual(new Set(expanded));
    expect(codes).toContain('M81.0');
  });

  it('reverses from M81.0 to every CPT code it supports', async () => {
    const res = await request(app).get('/fhir/ConceptMap/$translate').query({ system: ICD, code: 'M81.0', reverse: 'true', targetsystem: CPT }).expect(200);
    const codes = params(res.body as Parameters, 'match').map((m) => part(m, 'concept')?.valueCoding?.code);
    const expected = (map.group ?? []).flatMap((g) => g.element.filter((e) => e.target?.some((t) => t.code === 'M81.0')).map((e) => e.code));
    expect(new Set(codes)).toEqual(new Set(expected));
    expect(codes.sort()).toEqual(FAMILY);
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

describe('$translate for related procedures and specialties', () => {
  it('says 0743T is not reported with 0554T-0557T, and each of them says it back', async () => {
    const res = await request(app).get('/fhir/ConceptMap/$translate').query({ url: `${CM}/cpt-related-procedures`, system: CPT, code: '0743T' }).expect(200);
    const matches = params(res.body as Parameters, 'match');
    expect(matches.map((m) => part(m, 'concept')?.valueCoding?.code).sort()).toEqual(FAMILY);
    for (const m of matches) expect(part(m, 'comment')?.valueString).toMatch(/^Not reported with 055[4-7]T/);
    for (const code of FAMILY) {
      const back = await request(app).get('/fhir/ConceptMap/$translate').query({ url: `${CM}/cpt-related-procedures`, system: CPT, code }).expect(200);
      const to0743T = params(back.body as Parameters, 'match').find((m) => part(m, 'concept')?.valueCoding?.code === '0743T');
      expect([code, part(to0743T!, 'comment')?.valueString]).toEqual([code, expect.stringMatching(/^Not reported with/)]);
    }
    const lookup = await request(app).get('/fhir/CodeSystem/$lookup').query({ system: CPT, code: '0743T', property: 'not-reported-with' }).expect(200);
    expect(params(lookup.body as Parameters, 'property').map((p) => part(p, 'value')?.valueCode).sort()).toEqual(FAMILY);
  });

  it('maps 0556T (the computation) to no radiologist, and 0555T (data transfer) to the imaging facility', async () => {
    const specialties = async (code: string) =>
      params((await request(app).get('/fhir/ConceptMap/$translate').query({ url: `${CM}/cpt-to-nucc`, system: CPT, code }).expect(200)).body as Parameters, 'match').map((m) => ({
        code: part(m, 'concept')?.valueCoding?.code ?? '',
        comment: part(m, 'comment')?.valueString ?? '',
      }));
    const s0556 = await specialties('0556T');
    expect(s0556.filter((s) => s.code.startsWith('2085') || /^Interprets/.test(s.comment))).toEqual([]);
    const s0557 = await specialties('0557T');
    expect(s0557.map((s) => s.code)).toEqual(expect.arrayContaining(['2085R0202X', '2085N0700X']));
    const s0555 = await specialties('0555T');
    expect(s0555.filter((s) => /^Performs/.test(s.comment)).map((s) => s.code)).toEqual(expect.arrayContaining(['261QR0200X']));
  });
});

describe('human-readable pages', () => {
  const resources = readdirSync(RESOURCES_DIR).map((f) => readResource<{ resourceType: string; id: string }>(f));

  it.each(resources.map((r) => [`${r.resourceType}/${r.id}`] as const))('%s names no internal file and uses no review jargon', async (address) => {
    const page = await request(app).get(`/fhir/${address}`).set('Accept', 'text/html').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).not.toMatch(/[0-9]{3}_[0-9a-f]{16}/);
    expect(page.text).not.toMatch(/verdict|seed's/i);
  });

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
