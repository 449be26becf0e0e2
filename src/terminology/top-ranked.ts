/**
 * The `limit` best of the positions offered (smallest rank, then smallest position), kept in a
 * max-heap so that a page of 20 out of 30,000 matches costs a heap of 20, not a sort of 30,000.
 */
export class TopRanked {
  private readonly ranks: number[] = [];
  private readonly positions: number[] = [];

  constructor(private readonly limit: number) {}

  /** Would a concept of this rank and position be kept? */
  private keeps(rank: number, position: number): boolean {
    if (this.ranks.length < this.limit) return true;
    if (this.limit === 0) return false;
    const worst = this.ranks[0] as number;
    return rank < worst || (rank === worst && position < (this.positions[0] as number));
  }

  offer(rank: number, position: number): void {
    if (!this.keeps(rank, position)) return;
    const { ranks, positions } = this;
    let i: number;
    if (ranks.length < this.limit) {
      // a new leaf, moved up past the better entries above it
      i = ranks.length;
      ranks.push(rank);
      positions.push(position);
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(rank, position, ranks[parent] as number, positions[parent] as number)) break;
        ranks[i] = ranks[parent] as number;
        positions[i] = positions[parent] as number;
        i = parent;
      }
    } else {
      // in place of the worst (the root), moved down past the worse entries below it
      i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= ranks.length) break;
        const right = left + 1;
        const child = right < ranks.length && worse(ranks[right] as number, positions[right] as number, ranks[left] as number, positions[left] as number) ? right : left;
        if (!worse(ranks[child] as number, positions[child] as number, rank, position)) break;
        ranks[i] = ranks[child] as number;
        positions[i] = positions[child] as number;
        i = child;
      }
    }
    ranks[i] = rank;
    positions[i] = position;
  }

  /** The positions kept, best first. */
  sorted(): number[] {
    const order = this.positions.map((_, i) => i);
    order.sort((a, b) => (worse(this.ranks[a] as number, this.positions[a] as number, this.ranks[b] as number, this.positions[b] as number) ? 1 : -1));
    return order.map((i) => this.positions[i] as number);
  }
}

/** Does (rank, position) come after (otherRank, otherPosition)? */
function worse(rank: number, position: number, otherRank: number, otherPosition: number): boolean {
  return rank > otherRank || (rank === otherRank && position > otherPosition);
}
