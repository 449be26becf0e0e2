import { TopRanked } from '../../src/terminology/top-ranked';

describe('TopRanked', () => {
  it('keeps the best `limit` positions (smallest rank, then smallest position), best first, in any order of offering', () => {
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (const limit of [0, 1, 2, 5, 20, 1000]) {
      const offered = Array.from({ length: 300 }, (_, position) => ({ rank: random(10), position }));
      for (let i = offered.length - 1; i > 0; i--) {
        const j = random(i + 1);
        [offered[i], offered[j]] = [offered[j] as (typeof offered)[number], offered[i] as (typeof offered)[number]];
      }
      const top = new TopRanked(limit);
      for (const { rank, position } of offered) top.offer(rank, position);
      const expected = [...offered].sort((a, b) => a.rank - b.rank || a.position - b.position).slice(0, limit).map((o) => o.position);
      expect(top.sorted()).toEqual(expected);
    }
  });

  it('keeps everything offered when unbounded', () => {
    const top = new TopRanked(Number.POSITIVE_INFINITY);
    [[3, 9], [1, 4], [3, 2], [0, 7]].forEach(([rank, position]) => top.offer(rank as number, position as number));
    expect(top.sorted()).toEqual([7, 4, 2, 9]);
  });
});
