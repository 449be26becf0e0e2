import type { ConceptMap } from 'fhir/r4';
import { lookup } from '../../src/terminology/lookup';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { subsumes } from '../../src/terminology/subsumes';
import { candidateMaps, translate } from '../../src/terminology/translate';
import { validateCode, ValidateCodeInput } from '../../src/terminology/validate-code';
import { quadValueSet, shapes } from './fixtures';

const registry = new TerminologyRegistry([shapes, quadValueSet]);
const SYSTEM = shapes.url as string;
const base: Omit<ValidateCodeInput, 'target' | 'codings'> = {
  form: 'code',
  languages: [],
  abstractAllowed: false,
  activeOnly: false,
  inferSystem: false,
  lenientDisplay: false,
};

describe('validateCode', () => {
  it('accepts a code in the value set with its display', () => {
    const r = validateCode(registry, { ...base, target: { kind: 'value-set', valueSet: quadValueSet }, codings: [{ system: SYSTEM, code: 'square', display: 'Square' }] });
    expect(r).toMatchObject({ result: true, code: 'square', display: 'Square', version: '1.0.0' });
    expect(r.issues).toEqual([]);
  });

  it('rejects a code outside the value set with a not-in-vs issue', () => {
    const r = validateCode(registry, { ...base, target: { kind: 'value-set', valueSet: quadValueSet }, codings: [{ system: SYSTEM, code: 'triangle' }] });
    expect(r.result).toBe(false);
    expect(r.issues.map((i) => i.txType)).toEqual(['not-in-vs']);
  });

  it('rejects unknown codes and wrong displays, accepting a designation', () => {
    const unknown = validateCode(registry, { ...base, target: { kind: 'code-system' }, codings: [{ system: SYSTEM, code: 'hexagon' }] });
    expect(unknown.issues[0]).toMatchObject({ txType: 'invalid-code', messageId: 'Unknown_Code_in_Version' });
    const wrong = validateCode(registry, { ...base, target: { kind: 'code-system' }, codings: [{ system: SYSTEM, code: 'square', display: 'Box' }] });
    expect(wrong.result).toBe(false);
    expect(wrong.message).toContain("'Square'");
    const german = validateCode(registry, { ...base, target: { kind: 'code-system' }, codings: [{ system: SYSTEM, code: 'square', display: 'Quadrat' }] });
    expect(german.result).toBe(true);
  });

  it('warns about inactive codes and reports their status', () => {
    const r = validateCode(registry, { ...base, target: { kind: 'code-system' }, codings: [{ system: SYSTEM, code: 'circle' }] });
    expect(r).toMatchObject({ result: true, inactive: true, status: 'retired' });
    expect(r.issues[0].messageId).toBe('INACTIVE_CONCEPT_FOUND');
  });

  it('refuses abstract concepts in value sets unless allowed', () => {
    const all = { resourceType: 'ValueSet' as const, status: 'active' as const, url: 'http://x/all', compose: { include: [{ system: SYSTEM }] } };
    expect(validateCode(registry, { ...base, target: { kind: 'value-set', valueSet: all }, codings: [{ system: SYSTEM, code: 'polygon' }] }).result).toBe(false);
    expect(validateCode(registry, { ...base, abstractAllowed: true, target: { kind: 'value-set', valueSet: all }, codings: [{ system: SYSTEM, code: 'polygon' }] }).result).toBe(true);
  });

  it('reports unknown code systems', () => {
    const r = validateCode(registry, { ...base, target: { kind: 'code-system' }, codings: [{ system: 'http://x/none', code: 'a' }] });
    expect(r.unknownSystems).toEqual(['http://x/none']);
  });
});

describe('lookup and subsumes', () => {
  it('looks up a concept with its hierarchy', () => {
    const r = lookup(registry, { system: SYSTEM, code: 'quad', languages: [], properties: [] });
    expect(r.display).toBe('Quadrilateral');
    expect(r.properties.filter((p) => p.code === 'child').map((p) => p.value.value)).toEqual(['square', 'rhombus']);
  });

  it('returns displays in the requested language', () => {
    expect(lookup(registry, { system: SYSTEM, code: 'square', languages: [{ tag: 'de', q: 1 }], properties: [] }).display).toBe('Quadrat');
  });

  it('tells subsumption', () => {
    expect(subsumes(registry, { system: SYSTEM, codeA: 'polygon', codeB: 'square' })).toBe('subsumes');
    expect(subsumes(registry, { system: SYSTEM, codeA: 'square', codeB: 'polygon' })).toBe('subsumed-by');
    expect(subsumes(registry, { system: SYSTEM, codeA: 'square', codeB: 'square' })).toBe('equivalent');
    expect(subsumes(registry, { system: SYSTEM, codeA: 'square', codeB: 'circle' })).toBe('not-subsumed');
  });
});

