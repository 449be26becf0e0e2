import request from 'supertest';
import type { ConceptMap, Parameters, ParametersParameter } from 'fhir/r4';
import { cacheStats } from '../../src/terminology/bounded-cache';
import { testApp } from './test-app';

const CPT = 'http://www.ama-assn.org/go/cpt';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const NUCC = 'http://nucc.org/provider-taxonomy';
const VS = 'http://fhir.bone-strength.org/ValueSet';
const CM = 'http://fhir.bone-strength.org/ConceptMap';

const app = testApp();

function param(p: Parameters, name: string): ParametersParameter | undefined {
  return p.parameter?.find((x) => x.name === name);
}
function matches(p: Parameters): Array<Record<string, unknown>> {
  return (p.parameter ?? [])
    .filter((x) => x.name === 'match')
    .map((m) => Object.fromEntries((m.part ?? []).map((part) => [part.name, part.valueCoding ?? part.valueCode ?? part.valueCanonical ?? part.valueUri ?? part.valueString])));
}
const systemsOf = (p: Parameters): Set<unknown> => new Set(matches(p).map((m) => (m.concept as { system?: string } | undefined)?.system));
const translateGet = (query: Record<string, string>) => request(app).get('/fhir/ConceptMap/$translate').query(query);

describe('$translate: choosing the map', () => {
  it('uses the map named by url, and names it in every match as R4 match.source (url|version)', async () => {
    const res = await translateGet({ url: `${CM}/cpt-to-nucc`, system: CPT, code: '0556T' }).expect(200);
    const body = res.body as Parameters;
    expect(param(body, 'result')?.valueBoolean).toBe(true);
    expect(systemsOf(body)).toEqual(new Set([NUCC]));
    expect(new Set(matches(body).map((m) => m.source))).toEqual(new Set([`${CM}/cpt-to-nucc|1.0.0`]));
    expect(matches(body)[0].equivalence).toBe('relatedto');
  });

  it('uses the map in the path at instance level', async () => {
    const res = await request(app).get('/fhir/ConceptMap/cpt-to-icd10cm/$translate').query({ system: CPT, code: '0556T' }).expect(200);
    expect(systemsOf(res.body as Parameters)).toEqual(new Set([ICD]));
    expect(matches(res.body as Parameters).map((m) => (m.concept as { code?: string }).code)).toContain('M81.0');
  });

  it('answers 404 for a map that is not there, by url or by id', async () => {
    const byUrl = await translateGet({ url: `${CM}/nope`, system: CPT, code: '0556T' }).expect(404);
    expect(JSON.stringify(byUrl.body.issue)).toContain(`${CM}/nope`);
    await request(app).get('/fhir/ConceptMap/nope/$translate').query({ system: CPT, code: '0556T' }).expect(404);
  });

  it('without a map, considers every map whose declared value sets fit source and target', async () => {
    const all = await translateGet({ system: CPT, code: '0556T' }).expect(200);
    expect(systemsOf(all.body as Parameters)).toEqual(new Set([ICD, NUCC, CPT]));
    const diagnoses = await translateGet({ system: CPT, code: '0556T', source: `${VS}/bone-strength-family`, target: `${VS}/bone-strength-diagnoses` }).expect(200);
    expect(systemsOf(diagnoses.body as Parameters)).toEqual(new Set([ICD]));
    const specialties = await translateGet({ system: CPT, code: '0556T', target: `${VS}/bone-strength-specialties` }).expect(200);
    expect(systemsOf(specialties.body as Parameters)).toEqual(new Set([NUCC]));
    const none = await translateGet({ system: CPT, code: '0556T', source: `${VS}/cpt-0557t-modifiers` }).expect(200);
    expect(param(none.body as Parameters, 'result')?.valueBoolean).toBe(false);
  });

  it('reverse=true swaps the roles of source and target value sets', async () => {
    const res = await translateGet({ system: ICD, code: 'M81.0', reverse: 'true', source: `${VS}/bone-strength-diagnoses` }).expect(200);
    const body = res.body as Parameters;
    expect(systemsOf(body)).toEqual(new Set([CPT]));
    expect(new Set(matches(body).map((m) => m.source))).toEqual(new Set([`${CM}/cpt-to-icd10cm|1.0.0`]));
  });

  it('keeps only the answers in targetsystem', async () => {
    const res = await translateGet({ system: CPT, code: '0554T', targetsystem: CPT }).expect(200);
    const codes = matches(res.body as Parameters).map((m) => (m.concept as { code?: string }).code);
    expect(systemsOf(res.body as Parameters)).toEqual(new Set([CPT]));
    expect(codes).toEqual(expect.arrayContaining(['0555T', '0556T', '0557T', '77080']));
  });
});

