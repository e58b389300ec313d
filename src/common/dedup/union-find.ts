/** Disjoint sets over 0..n-1 with path halving and union by size; members kept per root. */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly members: number[][];

  constructor(size: number) {
    this.parent = new Int32Array(size);
    this.members = [];
    for (let i = 0; i < size; i++) {
      this.parent[i] = i;
      this.members.push([i]);
    }
  }

  find(x: number): number {
    let node = x;
    for (;;) {
      const p = this.parent[node] ?? node;
      if (p === node) return node;
      const grand = this.parent[p] ?? p;
      this.parent[node] = grand;
      node = grand;
    }
  }

  /** Members of the set that holds x (the live array: do not mutate). */
  membersOf(x: number): readonly number[] {
    return this.members[this.find(x)] ?? [];
  }

  /** Joins the sets of a and b; returns the new root. */
  union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return ra;
    const ma = this.members[ra] ?? [];
    const mb = this.members[rb] ?? [];
    if (ma.length < mb.length) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    const big = this.members[ra] ?? [];
    for (const m of this.members[rb] ?? []) big.push(m);
    this.members[rb] = [];
    return ra;
  }
}
