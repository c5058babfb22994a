/**
 * One explanation under construction: the faults committed so far, the states they propagate to, and what
 * one more fault would cost on top of them, edge by edge (partial impact: only the first hop is thinned, as
 * in scenario.md). Split from the search (explain.ts), which decides which faults to try and keep; what a
 * fault and a spared edge cost comes from `FaultPrices` (fault-persistence.ts), so this file knows nothing of
 * earlier explanations. Pure.
 */
import type { Graph } from "../model/graph.js";
import { DEGRADED, DOWN, type FaultSet, Propagator, UP } from "../model/propagate.js";
import type { EvidenceCosts } from "./explain-types.js";

/** What a fault and its spared edges cost, in nats. */
export interface FaultPrices {
  /** The prior of fault c; optimistic (the lowest it can be) when `optimistic`, for bounds. */
  prior(c: number, optimistic?: boolean): number;
  /** What sparing the dependency edge `slot` of fault c costs. */
  spareCost(c: number, slot: number): number;
  /** What a trial of c gets back when it spares a recovered dependent it held impaired before (0: nothing). */
  recoveryDiscount(c: number): number;
  /** Whether fault c held `owner` impaired in earlier explanations while it persisted. */
  reached(c: number, owner: number): boolean;
}

/** One fault tried on top of the committed ones. */
export interface Choice {
  component: number;
  state: number;
  /** Total marginal cost (negative = improves the explanation). */
  cost: number;
  struck: number[];
  explains: number[];
}

export class Hypothesis {
  readonly #g: Graph;
  readonly #prices: FaultPrices;
  readonly #prop: Propagator;
  readonly #fault: Uint8Array;
  readonly #spared: Uint8Array;
  readonly #status: Uint8Array;
  readonly #faults: FaultSet;
  /** Whether a component has an observed component at or below it (fixed per graph). */
  readonly #watched: Uint8Array;
  /** Whether a component is at or above an impaired observed component (per explanation). */
  readonly #relevant: Uint8Array;

  constructor(g: Graph, prices: FaultPrices) {
    this.#g = g;
    this.#prices = prices;
    this.#prop = new Propagator(g);
    this.#fault = new Uint8Array(g.size);
    this.#spared = new Uint8Array(g.members.length);
    this.#status = new Uint8Array(g.size);
    const spared = this.#spared;
    this.#faults = { state: this.#fault, spared: (slot) => spared[slot] === 1 };
    this.#relevant = new Uint8Array(g.size);
    this.#watched = new Uint8Array(g.size);
    for (let r = g.size - 1; r >= 0; r--) {
      const c = g.topo[r]!;
      let w = g.observed[c]!;
      for (let d = g.depStart[c]!; d < g.depStart[c + 1]! && !w; d++)
        w = this.#watched[g.itemOwner[g.slotItem[g.depSlots[d]!]!]!]!;
      this.#watched[c] = w;
    }
  }

  /** Whether component c is a committed fault. */
  isFault(c: number): boolean {
    return this.#fault[c] !== 0;
  }

  /** The state the committed faults predict for component c. */
  statusOf(c: number): number {
    return this.#status[c]!;
  }

  /** Marks the candidates of this explanation: edges into the rest of the model are spared without trying. */
  setRelevant(cands: ReadonlyArray<number>): void {
    this.#relevant.fill(0);
    for (const c of cands) this.#relevant[c] = 1;
  }

