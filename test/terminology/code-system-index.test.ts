import { CodeSystemIndex } from '../../src/terminology/code-system-index';
import { shapes } from './fixtures';

describe('CodeSystemIndex', () => {
  const index = new CodeSystemIndex(shapes);

  it('indexes nested concepts with parents and children', () => {
    expect(index.size).toBe(6);
    expect(index.get('square')?.parents).toEqual(['quad']);
    expect(index.get('quad')?.children).toEqual(['square', 'rhombus']);
    expect(index.roots).toEqual(['polygon', 'circle']);
  });

  it('answers subsumption and descendants through the hierarchy', () => {
    expect(index.subsumedBy('square', 'polygon')).toBe(true);
    expect(index.subsumedBy('polygon', 'square')).toBe(false);
    expect(index.descendants('polygon').map((c) => c.code)).toEqual(['triangle', 'quad', 'square', 'rhombus']);
    expect(index.ancestors('rhombus').map((c) => c.code)).toEqual(['quad', 'polygon']);
  });

  it('reads status and selectability from the standard properties', () => {
    expect(index.get('circle')).toMatchObject({ inactive: true, status: 'retired' });
    expect(index.get('polygon')?.notSelectable).toBe(true);
    expect(index.get('square')?.inactive).toBe(false);
  });

  it('respects case sensitivity', () => {
    expect(index.get('Square')).toBeUndefined();
    const insensitive = new CodeSystemIndex({ ...shapes, caseSensitive: false });
    expect(insensitive.get('SQUARE')?.code).toBe('square');
  });

  it('links flat code systems through parent properties', () => {
    const flat = new CodeSystemIndex({
      resourceType: 'CodeSystem',
      status: 'active',
      content: 'complete',
      concept: [{ code: 'a' }, { code: 'b', property: [{ code: 'parent', valueCode: 'a' }] }],
    });
    expect(flat.subsumedBy('b', 'a')).toBe(true);
    expect(flat.roots).toEqual(['a']);
  });
});