describe('$translate with the R5 parameter names the ecosystem sends', () => {
  const cs = (url: string, codes: string[]) => ({ resourceType: 'CodeSystem', url, version: '1', status: 'active', content: 'complete', concept: codes.map((code) => ({ code })) });
  const map: ConceptMap = {
    resourceType: 'ConceptMap',
    url: 'http://example.org/cm',
    version: '2',
    status: 'active',
    group: [{ source: 'http://example.org/a', target: 'http://example.org/b', element: [{ code: 'a1', target: [{ code: 'b1', equivalence: 'wider' }] }] }],
  };
  const post = (...parameter: ParametersParameter[]) =>
    request(app)
      .post('/fhir/ConceptMap/$translate')
      .send({
        resourceType: 'Parameters',
        parameter: [...parameter, { name: 'tx-resource', resource: cs('http://example.org/a', ['a1']) }, { name: 'tx-resource', resource: cs('http://example.org/b', ['b1']) }, { name: 'tx-resource', resource: map }],
      });

  it('translates sourceCode + sourceSystem to targetSystem with a map sent as tx-resource', async () => {
    const res = await post({ name: 'sourceSystem', valueUri: 'http://example.org/a' }, { name: 'sourceCode', valueCode: 'a1' }, { name: 'targetSystem', valueUri: 'http://example.org/b' }).expect(200);
    expect(res.body).toEqual({
      resourceType: 'Parameters',
      parameter: [
        { name: 'result', valueBoolean: true },
        { name: 'match', part: [{ name: 'equivalence', valueCode: 'wider' }, { name: 'concept', valueCoding: { system: 'http://example.org/b', code: 'b1' } }, { name: 'originMap', valueCanonical: 'http://example.org/cm|2' }] },
      ],
    });
  });

  it('with targetCode, reports each mapping as stated: the target as concept, what maps to it as source', async () => {
    const res = await post({ name: 'sourceSystem', valueUri: 'http://example.org/a' }, { name: 'targetCode', valueCode: 'b1' }, { name: 'targetSystem', valueUri: 'http://example.org/b' }).expect(200);
    expect(matches(res.body as Parameters)).toEqual([
      { equivalence: 'wider', concept: { system: 'http://example.org/b', code: 'b1' }, source: { system: 'http://example.org/a', code: 'a1' }, originMap: 'http://example.org/cm|2' },
    ]);
  });

  it('R4 reverse=true answers with the source concept and the relationship read backwards', async () => {
    const res = await post({ name: 'system', valueUri: 'http://example.org/b' }, { name: 'code', valueCode: 'b1' }, { name: 'reverse', valueBoolean: true }).expect(200);
    expect(matches(res.body as Parameters)).toEqual([{ equivalence: 'narrower', concept: { system: 'http://example.org/a', code: 'a1' }, source: 'http://example.org/cm|2' }]);
  });

  it.each([
    ['reverse with targetCode', [{ name: 'targetCode', valueCode: 'b1' }, { name: 'targetSystem', valueUri: 'http://example.org/b' }, { name: 'reverse', valueBoolean: true }], 'reverse'],
    ['targetCode without targetSystem', [{ name: 'targetCode', valueCode: 'b1' }], 'targetSystem'],
    ['sourceCode without sourceSystem', [{ name: 'sourceCode', valueCode: 'a1' }], 'sourceSystem'],
    ['no concept at all', [{ name: 'targetSystem', valueUri: 'http://example.org/b' }], 'code'],
  ])('refuses %s with a 400 naming the parameter', async (_name, parameter, mention) => {
    const res = await post(...(parameter as ParametersParameter[])).expect(400);
    expect(res.body.issue[0].expression).toEqual([mention]);
  });
});

