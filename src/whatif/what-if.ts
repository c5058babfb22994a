/**
 * What-if: the blast radius of a set of failed components, and for each component it impairs the chain of
 * dependencies that explains why. Pure; cost scales with the blast radius, not with the model.
 */
import { ANY_OF, type Graph, HARD, SOFT } from "../model/graph.js";
import type { Status } from "../model/model-types.js";
import { DEGRADED, DOWN, STATUS_NAMES, UP } from "../model/propagate.js";

/**
 * What a failure set does, in graph indices. Arrays are parallel: entry i describes `components[i]`.
 * Components come in breadth-first order from the failed ones (which come first, in the order given).
 */
export interface Impact {
  /** The failed components, deduplicated, in the order given. */
  failed: number[];
  /** Every component whose state is not up: exactly the failed components and everything depending on them. */
  components: Int32Array;
  /** DOWN or DEGRADED (propagate.ts codes). */
  state: Uint8Array;
  /**
   * Position (in `components`) of an impaired dependency that explains entry i's state, or -1 for a failed
   * component: for a down entry, a down dependency that takes it down (a hard one, or a member of a group left
   * short); for a degraded one, the dependency through which the breadth-first walk first reached it (any
   * impaired dependency explains a degraded state). Following `via` from any entry ends at a failed component.
   */
  via: Int32Array;
}

/**
 * Runs what-ifs on one graph, reusing its buffers; every run starts from the all-up state and restores it.
 *
 * From all-up with only down faults, scenario.md's rules reduce to two facts: everything that depends on a
 * failed component, directly or not, is at least degraded; and a component is down when one of its items has
 * enough down members (a hard dependency: 1; `anyOf` of n: n; `atLeast k` of n: n − k + 1; soft: never).
 * So one breadth-first walk over the reverse edges, counting down members per item, gives the exact states
 * (the property tests check it against `propagateAll` and the `Propagator`) at the cost of the blast radius
 * alone, without the Propagator's priority queue and re-evaluation of every requirement.
 */
export class WhatIf {
  readonly #g: Graph;
  /** Down members an item needs to take its owner down; 0 for never (soft). */
  readonly #need: Int32Array;
  /** Down members counted so far, for items that need more than one; zeroed after each run. */
  readonly #count: Int32Array;
  #touched: number[] = [];
  /** 0 up (not reached), DEGRADED or DOWN; back to all 0 after each run. */
  readonly #state: Uint8Array;
  readonly #queue: Int32Array;
  /** Position in the queue; valid for components reached in the current run. */
  readonly #position: Int32Array;
  /** The explaining dependency (graph index), -1 for failed; valid for components reached in the current run. */
  readonly #via: Int32Array;
  readonly #stack: Int32Array;
  #head = 0;
  #tail = 0;

  constructor(g: Graph) {
    this.#g = g;
    const items = g.itemType.length;
    this.#need = new Int32Array(items);
    for (let i = 0; i < items; i++) {
      const type = g.itemType[i]!;
      const members = g.memberStart[i + 1]! - g.memberStart[i]!;
      this.#need[i] =
        type === HARD ? 1 : type === SOFT ? 0 : type === ANY_OF ? members : members - g.itemK[i]! + 1;
    }
    this.#count = new Int32Array(items);
    this.#state = new Uint8Array(g.size);
    this.#queue = new Int32Array(g.size);
    this.#position = new Int32Array(g.size);
    this.#via = new Int32Array(g.size);
    this.#stack = new Int32Array(g.size);
  }