  /**
   * An optimistic cost for each candidate: its fault cost minus everything the impaired observed components
   * below it could gain (counted once per path, so never too little). A trial can only cost more.
   */
  bounds(evidence: EvidenceCosts, cands: number[]): Float64Array {
    const g = this.#g;
    const gain = new Float64Array(g.size);
    const isCandidate = new Uint8Array(g.size);
    for (const c of cands) isCandidate[c] = 1;
    const order = [...cands].sort((a, b) => g.rank[b]! - g.rank[a]!);
    for (const c of order) {
      const o = evidence.observedAt[c]!;
      let total = 0;
      if (o >= 0) {
        // What it costs as the committed faults predict it, against the best it could cost.
        const now = evidence.cost[3 * o + this.#status[c]!]!;
        total += Math.max(0, now - Math.min(evidence.cost[3 * o + DEGRADED]!, evidence.cost[3 * o + DOWN]!));
      }
      let last = -1;
      for (let d = g.depStart[c]!; d < g.depStart[c + 1]!; d++) {
        const owner = g.itemOwner[g.slotItem[g.depSlots[d]!]!]!;
        if (owner === last || !isCandidate[owner]) continue;
        last = owner;
        total += gain[owner]!;
      }
      gain[c] = total;
    }
    const bound = new Float64Array(g.size);
    for (const c of cands) bound[c] = this.#prices.prior(c, true) - gain[c]!;
    return bound;
  }

  /** Marginal cost of adding fault (c, state) to what is committed; leaves the committed state unchanged. */
  trial(evidence: EvidenceCosts, c: number, state: number): Choice {
    const g = this.#g;
    const prices = this.#prices;
    const journal: number[] = [];
    const slots: number[] = [];
    for (let d = g.depStart[c]!; d < g.depStart[c + 1]!; d++) slots.push(g.depSlots[d]!);
    for (const s of slots) this.#spared[s] = 1;
    // When c already is in this state (through the committed faults), propagation from c alone stops at c,
    // and its dependents would keep states that ignore the edges just spared: the first strike or spare of
    // each would then be priced from a state that never held. Re-evaluate them now.
    const dirty = [c];
    if (this.#status[c] === state) for (const s of slots) dirty.push(g.itemOwner[g.slotItem[s]!]!);
    this.#fault[c] = state;
    this.#prop.update(this.#status, dirty, this.#faults, journal);
    let cost = prices.prior(c) + this.#delta(evidence, journal, 0);
    // An edge into a part of the model where nothing observed is impaired can only predict impairments the
    // evidence denies: spare it without trying (paying for it only if something observed is below).
    const open: number[] = [];
    for (const s of slots) {
      const owner = g.itemOwner[g.slotItem[s]!]!;
      if (this.#relevant[owner]) open.push(s);
      else if (this.#watched[owner]) cost += prices.spareCost(c, s);
    }
    // First pass: strike each edge in turn when what it explains outweighs the cost of sparing it.
    for (const s of open) {
      const spare = prices.spareCost(c, s);
      const delta = this.#toggle(evidence, s, 0, journal);
      // A tie strikes: an edge whose sparing is free and changes nothing (its dependent is impaired through
      // another fault too) is this fault's as well, so it still explains that dependent if the other goes.
      if (delta <= spare) cost += delta;
      else {
        this.#toggle(evidence, s, 1, journal);
        cost += spare;
      }
    }
    // Second pass: with every other edge decided, revisit each once (an early strike may be redundant now).
    for (const s of open) {
      const spare = prices.spareCost(c, s);
      if (this.#spared[s] === 0) {
        const delta = this.#toggle(evidence, s, 1, journal);
        if (delta + spare < -1e-9) cost += delta + spare;
        else this.#toggle(evidence, s, 0, journal);
      } else {
        const delta = this.#toggle(evidence, s, 0, journal);
        if (delta - spare < -1e-9) cost += delta - spare;
        else this.#toggle(evidence, s, 1, journal);
      }
    }
    const discount = prices.recoveryDiscount(c);
    if (discount !== 0) {
      const recovered = (s: number) => {
        const owner = g.itemOwner[g.slotItem[s]!]!;
        return prices.reached(c, owner) && this.#watched[owner] === 1 && this.#status[owner] === UP;
      };
      if (slots.some((s) => this.#spared[s] === 1 && recovered(s))) cost -= discount;
    }
    const struck = slots.filter((s) => this.#spared[s] === 0);
    const explains: number[] = [];
    for (let i = 0; i < journal.length; i += 2) {
      const x = journal[i]!;
      if (evidence.observedAt[x]! >= 0 && this.#status[x] !== UP) explains.push(x);
    }
    Propagator.undo(this.#status, journal);
    this.#fault[c] = 0;
    for (const s of slots) this.#spared[s] = 0;
    return { component: c, state, cost, struck, explains: [...new Set(explains)] };
  }

  /** Sets an edge spared (1) or struck (0), propagates, and returns the change of evidence cost. */
  #toggle(evidence: EvidenceCosts, slot: number, spared: number, journal: number[]): number {
    const mark = journal.length;
    this.#spared[slot] = spared;
    const g = this.#g;
    this.#prop.update(this.#status, [g.itemOwner[g.slotItem[slot]!]!], this.#faults, journal);
    return this.#delta(evidence, journal, mark);
  }

  /** Change of evidence cost from journal entries at or after `from` (pairs of component, old state). */
  #delta(evidence: EvidenceCosts, journal: number[], from: number): number {
    // A component may change more than once: count from its first old state to its current state.
    let delta = 0;
    const firstOld = new Map<number, number>();
    for (let i = from; i < journal.length; i += 2) {
      const x = journal[i]!;
      if (evidence.observedAt[x]! < 0 || firstOld.has(x)) continue;
      firstOld.set(x, journal[i + 1]!);
    }
    for (const [x, old] of firstOld) {
      const o = evidence.observedAt[x]!;
      delta += evidence.cost[3 * o + this.#status[x]!]! - evidence.cost[3 * o + old]!;
    }
    return delta;
  }

  /** Adds a tried fault to the committed ones, with the edges it struck. */
  commit(choice: Choice): void {
    const g = this.#g;
    this.#fault[choice.component] = choice.state;
    for (let d = g.depStart[choice.component]!; d < g.depStart[choice.component + 1]!; d++)
      this.#spared[g.depSlots[d]!] = 1;
    for (const s of choice.struck) this.#spared[s] = 0;
    this.#recompute();
  }

  /** Takes a committed fault out again. */
  retract(choice: Choice): void {
    const g = this.#g;
    this.#fault[choice.component] = 0;
    for (let d = g.depStart[choice.component]!; d < g.depStart[choice.component + 1]!; d++)
      this.#spared[g.depSlots[d]!] = 0;
    this.#recompute();
  }

  /** Committed faults are few: recompute their downstream from scratch for exactness. */
  #recompute(): void {
    const dirty: number[] = [];
    for (let c = 0; c < this.#g.size; c++) if (this.#fault[c] !== 0 || this.#status[c] !== UP) dirty.push(c);
    for (const c of dirty) this.#status[c] = UP;
    const all: number[] = [];
    for (const c of dirty) {
      all.push(c);
      const g = this.#g;
      for (let d = g.depStart[c]!; d < g.depStart[c + 1]!; d++)
        all.push(g.itemOwner[g.slotItem[g.depSlots[d]!]!]!);
    }
    this.#prop.update(this.#status, all, this.#faults);
  }
}