describe('$translate: a mapping asked about in every way, in turn', () => {
  // A match's parameter and its JSON text are made once per mapping and way of asking: each way
  // must keep its own answer however the asks are interleaved.
  const asks: Array<[string, Record<string, string>]> = [
    ['R4, forwards', { system: CPT, code: '0556T', targetsystem: ICD }],
    ['R5 names, forwards', { sourceSystem: CPT, sourceCode: '0556T', targetSystem: ICD }],
    ['R4, reverse=true', { system: ICD, code: 'M81.0', targetsystem: CPT, reverse: 'true' }],
    ['R5, by target', { sourceSystem: CPT, targetCode: 'M81.0', targetSystem: ICD }],
  ];

  it('keeps the match parameters it made in a cache bounded in bytes, reported with the others', async () => {
    const stats = () => cacheStats().find((c) => c.name === 'translate-match-parameters');
    const before = stats()?.entries ?? 0;
    // a map sent with the request is new each time: its matches are made anew
    const conceptMap: ConceptMap = {
      resourceType: 'ConceptMap',
      status: 'active',
      group: [{ source: 'http://example.org/a', target: 'http://example.org/b', element: [{ code: 'a1', target: ['b1', 'b2', 'b3'].map((code) => ({ code, equivalence: 'wider' as const })) }] }],
    };
    const res = await request(app)
      .post('/fhir/ConceptMap/$translate')
      .send({ resourceType: 'Parameters', parameter: [{ name: 'conceptMap', resource: conceptMap }, { name: 'system', valueUri: 'http://example.org/a' }, { name: 'code', valueCode: 'a1' }] })
      .expect(200);
    expect(matches(res.body as Parameters)).toHaveLength(3);
    const after = stats();
    expect((after?.entries ?? 0) - before).toBe(3);
    expect(after?.bytes).toBeGreaterThanOrEqual(res.text.length);
    expect(after?.bytes).toBeLessThanOrEqual(after?.maxBytes ?? 0);
  });

  it('answers each way as asked, the same bytes each time', async () => {
    const first = new Map<string, string>();
    for (let round = 0; round < 2; round++) {
      for (const [name, query] of round ? [...asks].reverse() : asks) {
        const res = await translateGet(query).expect(200);
        if (round) expect(res.text).toBe(first.get(name));
        else first.set(name, res.text);
      }
    }
    const [r4, r5, reverse, byTarget] = asks.map(([name]) => matches(JSON.parse(first.get(name) as string) as Parameters));
    const m810 = (ms: Array<Record<string, unknown>>) => ms.find((m) => (m.concept as { code?: string }).code === 'M81.0');
    expect(m810(r4)).toMatchObject({ equivalence: 'relatedto', source: `${CM}/cpt-to-icd10cm|1.0.0` });
    expect(m810(r4)).not.toHaveProperty('originMap');
    expect(m810(r5)).toMatchObject({ equivalence: 'relatedto', originMap: `${CM}/cpt-to-icd10cm|1.0.0` });
    expect(m810(r5)).not.toHaveProperty('source');
    expect(reverse.map((m) => (m.concept as { code?: string }).code)).toContain('0556T');
    expect(reverse.every((m) => (m.concept as { system?: string }).system === CPT && m.source === `${CM}/cpt-to-icd10cm|1.0.0`)).toBe(true);
    expect(byTarget.find((m) => (m.source as { code?: string }).code === '0556T')).toMatchObject({ concept: { system: ICD, code: 'M81.0' }, originMap: `${CM}/cpt-to-icd10cm|1.0.0` });
  });
});