describe('translate', () => {
  const map: ConceptMap = {
    resourceType: 'ConceptMap',
    url: 'http://example.org/cm',
    status: 'active',
    group: [{ source: 'http://a', target: 'http://b', element: [{ code: '1', target: [{ code: 'x', equivalence: 'wider' }, { code: 'y', equivalence: 'relatedto' }] }] }],
  };

  it('maps forward to every target', () => {
    const r = translate({ conceptMaps: [map], codings: [{ system: 'http://a', code: '1' }], reverse: false });
    expect(r.result).toBe(true);
    expect(r.matches.map((m) => [m.concept?.code, m.equivalence])).toEqual([['x', 'wider'], ['y', 'relatedto']]);
  });

  it('maps in reverse, inverting the equivalence', () => {
    const r = translate({ conceptMaps: [map], codings: [{ system: 'http://b', code: 'x' }], reverse: true });
    expect(r.matches.map((m) => [m.concept?.system, m.concept?.code, m.equivalence])).toEqual([['http://a', '1', 'narrower']]);
  });

  it('keeps the mapping as the map states it, and the map it comes from, whichever way it is read', () => {
    const r = translate({ conceptMaps: [{ ...map, version: '3' }], codings: [{ system: 'http://b', code: 'x' }], reverse: true });
    expect(r.matches[0].mapping).toEqual({ source: { system: 'http://a', code: '1' }, target: { system: 'http://b', code: 'x' }, equivalence: 'wider' });
    expect(r.matches[0].originMap).toBe('http://example.org/cm|3');
  });

  it('applies group.unmapped only to source codes the group has no element for', () => {
    const withFallback: ConceptMap = { ...map, group: [{ ...map.group![0], unmapped: { mode: 'fixed', code: 'z' } }] };
    const r = translate({ conceptMaps: [withFallback], codings: [{ system: 'http://a', code: '2' }], reverse: false });
    expect(r.matches.map((m) => [m.concept?.code, m.equivalence])).toEqual([['z', 'inexact']]);
    const mapped = translate({ conceptMaps: [withFallback], codings: [{ system: 'http://a', code: '1' }], reverse: false });
    expect(mapped.matches.map((m) => m.concept?.code)).toEqual(['x', 'y']);
  });

  it('picks maps by their declared source and target value sets', () => {
    const scoped: ConceptMap = { ...map, sourceUri: 'http://vs/a', targetUri: 'http://vs/b' };
    expect(candidateMaps([map, scoped], { source: 'http://vs/a|1' }, 'forward')).toEqual([scoped]);
    expect(candidateMaps([map, scoped], { target: 'http://vs/a' }, 'forward')).toEqual([]);
    expect(candidateMaps([map, scoped], {}, 'forward')).toEqual([map, scoped]);
    // R4 reverse=true: the request's source is the value set of the concept named, the map's target
    expect(candidateMaps([map, scoped], { source: 'http://vs/b' }, 'reverse')).toEqual([scoped]);
    // R5 by target concept: the scopes are the map's own
    expect(candidateMaps([map, scoped], { source: 'http://vs/a' }, 'by-target')).toEqual([scoped]);
  });

  it('answers in the order of the map, a code that several elements map or several targets name', () => {
    const spread: ConceptMap = {
      ...map,
      group: [
        {
          source: 'http://a',
          target: 'http://b',
          element: [
            { code: '1', target: [{ code: 'x', equivalence: 'wider' }] },
            { code: '2', target: [{ code: 'x', equivalence: 'equivalent' }, { code: 'w', equivalence: 'narrower' }] },
            { code: '1', target: [{ code: 'v', equivalence: 'relatedto' }] },
            // an element with no target: the code is mapped (to nothing), so group.unmapped does not apply
            { code: '3' },
          ],
          unmapped: { mode: 'provided' },
        },
      ],
    };
    const forward = (code: string) => translate({ conceptMaps: [spread], codings: [{ system: 'http://a', code }], reverse: false }).matches.map((m) => m.concept?.code);
    expect(forward('1')).toEqual(['x', 'v']);
    expect(forward('3')).toEqual([]);
    expect(forward('4')).toEqual(['4']);
    const reverse = translate({ conceptMaps: [spread], codings: [{ system: 'http://b', code: 'x' }], reverse: true }).matches;
    expect(reverse.map((m) => [m.concept?.code, m.equivalence])).toEqual([['1', 'narrower'], ['2', 'equivalent']]);
  });

  it('says when nothing maps', () => {
    const r = translate({ conceptMaps: [map], codings: [{ system: 'http://a', code: '2' }], reverse: false });
    expect(r.result).toBe(false);
    expect(r.message).toContain('#2');
  });
});
