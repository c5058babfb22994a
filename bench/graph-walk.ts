/** Walks over a compiled graph that the generator and the baselines share. Pure. */
import type { Graph } from "../src/model/graph.js";

/** Reusable visit marks: one stamp per walk instead of clearing an array. */
export class Marks {
  readonly #seen: Int32Array;
  #stamp = 0;

  constructor(size: number) {
    this.#seen = new Int32Array(size);
  }

  next(): void {
    this.#stamp++;
  }

  /** Marks c; true when it was not yet marked in this walk. */
  visit(c: number): boolean {
    if (this.#seen[c] === this.#stamp) return false;
    this.#seen[c] = this.#stamp;
    return true;
  }
}

/** c and everything it depends on, transitively, through every edge of g (hard, soft, anyOf, atLeast). */
export function ancestorsOf(g: Graph, c: number, marks: Marks = new Marks(g.size)): number[] {
  marks.next();
  const out: number[] = [];
  const stack = [c];
  marks.visit(c);
  while (stack.length > 0) {
    const x = stack.pop()!;
    out.push(x);
    for (let s = g.memberStart[g.itemStart[x]!]!; s < g.memberStart[g.itemStart[x + 1]!]!; s++) {
      const m = g.members[s]!;
      if (marks.visit(m)) stack.push(m);
    }
  }
  return out;
}

/** Observed components of g, and for each the ancestors-or-self list. */
export function observedAncestors(g: Graph): { observed: number[]; ancestors: number[][] } {
  const marks = new Marks(g.size);
  const observed: number[] = [];
  const ancestors: number[][] = [];
  for (let c = 0; c < g.size; c++)
    if (g.observed[c]) {
      observed.push(c);
      ancestors.push(ancestorsOf(g, c, marks));
    }
  return { observed, ancestors };
}

/** How many observed components depend on each component (itself included when observed). */
export function observedDependentCounts(g: Graph): Int32Array {
  const counts = new Int32Array(g.size);
  for (const list of observedAncestors(g).ancestors) for (const a of list) counts[a]!++;
  return counts;
}
