import type { CodeSystem, ConceptMap, Parameters, ParametersParameter, ValueSet } from 'fhir/r4';
import request from 'supertest';
import { testApp } from './test-app';

/**
 * The same question asked along every path ($validate-code on a value set and on a code system,
 * $expand, imports, excludes, inferSystem, $lookup) gets the same answer: one membership engine,
 * one status rule, one version-list formatter, one language check.
 */
const app = testApp();

const param = (body: Parameters, name: string): ParametersParameter | undefined => body.parameter?.find((p) => p.name === name);
const post = (path: string, parameter: ParametersParameter[]) => request(app).post(`/fhir/${path}`).set('Content-Type', 'application/fhir+json').send({ resourceType: 'Parameters', parameter });
const codes = (vs: ValueSet): string[] => (vs.expansion?.contains ?? []).map((c) => c.code ?? '');

const colours: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'http://example.org/probe/colours',
  version: '1',
  status: 'active',
  content: 'complete',
  caseSensitive: false,
  concept: [
    { code: 'red', display: 'Red' },
    { code: 'green', display: 'Green' },
  ],
};
const reds: ValueSet = { resourceType: 'ValueSet', url: 'http://example.org/probe/reds', status: 'active', compose: { include: [{ system: colours.url, concept: [{ code: 'red' }] }] } };
const notRed: ValueSet = {
  resourceType: 'ValueSet',
  url: 'http://example.org/probe/not-red',
  status: 'active',
  compose: { include: [{ system: colours.url }], exclude: [{ valueSet: [reds.url as string] }] },
};
const sent = [colours, reds, notRed].map((resource) => ({ name: 'tx-resource', resource }));

describe('a case-insensitive code system whose value set lists `red`', () => {
  it('has RED in the value set for $validate-code, directly and through inferSystem', async () => {
    const direct = await post('ValueSet/$validate-code', [...sent, { name: 'url', valueUri: reds.url }, { name: 'system', valueUri: colours.url }, { name: 'code', valueCode: 'RED' }]).expect(200);
    expect(param(direct.body, 'result')?.valueBoolean).toBe(true);
    expect(param(direct.body, 'normalized-code')?.valueCode).toBe('red');
    const inferred = await post('ValueSet/$validate-code', [...sent, { name: 'url', valueUri: reds.url }, { name: 'code', valueCode: 'RED' }, { name: 'inferSystem', valueBoolean: true }]).expect(200);
    expect(param(inferred.body, 'result')?.valueBoolean).toBe(true);
    expect(param(inferred.body, 'system')?.valueUri).toBe(colours.url);
  });

  it('takes RED out of a value set that excludes the first one, in $validate-code and in $expand', async () => {
    const red = await post('ValueSet/$validate-code', [...sent, { name: 'url', valueUri: notRed.url }, { name: 'system', valueUri: colours.url }, { name: 'code', valueCode: 'RED' }]).expect(200);
    expect(param(red.body, 'result')?.valueBoolean).toBe(false);
    const green = await post('ValueSet/$validate-code', [...sent, { name: 'url', valueUri: notRed.url }, { name: 'system', valueUri: colours.url }, { name: 'code', valueCode: 'GREEN' }]).expect(200);
    expect(param(green.body, 'result')?.valueBoolean).toBe(true);
    const expansion = await post('ValueSet/$expand', [...sent, { name: 'url', valueUri: notRed.url }]).expect(200);
    expect(codes(expansion.body)).toEqual(['green']);
  });
});

const INACTIVE = 'http://hl7.org/fhir/concept-properties#inactive';
const STATUS = 'http://hl7.org/fhir/concept-properties#status';
const lifecycle: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'http://example.org/probe/lifecycle',
  version: '1',
  status: 'active',
  content: 'complete',
  caseSensitive: true,
  property: [
    { code: 'lifecycle', uri: STATUS, type: 'code' },
    { code: 'withdrawnFlag', uri: INACTIVE, type: 'boolean' },
  ],
  concept: [
    { code: 'current', display: 'Current' },
    { code: 'fading', display: 'Deprecated, still active', property: [{ code: 'lifecycle', valueCode: 'deprecated' }] },
    { code: 'gone', display: 'Deprecated and inactive', property: [{ code: 'lifecycle', valueCode: 'deprecated' }, { code: 'withdrawnFlag', valueBoolean: true }] },
  ],
};
const everything: ValueSet = { resourceType: 'ValueSet', url: 'http://example.org/probe/lifecycle-all', status: 'active', compose: { include: [{ system: lifecycle.url }] } };
const activeOnlyVs: ValueSet = { resourceType: 'ValueSet', url: 'http://example.org/probe/lifecycle-active', status: 'active', compose: { inactive: false, include: [{ system: lifecycle.url }] } };
const lifecycleSent = [lifecycle, everything, activeOnlyVs].map((resource) => ({ name: 'tx-resource', resource }));

