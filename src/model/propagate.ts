/**
 * Failure propagation, exactly as scenario.md "States and how failure propagates" defines it. Pure.
 * The same code drives the simulator's ground truth, what-if and the localizer's hypotheses.
 */
import { ANY_OF, AT_LEAST, type Graph, HARD, SOFT } from "./graph.js";
import type { Status } from "./model-types.js";

export const UP = 0;
export const DEGRADED = 1;
export const DOWN = 2;
export const STATUS_NAMES: readonly Status[] = ["up", "degraded", "down"];
export const STATUS_CODE: Record<Status, number> = { up: UP, degraded: DEGRADED, down: DOWN };

/**
 * Active faults: `state[c]` is the worst fault state on c (0 none, 1 degraded, 2 down). `spared(slot)` is asked
 * only for edges whose target has a fault, and says the dependent sees that target as up (partial impact).
 */
export interface FaultSet {
  state: Uint8Array;
  spared?: ((slot: number) => boolean) | undefined;
}

/** The state of component c from its dependencies' current states (rules 1 to 4). */
function evaluate(g: Graph, c: number, status: Uint8Array, faults: FaultSet): number {
  const own = faults.state[c]!;
  if (own !== 0) return own;
  const spared = faults.spared;
  const fstate = faults.state;
  let degraded = false;
  const itemEnd = g.itemStart[c + 1]!;
  for (let i = g.itemStart[c]!; i < itemEnd; i++) {
    const type = g.itemType[i]!;
    const s0 = g.memberStart[i]!;
    const s1 = g.memberStart[i + 1]!;
    if (type === HARD || type === SOFT) {
      const m = g.members[s0]!;
      const st = spared !== undefined && fstate[m] !== 0 && spared(s0) ? UP : status[m]!;
      if (type === HARD) {
        if (st === DOWN) return DOWN;
        if (st === DEGRADED) degraded = true;
      } else if (st !== UP) degraded = true;
    } else {
      let notDown = 0;
      let impaired = false;
      for (let s = s0; s < s1; s++) {
        const m = g.members[s]!;
        const st = spared !== undefined && fstate[m] !== 0 && spared(s) ? UP : status[m]!;
        if (st !== DOWN) notDown++;
        if (st !== UP) impaired = true;
      }
      const need = type === ANY_OF ? 1 : g.itemK[i]!;
      if (type === AT_LEAST || type === ANY_OF) {
        if (notDown < need) return DOWN;
        if (impaired) degraded = true;
      }
    }
  }
  return degraded ? DEGRADED : UP;
}

/** States of every component under `faults`, from scratch. */
export function propagateAll(g: Graph, faults: FaultSet): Uint8Array {
  const status = new Uint8Array(g.size);
  for (let r = 0; r < g.size; r++) {
    const c = g.topo[r]!;
    status[c] = evaluate(g, c, status, faults);
  }
  return status;
}

/**
 * Incremental propagation: re-evaluates `dirty` components and everything downstream whose state changes,
 * in dependency order, visiting only what changes. Keeps scratch buffers between calls; one per graph.
 */
export class Propagator {
  readonly #g: Graph;
  readonly #queued: Uint8Array;
  #heap: Int32Array;
  #heapSize = 0;

  constructor(g: Graph) {
    this.#g = g;
    this.#queued = new Uint8Array(g.size);
    this.#heap = new Int32Array(1024);
  }

  /**
   * Updates `status` in place. When `journal` is given, pushes (component, old state) for every change so
   * the caller can undo; `onChange` sees each change as it happens.
   */
  update(status: Uint8Array, dirty: Iterable<number>, faults: FaultSet, journal?: number[]): number {
    const g = this.#g;
    for (const c of dirty) this.#push(c);
    let changes = 0;
    while (this.#heapSize > 0) {
      const c = this.#pop();
      this.#queued[c] = 0;
      const next = evaluate(g, c, status, faults);
      if (next === status[c]) continue;
      if (journal) journal.push(c, status[c]!);
      status[c] = next;
      changes++;
      for (let d = g.depStart[c]!; d < g.depStart[c + 1]!; d++)
        this.#push(g.itemOwner[g.slotItem[g.depSlots[d]!]!]!);
    }
    return changes;
  }

  /** Reverts the changes a journal recorded, newest first. */
  static undo(status: Uint8Array, journal: number[]): void {
    for (let i = journal.length - 2; i >= 0; i -= 2) status[journal[i]!] = journal[i + 1]!;
    journal.length = 0;
  }

  #push(c: number): void {
    if (this.#queued[c] === 1) return;
    this.#queued[c] = 1;
    if (this.#heapSize === this.#heap.length) {
      const bigger = new Int32Array(this.#heap.length * 2);
      bigger.set(this.#heap);
      this.#heap = bigger;
    }
    const rank = this.#g.rank;
    const heap = this.#heap;
    let i = this.#heapSize++;
    const r = rank[c]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (rank[heap[parent]!]! <= r) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = c;
  }

  #pop(): number {
    const heap = this.#heap;
    const rank = this.#g.rank;
    const top = heap[0]!;
    const last = heap[--this.#heapSize]!;
    const n = this.#heapSize;
    let i = 0;
    const r = rank[last]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && rank[heap[child + 1]!]! < rank[heap[child]!]!) child++;
      if (rank[heap[child]!]! >= r) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