  /** The impact of `failed` (graph indices) all being down at once, full impact, every other component healthy. */
  run(failed: Iterable<number>): Impact {
    const seeds = this.#walk(failed);
    const m = this.#tail;
    const components = this.#queue.slice(0, m);
    const state = new Uint8Array(m);
    const via = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const c = components[i]!;
      state[i] = this.#state[c]!;
      const v = this.#via[c]!;
      via[i] = v < 0 ? -1 : this.#position[v]!;
    }
    this.#reset();
    return { failed: seeds, components, state, via };
  }

  /** Calls `visit` for each component the failure of `failed` impairs (the failed included), in `run`'s order. */
  forEachImpaired(failed: Iterable<number>, visit: (c: number, state: number) => void): void {
    this.#walk(failed);
    for (let i = 0; i < this.#tail; i++) {
      const c = this.#queue[i]!;
      visit(c, this.#state[c]!);
    }
    this.#reset();
  }

  #walk(failed: Iterable<number>): number[] {
    const g = this.#g;
    const state = this.#state;
    const queue = this.#queue;
    const position = this.#position;
    const via = this.#via;
    const need = this.#need;
    const { depStart, depSlots, slotItem, itemOwner } = g;
    const given = [...failed];
    for (const c of given)
      if (!(Number.isInteger(c) && c >= 0 && c < g.size))
        throw new RangeError(`what-if: no component with index ${c}`);
    const seeds: number[] = [];
    let tail = 0;
    for (const c of given) {
      if (state[c] === DOWN) continue;
      state[c] = DOWN;
      via[c] = -1;
      position[c] = tail;
      queue[tail++] = c;
      seeds.push(c);
    }
    let head = 0;
    while (head < tail) {
      const x = queue[head++]!;
      const down = state[x] === DOWN;
      const end = depStart[x + 1]!;
      for (let d = depStart[x]!; d < end; d++) {
        const item = slotItem[depSlots[d]!]!;
        const o = itemOwner[item]!;
        const was = state[o]!;
        if (down && was !== DOWN) {
          const k = need[item]!;
          if (k === 1 || (k > 1 && this.#counted(item) >= k)) {
            state[o] = DOWN;
            via[o] = x;
            if (was === UP) {
              position[o] = tail;
              queue[tail++] = o;
            } else if (position[o]! < head) {
              // o was already walked as degraded: pass its new state on now.
              this.#head = head;
              this.#tail = tail;
              this.#spread(o);
              tail = this.#tail;
            }
            continue;
          }
        }
        if (was === UP) {
          state[o] = DEGRADED;
          via[o] = x;
          position[o] = tail;
          queue[tail++] = o;
        }
      }
    }
    this.#head = head;
    this.#tail = tail;
    return seeds;
  }

  /** One more down member for `item`; returns the new count. */
  #counted(item: number): number {
    if (this.#count[item] === 0) this.#touched.push(item);
    return ++this.#count[item]!;
  }

  /** Passes the down state of `root`, already walked, to its dependents (and theirs, when already walked). */
  #spread(root: number): void {
    const g = this.#g;
    const state = this.#state;
    const stack = this.#stack;
    const need = this.#need;
    let top = 0;
    stack[top++] = root;
    while (top > 0) {
      const y = stack[--top]!;
      for (let d = g.depStart[y]!; d < g.depStart[y + 1]!; d++) {
        const item = g.slotItem[g.depSlots[d]!]!;
        const o = g.itemOwner[item]!;
        const was = state[o]!;
        if (was === DOWN) continue;
        const k = need[item]!;
        if (!(k === 1 || (k > 1 && this.#counted(item) >= k))) continue;
        state[o] = DOWN;
        this.#via[o] = y;
        if (was === UP) {
          // Not reachable (y's dependents were all reached when y was walked), kept for safety.
          this.#position[o] = this.#tail;
          this.#queue[this.#tail++] = o;
        } else if (this.#position[o]! < this.#head) stack[top++] = o;
      }
    }
  }

  #reset(): void {
    for (let i = 0; i < this.#tail; i++) this.#state[this.#queue[i]!] = UP;
    for (const item of this.#touched) this.#count[item] = 0;
    this.#touched = [];
    this.#head = 0;
    this.#tail = 0;
  }
}

/** The impact of failing `failed` (graph indices) in g; for many what-ifs on one graph, keep a `WhatIf`. */
export function whatIf(g: Graph, failed: Iterable<number>): Impact {
  return new WhatIf(g).run(failed);
}

/** The explaining chain of entry i as graph indices: the component first, a failed component last. */
export function chainOf(impact: Impact, i: number): number[] {
  const out: number[] = [];
  for (let p = i; p >= 0; p = impact.via[p]!) out.push(impact.components[p]!);
  return out;
}

/** One impaired component, for people and machines. */
export interface ImpactEntry {
  id: string;
  kind: string;
  state: Exclude<Status, "up">;
  observed: boolean;
  failed: boolean;
  /** Ids from this component to a failed one, each requiring the next (just the id for a failed component). */
  path: string[];
}

/** An impact in ids: `down` includes the failed components; every list is sorted by id. */
export interface ImpactSummary {
  failed: string[];
  down: string[];
  degraded: string[];
  /** Every impaired component, sorted by id. */
  entries: ImpactEntry[];
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Ids, kinds and chains of an impact, sorted by id. */
export function summarizeImpact(g: Graph, impact: Impact): ImpactSummary {
  const entries: ImpactEntry[] = [];
  const failed = new Set(impact.failed);
  for (let i = 0; i < impact.components.length; i++) {
    const c = impact.components[i]!;
    entries.push({
      id: g.ids[c]!,
      kind: g.kind[c]!,
      state: STATUS_NAMES[impact.state[i]!] as Exclude<Status, "up">,
      observed: g.observed[c] === 1,
      failed: failed.has(c),
      path: chainOf(impact, i).map((x) => g.ids[x]!),
    });
  }
  entries.sort((a, b) => byCodeUnit(a.id, b.id));
  return {
    failed: impact.failed.map((c) => g.ids[c]!).sort(byCodeUnit),
    down: entries.filter((e) => e.state === "down").map((e) => e.id),
    degraded: entries.filter((e) => e.state === "degraded").map((e) => e.id),
    entries,
  };
}