describe('a deprecated concept whose inactive flag uses another property code', () => {
  it('is left out by activeOnly and compose.inactive = false on $expand', async () => {
    const viaParameter = await post('ValueSet/$expand', [...lifecycleSent, { name: 'url', valueUri: everything.url }, { name: 'activeOnly', valueBoolean: true }]).expect(200);
    expect(codes(viaParameter.body)).toEqual(['current', 'fading']);
    const viaCompose = await post('ValueSet/$expand', [...lifecycleSent, { name: 'url', valueUri: activeOnlyVs.url }]).expect(200);
    expect(codes(viaCompose.body)).toEqual(['current', 'fading']);
  });

  it('is refused by $validate-code with activeOnly, as the deprecated-only concept is accepted', async () => {
    const ask = (code: string, url = everything.url) =>
      post('ValueSet/$validate-code', [...lifecycleSent, { name: 'url', valueUri: url }, { name: 'system', valueUri: lifecycle.url }, { name: 'code', valueCode: code }, { name: 'activeOnly', valueBoolean: true }]).expect(200);
    expect(param((await ask('gone')).body, 'result')?.valueBoolean).toBe(false);
    expect(param((await ask('gone', activeOnlyVs.url)).body, 'result')?.valueBoolean).toBe(false);
    const fading = await ask('fading');
    expect(param(fading.body, 'result')?.valueBoolean).toBe(true);
    expect(param(fading.body, 'status')?.valueCode).toBe('deprecated');
  });

  it('is inactive for $lookup too', async () => {
    const res = await post('CodeSystem/$lookup', [{ name: 'tx-resource', resource: lifecycle }, { name: 'system', valueUri: lifecycle.url }, { name: 'code', valueCode: 'gone' }]).expect(200);
    const inactive = res.body.parameter.find((p: ParametersParameter) => p.name === 'property' && p.part?.some((q) => q.valueCode === 'inactive'));
    expect(inactive?.part?.find((q: ParametersParameter) => q.name === 'value')?.valueBoolean).toBe(true);
  });
});

const versioned = ['1.0.0', '1.10.0', '1.2.0'].map((version): CodeSystem => ({
  resourceType: 'CodeSystem',
  url: 'http://example.org/probe/versioned',
  version,
  status: 'active',
  content: 'complete',
  concept: [{ code: 'a', display: 'A' }],
}));
const versionedSent = versioned.map((resource) => ({ name: 'tx-resource', resource }));
const LIST = 'Valid versions: 1.0.0, 1.2.0 and 1.10.0';

describe('the list of known versions in a message', () => {
  it('reads the same in $validate-code, $expand and $lookup', async () => {
    const system = versioned[0]?.url as string;
    const validated = await post('CodeSystem/$validate-code', [...versionedSent, { name: 'url', valueUri: system }, { name: 'version', valueString: '9' }, { name: 'code', valueCode: 'a' }]).expect(200);
    expect(param(validated.body, 'message')?.valueString).toContain(LIST);
    const vs: ValueSet = { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system, version: '9' }] } };
    const expanded = await post('ValueSet/$expand', [...versionedSent, { name: 'valueSet', resource: vs }]);
    expect(expanded.status).toBe(404);
    expect(JSON.stringify(expanded.body)).toContain(LIST);
    const looked = await post('CodeSystem/$lookup', [...versionedSent, { name: 'system', valueUri: system }, { name: 'version', valueString: '9' }, { name: 'code', valueCode: 'a' }]);
    expect(looked.status).toBe(404);
    expect(JSON.stringify(looked.body)).toContain(LIST);
  });
});

