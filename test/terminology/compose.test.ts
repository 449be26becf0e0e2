import type { ValueSet } from 'fhir/r4';
import { compileValueSet } from '../../src/terminology/compiled-value-set';
import { resolveValueSet } from '../../src/terminology/compose';
import { TerminologyError } from '../../src/terminology/issues';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { quadValueSet, shapes } from './fixtures';

const registry = new TerminologyRegistry([shapes, quadValueSet]);
const SYSTEM = shapes.url as string;
const codes = (vs: ValueSet): string[] => [...compileValueSet(registry, vs, { maxEntries: 1000 }).members()].map((e) => e.code);
const vs = (compose: ValueSet['compose']): ValueSet => ({ resourceType: 'ValueSet', status: 'active', url: 'http://example.org/vs/t', compose });

describe('ValueSet.compose', () => {
  it('expands hierarchy filters', () => {
    expect(codes(quadValueSet)).toEqual(['quad', 'square', 'rhombus']);
    expect(codes(vs({ include: [{ system: SYSTEM, filter: [{ property: 'concept', op: 'descendent-of', value: 'quad' }] }] }))).toEqual(['square', 'rhombus']);
    expect(codes(vs({ include: [{ system: SYSTEM, filter: [{ property: 'concept', op: 'generalizes', value: 'square' }] }] }))).toEqual(['square', 'quad', 'polygon']);
    expect(codes(vs({ include: [{ system: SYSTEM, filter: [{ property: 'concept', op: 'is-not-a', value: 'polygon' }] }] }))).toEqual(['circle']);
  });

  it('expands property, regex and exists filters', () => {
    expect(codes(vs({ include: [{ system: SYSTEM, filter: [{ property: 'sides', op: '=', value: '4' }] }] }))).toEqual(['quad']);
    expect(codes(vs({ include: [{ system: SYSTEM, filter: [{ property: 'code', op: 'regex', value: '[st].*' }] }] }))).toEqual(['triangle', 'square']);
    expect(codes(vs({ include: [{ system: SYSTEM, filter: [{ property: 'sides', op: 'exists', value: 'true' }] }] }))).toEqual(['triangle', 'quad']);
    expect(codes(vs({ include: [{ system: SYSTEM, filter: [{ property: 'sides', op: 'in', value: '3,5' }] }] }))).toEqual(['triangle']);
  });

  it('excludes, and imports other value sets', () => {
    const withExclude = vs({ include: [{ valueSet: [quadValueSet.url as string] }], exclude: [{ system: SYSTEM, concept: [{ code: 'quad' }] }] });
    expect(codes(withExclude)).toEqual(['square', 'rhombus']);
  });

  it('answers membership without expanding', () => {
    const compiled = compileValueSet(registry, quadValueSet, { maxEntries: 1000 });
    expect(compiled.find(SYSTEM, 'square')?.concept?.code).toBe('square');
    expect(compiled.find(SYSTEM, 'triangle')).toBeUndefined();
  });

  it('resolves implicit value sets', () => {
    const all = resolveValueSet(registry, `${SYSTEM}?fhir_vs`);
    expect(all && codes(all)).toHaveLength(6);
    const isa = resolveValueSet(registry, `${SYSTEM}?fhir_vs=isa/quad`);
    expect(isa && codes(isa)).toEqual(['quad', 'square', 'rhombus']);
  });

  it('fails clearly on unknown systems, unknown filters, cycles and size', () => {
    expect(() => codes(vs({ include: [{ system: 'http://example.org/none' }] }))).toThrow(TerminologyError);
    expect(() => codes(vs({ include: [{ system: SYSTEM, filter: [{ property: 'nope', op: '=', value: 'x' }] }] }))).toThrow(/not supported/);
    const a: ValueSet = { resourceType: 'ValueSet', status: 'active', url: 'http://example.org/a', compose: { include: [{ valueSet: ['http://example.org/b'] }] } };
    const b: ValueSet = { resourceType: 'ValueSet', status: 'active', url: 'http://example.org/b', compose: { include: [{ valueSet: ['http://example.org/a'] }] } };
    const cyclic = new TerminologyRegistry([shapes, a, b]);
    expect(() => compileValueSet(cyclic, a, { maxEntries: 10 })).toThrow(/circularity/);
    expect(() => compileValueSet(registry, vs({ include: [{ system: SYSTEM }, { valueSet: [quadValueSet.url as string] }] }), { maxEntries: 3 })).toThrow(/too many/);
  });
});
