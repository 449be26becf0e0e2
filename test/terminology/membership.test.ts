import type { CodeSystem } from 'fhir/r4';
import { CodeSystemIndex } from '../../src/terminology/code-system-index';
import { includeSelects, listedEntry } from '../../src/terminology/membership';

const colours = (caseSensitive: boolean): CodeSystemIndex =>
  new CodeSystemIndex({
    resourceType: 'CodeSystem',
    url: 'http://example.org/colours',
    status: 'active',
    content: 'complete',
    caseSensitive,
    property: [{ code: 'warm', type: 'boolean' }],
    concept: [
      { code: 'red', property: [{ code: 'warm', valueBoolean: true }] },
      { code: 'blue', property: [{ code: 'warm', valueBoolean: false }] },
    ],
  } as CodeSystem);

describe('what one include selects', () => {
  it('matches listed codes by the code system case rule', () => {
    const insensitive = colours(false);
    const include = { system: 'http://example.org/colours', concept: [{ code: 'RED' }] };
    const red = insensitive.get('red');
    expect(red && listedEntry(insensitive, include, red)?.code).toBe('RED');
    const sensitive = colours(true);
    const exact = sensitive.get('red');
    expect(exact && listedEntry(sensitive, include, exact)).toBeUndefined();
  });

  it('selects what is listed, what passes every filter, or the whole system', () => {
    const cs = colours(true);
    const red = cs.get('red');
    const blue = cs.get('blue');
    if (!red || !blue) throw new Error('fixture');
    const system = 'http://example.org/colours';
    expect(includeSelects(cs, { system, concept: [{ code: 'blue' }] }, red)).toBe(false);
    expect(includeSelects(cs, { system, filter: [{ property: 'warm', op: '=', value: 'true' }] }, red)).toBe(true);
    expect(includeSelects(cs, { system, filter: [{ property: 'warm', op: '=', value: 'true' }] }, blue)).toBe(false);
    expect(includeSelects(cs, { system }, blue)).toBe(true);
  });
});
