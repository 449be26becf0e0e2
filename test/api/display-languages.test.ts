import type { CodeSystem, Parameters, ParametersParameter, ValueSet } from 'fhir/r4';
import request from 'supertest';
import { testApp } from './test-app';

/**
 * $lookup, $validate-code and $expand choose the same display for the same concept and the same
 * languages (one rule: chooseDisplay), whether the languages come as displayLanguage or as
 * Accept-Language, including the cases where the operations used to disagree: the own display of
 * a code system that states no language (English), a language-and-region match ("de-CH" finds
 * "de-Latn-CH" before "de-AT"), `*;q=0`, and a display that the value set gives a listed concept.
 */
const app = testApp();

const param = (body: Parameters, name: string): ParametersParameter | undefined => body.parameter?.find((p) => p.name === name);
const post = (path: string, parameter: ParametersParameter[], acceptLanguage?: string) => {
  const req = request(app).post(`/fhir/${path}`).set('Content-Type', 'application/fhir+json');
  if (acceptLanguage) req.set('Accept-Language', acceptLanguage);
  return req.send({ resourceType: 'Parameters', parameter });
};

const greetings: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'http://example.org/probe/greetings',
  version: '1',
  status: 'active',
  content: 'complete',
  concept: [
    {
      code: 'hello',
      display: 'Hello',
      designation: [
        { language: 'en', value: 'Hello there' },
        { language: 'de-AT', value: 'Servus' },
        { language: 'de-Latn-CH', value: 'Grüezi' },
        { language: 'de', value: 'Hallo' },
        { language: 'fr', use: { system: 'http://terminology.hl7.org/CodeSystem/designation-usage', code: 'other' }, value: 'Salut' },
        { language: 'fr', use: { system: 'http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra', code: 'preferredForLanguage' }, value: 'Bonjour' },
      ],
    },
  ],
};
const all: ValueSet = { resourceType: 'ValueSet', url: 'http://example.org/probe/greetings-all', status: 'active', compose: { include: [{ system: greetings.url }] } };
const listed: ValueSet = {
  resourceType: 'ValueSet',
  url: 'http://example.org/probe/greetings-listed',
  status: 'active',
  compose: { include: [{ system: greetings.url, concept: [{ code: 'hello', display: 'Hi there' }] }] },
};
const sent = [greetings, all, listed].map((resource) => ({ name: 'tx-resource', resource }));

/** The display each operation chooses for greetings#hello, languages given as displayLanguage (or the header). */
async function displays(languages: string | undefined, valueSet: ValueSet = all, how: 'parameter' | 'header' = 'parameter'): Promise<(string | undefined)[]> {
  const language = languages !== undefined && how === 'parameter' ? [{ name: 'displayLanguage', valueCode: languages }] : [];
  const header = how === 'header' ? languages : undefined;
  const coding = [{ name: 'system', valueUri: greetings.url }, { name: 'code', valueCode: 'hello' }];
  const lookup = await post('CodeSystem/$lookup', [...sent, ...coding, ...language], header).expect(200);
  const inSystem = await post('CodeSystem/$validate-code', [...sent, { name: 'url', valueUri: greetings.url }, { name: 'code', valueCode: 'hello' }, ...language], header).expect(200);
  const inValueSet = await post('ValueSet/$validate-code', [...sent, { name: 'url', valueUri: valueSet.url }, ...coding, ...language], header).expect(200);
  const expansion = await post('ValueSet/$expand', [...sent, { name: 'url', valueUri: valueSet.url }, ...language], header).expect(200);
  expect(param(inValueSet.body, 'result')?.valueBoolean).toBe(true);
  const expanded = (expansion.body as ValueSet).expansion?.contains?.find((c) => c.code === 'hello');
  return [param(lookup.body, 'display')?.valueString, param(inSystem.body, 'display')?.valueString, param(inValueSet.body, 'display')?.valueString, expanded?.display];
}

describe('the display of a concept in the languages asked for', () => {
  it('is the own display with no language, or `*`, on every operation', async () => {
    expect(await displays(undefined)).toEqual(['Hello', 'Hello', 'Hello', 'Hello']);
    expect(await displays('*')).toEqual(['Hello', 'Hello', 'Hello', 'Hello']);
  });

  it('takes a code system without a language as English: the own display, not the English designation ($lookup and $validate-code used to say "Hello there")', async () => {
    expect(await displays('en')).toEqual(['Hello', 'Hello', 'Hello', 'Hello']);
  });

  it('matches language and region before the language alone ($expand used to say "Servus" for de-CH)', async () => {
    expect(await displays('de-CH')).toEqual(['Grüezi', 'Grüezi', 'Grüezi', 'Grüezi']);
    expect(await displays('de-CH', all, 'header')).toEqual(['Grüezi', 'Grüezi', 'Grüezi', 'Grüezi']);
    expect(await displays('de')).toEqual(['Hallo', 'Hallo', 'Hallo', 'Hallo']);
  });

  it('prefers a designation for display (preferredForLanguage) over another use in the same language', async () => {
    expect(await displays('fr')).toEqual(['Bonjour', 'Bonjour', 'Bonjour', 'Bonjour']);
  });

  it('follows the weights, and falls back to the own display for a language it does not have', async () => {
    expect(await displays('it, de;q=0.8, en;q=0.5')).toEqual(['Hallo', 'Hallo', 'Hallo', 'Hallo']);
    expect(await displays('it', all, 'header')).toEqual(['Hello', 'Hello', 'Hello', 'Hello']);
  });

  it('shows no display in another language when the client refuses them with `*;q=0` ($validate-code used to show the English one)', async () => {
    const [lookup, ...rest] = await displays('it, *; q=0');
    expect(rest).toEqual([undefined, undefined, undefined]);
    // $lookup must answer a display: the code stands in, never a display in a refused language
    expect(lookup).toBe('hello');
    expect(await displays('de, *; q=0')).toEqual(['Hallo', 'Hallo', 'Hallo', 'Hallo']);
  });

  it('shows the display a value set gives a listed concept in $validate-code of that value set, as $expand does ($validate-code used to show the code system\'s)', async () => {
    const [lookup, inSystem, inValueSet, expanded] = await displays(undefined, listed);
    expect([lookup, inSystem]).toEqual(['Hello', 'Hello']);
    expect([inValueSet, expanded]).toEqual(['Hi there', 'Hi there']);
  });
});