describe('a malformed displayLanguage', () => {
  it('is refused the same way by $expand, $validate-code and $lookup', async () => {
    const bad = { name: 'displayLanguage', valueCode: 'not a language!' };
    const answers = await Promise.all([
      post('ValueSet/$expand', [...sent, { name: 'url', valueUri: reds.url }, bad]),
      post('ValueSet/$validate-code', [...sent, { name: 'url', valueUri: reds.url }, { name: 'system', valueUri: colours.url }, { name: 'code', valueCode: 'red' }, bad]),
      post('CodeSystem/$lookup', [...sent, { name: 'system', valueUri: colours.url }, { name: 'code', valueCode: 'red' }, bad]),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain("Invalid displayLanguage: 'not a language!'");
    }
  });
});

describe('$translate into a value set', () => {
  const from: CodeSystem = { resourceType: 'CodeSystem', url: 'http://example.org/probe/from', status: 'active', content: 'complete', concept: [{ code: 'a1' }] };
  const to: CodeSystem = { resourceType: 'CodeSystem', url: 'http://example.org/probe/to', status: 'active', content: 'complete', caseSensitive: false, concept: [{ code: 'b1' }, { code: 'b2' }] };
  const target: ValueSet = { resourceType: 'ValueSet', url: 'http://example.org/probe/to-b1', status: 'active', compose: { include: [{ system: to.url, concept: [{ code: 'B1' }] }] } };
  const map: ConceptMap = {
    resourceType: 'ConceptMap',
    url: 'http://example.org/probe/map',
    status: 'active',
    targetCanonical: target.url,
    group: [{ source: from.url, target: to.url, element: [{ code: 'a1', target: [{ code: 'b1', equivalence: 'equivalent' }, { code: 'b2', equivalence: 'wider' }] }] }],
  };
  const resources = [from, to, target, map].map((resource) => ({ name: 'tx-resource', resource }));
  const translated = async (extra: ParametersParameter[]): Promise<string[]> => {
    const res = await post('ConceptMap/$translate', [...resources, { name: 'url', valueUri: map.url }, { name: 'system', valueUri: from.url }, { name: 'code', valueCode: 'a1' }, ...extra]).expect(200);
    return (res.body as Parameters).parameter?.filter((p) => p.name === 'match').map((p) => p.part?.find((q) => q.name === 'concept')?.valueCoding?.code ?? '') ?? [];
  };

  it('answers only with members of the target value set, by the same membership as $validate-code', async () => {
    expect(await translated([])).toEqual(['b1', 'b2']);
    expect(await translated([{ name: 'target', valueUri: target.url }])).toEqual(['b1']);
  });
});

describe('default-valueset-version', () => {
  const v = (version: string, code: string): ValueSet => ({ resourceType: 'ValueSet', url: 'http://example.org/probe/pinned', version, status: 'active', compose: { include: [{ system: colours.url, concept: [{ code }] }] } });
  const outer: ValueSet = { resourceType: 'ValueSet', url: 'http://example.org/probe/outer', status: 'active', compose: { include: [{ valueSet: ['http://example.org/probe/pinned'] }] } };
  const pinned = [colours, v('1', 'red'), v('2', 'green'), outer].map((resource) => ({ name: 'tx-resource', resource }));

  it('pins value sets named without a version, imported or asked for, in $expand and $validate-code', async () => {
    const pin = { name: 'default-valueset-version', valueCanonical: 'http://example.org/probe/pinned|1' };
    expect(codes((await post('ValueSet/$expand', [...pinned, { name: 'url', valueUri: outer.url }, pin]).expect(200)).body)).toEqual(['red']);
    expect(codes((await post('ValueSet/$expand', [...pinned, { name: 'url', valueUri: outer.url }]).expect(200)).body)).toEqual(['green']);
    expect(codes((await post('ValueSet/$expand', [...pinned, { name: 'url', valueUri: 'http://example.org/probe/pinned' }, pin]).expect(200)).body)).toEqual(['red']);
    const checked = await post('ValueSet/$validate-code', [...pinned, { name: 'url', valueUri: outer.url }, { name: 'system', valueUri: colours.url }, { name: 'code', valueCode: 'red' }, pin]).expect(200);
    expect(param(checked.body, 'result')?.valueBoolean).toBe(true);
  });

  it('is an error naming the version when it pins one that does not exist', async () => {
    const res = await post('ValueSet/$expand', [...pinned, { name: 'url', valueUri: outer.url }, { name: 'default-valueset-version', valueCanonical: 'http://example.org/probe/pinned|7' }]);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).toContain("Unable to find included value set 'http://example.org/probe/pinned' version '7'");
  });
});