describe('$translate: what a mapping produces, and codes a group leaves to another map', () => {
  const A = 'http://example.org/a';
  const B = 'http://example.org/b';
  const main: ConceptMap = {
    resourceType: 'ConceptMap',
    url: 'http://example.org/cm-main',
    version: '2',
    status: 'active',
    group: [
      {
        source: A,
        target: B,
        element: [{ code: 'a1', target: [{ code: 'b1', equivalence: 'wider', product: [{ property: 'http://example.org/laterality', system: 'http://example.org/sides', value: 'left', display: 'Left' }] }] }],
        unmapped: { mode: 'other-map', url: 'http://example.org/cm-other' },
      },
    ],
  };
  const other: ConceptMap = {
    resourceType: 'ConceptMap',
    url: 'http://example.org/cm-other',
    status: 'active',
    group: [{ source: A, target: B, element: [{ code: 'a3', target: [{ code: 'b3', equivalence: 'equivalent' }] }], unmapped: { mode: 'other-map', url: 'http://example.org/cm-main' } }],
  };
  const translatePost = (asked: ParametersParameter[]) =>
    request(app)
      .post('/fhir/ConceptMap/$translate')
      .send({ resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: main }, { name: 'tx-resource', resource: other }, { name: 'url', valueUri: main.url }, ...asked] })
      .expect(200);
  const partsOf = (p: Parameters, name: string) => (p.parameter ?? []).filter((x) => x.name === 'match').flatMap((m) => (m.part ?? []).filter((part) => part.name === name));

  it('answers a mapping with its products as R4 match.product (element, concept), R5 names as (attribute, value)', async () => {
    const r4 = (await translatePost([{ name: 'system', valueUri: A }, { name: 'code', valueCode: 'a1' }])).body as Parameters;
    expect(partsOf(r4, 'product')).toEqual([
      { name: 'product', part: [{ name: 'element', valueUri: 'http://example.org/laterality' }, { name: 'concept', valueCoding: { system: 'http://example.org/sides', code: 'left', display: 'Left' } }] },
    ]);
    const r5 = (await translatePost([{ name: 'sourceSystem', valueUri: A }, { name: 'sourceCode', valueCode: 'a1' }])).body as Parameters;
    expect(partsOf(r5, 'product')[0].part?.map((p) => p.name)).toEqual(['attribute', 'value']);
    const backwards = (await translatePost([{ name: 'system', valueUri: B }, { name: 'code', valueCode: 'b1' }, { name: 'reverse', valueBoolean: true }])).body as Parameters;
    expect(param(backwards, 'result')?.valueBoolean).toBe(true);
    expect(partsOf(backwards, 'product')).toEqual([]);
  });

  it('translates a code its group has no element for with the map unmapped (other-map) names, each map once', async () => {
    const res = (await translatePost([{ name: 'system', valueUri: A }, { name: 'code', valueCode: 'a3' }])).body as Parameters;
    expect(param(res, 'result')?.valueBoolean).toBe(true);
    expect(matches(res)).toEqual([{ equivalence: 'equivalent', concept: { system: B, code: 'b3' }, source: 'http://example.org/cm-other' }]);
    // the other map sends what it lacks back to the first: asked for a code neither has, the answer ends
    const neither = (await translatePost([{ name: 'system', valueUri: A }, { name: 'code', valueCode: 'a9' }])).body as Parameters;
    expect(param(neither, 'result')?.valueBoolean).toBe(false);
  });
});

