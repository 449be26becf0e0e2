import type { CodeSystem, ParametersParameter, ValueSet } from 'fhir/r4';
import request from 'supertest';
import { testApp } from './test-app';

/**
 * `filter` on a value set made of several includes comes in the same order of relevance as on a
 * value set of one include (display starting with the first word, whole words, shorter display),
 * not in expansion order, and pages through that order.
 */
const app = testApp();
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';

/** A flat expansion (excludeNested), so that the order is the ranking's. */
const expand = (parameter: ParametersParameter[]) =>
  request(app)
    .post('/fhir/ValueSet/$expand')
    .set('Content-Type', 'application/fhir+json')
    .send({ resourceType: 'Parameters', parameter: [...parameter, { name: 'excludeNested', valueBoolean: true }] });
const codes = (vs: ValueSet): string[] => (vs.expansion?.contains ?? []).map((c) => c.code as string);

/** Osteoporotic fractures first, traumatic femur fractures second: two filters of the curated ICD-10-CM. */
const fractures: ValueSet = {
  resourceType: 'ValueSet',
  url: 'http://example.org/probe/fractures',
  status: 'active',
  compose: {
    include: [
      { system: ICD, filter: [{ property: 'concept', op: 'is-a', value: 'M80' }] },
      { system: ICD, filter: [{ property: 'concept', op: 'is-a', value: 'S72' }] },
    ],
  },
};

const clinic: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'http://example.org/probe/clinic-terms',
  version: '1',
  status: 'active',
  content: 'complete',
  concept: [
    { code: 'c1', display: 'History of hip surgery with femur fracture' },
    { code: 'c2', display: 'Hip pain' },
  ],
};
const local: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'http://example.org/probe/local-terms',
  version: '1',
  status: 'active',
  content: 'complete',
  concept: [
    { code: 'l1', display: 'Femur fracture' },
    { code: 'l2', display: 'Femur fractures, multiple' },
    { code: 'l3', display: 'Fracture of the femur' },
  ],
};
const twoSystems: ValueSet = {
  resourceType: 'ValueSet',
  url: 'http://example.org/probe/two-systems',
  status: 'active',
  compose: { include: [{ system: clinic.url }, { system: local.url }] },
};
const sent = [clinic, local, fractures, twoSystems].map((resource) => ({ name: 'tx-resource', resource }));

describe('a filtered expansion of a value set with several includes', () => {
  it('ranks by relevance across two filters of one code system: the best matches of the second include come first', async () => {
    const res = await expand([...sent, { name: 'url', valueUri: fractures.url }, { name: 'filter', valueString: 'fracture femur' }]).expect(200);
    const found = codes(res.body);
    // "Fracture of femur" (S72) starts with the first word and is short; the M80 femur codes only contain the words
    expect(found[0]).toBe('S72');
    expect(found.slice(0, 2)).toEqual(['S72', 'S72.0']);
    expect(found.indexOf('S72.001')).toBeLessThan(found.indexOf('M80.051'));
    expect(res.body.expansion.total).toBe(found.length);
    expect([...found].sort()).toEqual(['M80.05', 'M80.051', 'M80.051A', 'M80.052', 'M80.052A', 'S72', 'S72.0', 'S72.00', 'S72.001', 'S72.001A'].sort());
  });

  it('ranks across two code systems: a display that starts with the filter, whole words, shorter displays, then expansion order', async () => {
    const res = await expand([...sent, { name: 'url', valueUri: twoSystems.url }, { name: 'filter', valueString: 'femur fracture' }]).expect(200);
    expect(codes(res.body)).toEqual(['l1', 'l2', 'l3', 'c1']);
    const prefix = await expand([...sent, { name: 'url', valueUri: twoSystems.url }, { name: 'filter', valueString: 'hip' }]).expect(200);
    expect(codes(prefix.body)).toEqual(['c2', 'c1']);
  });

  it('pages through the same order: offset and count give disjoint pages that add up to the whole', async () => {
    const whole = codes((await expand([...sent, { name: 'url', valueUri: fractures.url }, { name: 'filter', valueString: 'fracture' }]).expect(200)).body);
    expect(whole.length).toBeGreaterThan(10);
    const pages: string[][] = [];
    for (let offset = 0; offset < whole.length; offset += 4) {
      const page = await expand([
        ...sent,
        { name: 'url', valueUri: fractures.url },
        { name: 'filter', valueString: 'fracture' },
        { name: 'offset', valueInteger: offset },
        { name: 'count', valueInteger: 4 },
      ]).expect(200);
      expect(page.body.expansion.total).toBe(whole.length);
      pages.push(codes(page.body));
    }
    expect(pages.flat()).toEqual(whole);
    expect(new Set(pages.flat()).size).toBe(whole.length);
  });
});