describe('$translate: mappings that hold only under a condition (dependsOn) and the dependency parameter', () => {
  const A = 'http://example.org/a';
  const SEX = 'http://example.org/patient-sex';
  const GENDER = 'http://hl7.org/fhir/administrative-gender';
  const map: ConceptMap = {
    resourceType: 'ConceptMap',
    url: 'http://example.org/cm-conditional',
    status: 'active',
    group: [
      {
        source: A,
        target: 'http://example.org/b',
        element: [
          {
            code: 'a1',
            target: [
              { code: 'b-female', equivalence: 'equivalent', dependsOn: [{ property: SEX, system: GENDER, value: 'female' }] },
              { code: 'b-male', equivalence: 'equivalent', dependsOn: [{ property: SEX, system: GENDER, value: 'male' }] },
              { code: 'b-any', equivalence: 'wider' },
            ],
          },
        ],
      },
    ],
  };
  const translatePost = (asked: ParametersParameter[]) =>
    request(app)
      .post('/fhir/ConceptMap/$translate')
      .send({ resourceType: 'Parameters', parameter: [{ name: 'conceptMap', resource: map }, ...asked] });
  const codes = (p: Parameters) => matches(p).map((m) => (m.concept as { code?: string }).code);

  it('without a dependency, answers every mapping and says in the message which element would choose among them', async () => {
    const res = await translatePost([{ name: 'system', valueUri: A }, { name: 'code', valueCode: 'a1' }]).expect(200);
    expect(codes(res.body as Parameters)).toEqual(['b-female', 'b-male', 'b-any']);
    expect(param(res.body as Parameters, 'result')?.valueBoolean).toBe(true);
    expect(param(res.body as Parameters, 'message')?.valueString).toContain(SEX);
  });

  it("with R4's dependency (element, concept), keeps the mappings whose condition holds and those without one", async () => {
    const dependency = { name: 'dependency', part: [{ name: 'element', valueUri: SEX }, { name: 'concept', valueCodeableConcept: { coding: [{ system: GENDER, code: 'female' }] } }] };
    const res = await translatePost([{ name: 'system', valueUri: A }, { name: 'code', valueCode: 'a1' }, dependency]).expect(200);
    expect(codes(res.body as Parameters)).toEqual(['b-female', 'b-any']);
    expect(param(res.body as Parameters, 'message')).toBeUndefined();
  });

  it("with R5's dependency (attribute, value[x]), the same; R5 answers show each mapping's dependsOn", async () => {
    const dependency = { name: 'dependency', part: [{ name: 'attribute', valueUri: SEX }, { name: 'value', valueCode: 'male' }] };
    const res = await translatePost([{ name: 'sourceSystem', valueUri: A }, { name: 'sourceCode', valueCode: 'a1' }, dependency]).expect(200);
    const body = res.body as Parameters;
    expect(codes(body)).toEqual(['b-male', 'b-any']);
    const male = (body.parameter ?? []).filter((p) => p.name === 'match')[0];
    expect(male.part?.find((p) => p.name === 'dependsOn')).toEqual({
      name: 'dependsOn',
      part: [{ name: 'attribute', valueUri: SEX }, { name: 'value', valueCoding: { system: GENDER, code: 'male' } }],
    });
  });

  it('a dependency about another element does not decide', async () => {
    const dependency = { name: 'dependency', part: [{ name: 'element', valueUri: 'http://example.org/age-group' }, { name: 'concept', valueCodeableConcept: { coding: [{ code: 'adult' }] } }] };
    const res = await translatePost([{ name: 'system', valueUri: A }, { name: 'code', valueCode: 'a1' }, dependency]).expect(200);
    expect(codes(res.body as Parameters)).toEqual(['b-female', 'b-male', 'b-any']);
  });

  it.each<[string, unknown, string]>([
    ['no element', [{ name: 'concept', valueCodeableConcept: { coding: [{ code: 'female' }] } }], 'element'],
    ['no value', [{ name: 'element', valueUri: SEX }], 'value'],
    ['parts that are not a list', 'x', 'parts'],
    ['a part without a name', [5], 'no name'],
    ['an element that is not a uri', [{ name: 'element', valueUri: 5 }, { name: 'concept', valueCodeableConcept: { coding: [{ code: 'female' }] } }], 'dependency.element'],
    ['a concept whose codings are not objects', [{ name: 'element', valueUri: SEX }, { name: 'concept', valueCodeableConcept: { coding: [null] } }], 'dependency.concept'],
  ])('refuses a dependency with %s, with a 400 naming the parameter', async (_name, part, missing) => {
    const res = await translatePost([{ name: 'system', valueUri: A }, { name: 'code', valueCode: 'a1' }, { name: 'dependency', part } as ParametersParameter]).expect(400);
    expect(res.body.issue[0].expression[0]).toMatch(/^dependency/);
    expect(res.body.issue[0].details.text).toContain(missing);
  });
});
