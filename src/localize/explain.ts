/**
 * Explanation search: the most probable set of failed components given the evidence on observed ones.
 *
 * A hypothesis is a set of faults, each a component in state down or degraded whose direct dependency edges
 * are each struck or spared (partial impact: only the first hop is thinned, as in scenario.md). Its cost in
 * nats is: for each fault, a prior cost; for each spared edge that matters, a sparing cost; for each observed
 * component, -log of the evidence for the state the hypothesis predicts (relative to "up"). Greedy forward
 * selection (as SCORE does over shared-risk groups) with a swap pass, scored by noisy evidence and exact
 * propagation instead of hit ratios. Alternatives for each fault are ranked by the same cost and turned into
 * confidences with a softmax, so indistinguishable components (same observed dependents) tie. Pure.
 */
import type { Graph } from "../model/graph.js";
import { DEGRADED, DOWN, type FaultSet, Propagator, UP } from "../model/propagate.js";

export interface ExplainOptions {
  /** Prior cost of one more fault, in nats, in a model of up to 100 observed components. */
  faultCost: number;
  /**
   * What each e-fold of observed components beyond 100 adds to the fault cost, in nats. Naming one of N
   * components costs log N: with thousands of sites and a few vantages, flipped checks make some site look
   * down for a round or two every hour, and a threshold that does not grow with N turns that into alarms.
   */
  faultCostPerScale: number;
  /**
   * Discount, in nats, for a fault the previous explanation already held in first place: faults persist, so
   * symptoms that appear later are first tried as a new fault, not folded with the old ones under a common
   * ancestor, and a cause is not renamed after a part of its own blast radius as it recovers. Every
   * component that shared first place gets it, so ties stay ties.
   */
  persistDiscount: number;
  /** Cost of a spared edge that changes what is predicted, in nats (how unlikely partial impact is). */
  sparedCost: number;
  /** Floor of evidence probabilities: no single observed component can cost more than -log(floor). */
  evidenceFloor: number;
  /** How many alternatives to rank per fault. */
  alternatives: number;
  /** Stop adding candidates beyond this many (a guard for enormous models). */
  maxCandidates: number;
  /** Extra cost, in nats, that moves the fourth and later of a tie just below first place. */
  tieMargin: number;
}

export const DEFAULT_EXPLAIN: ExplainOptions = {
  faultCost: 5,
  faultCostPerScale: 1,
  persistDiscount: 3,
  sparedCost: 2,
  evidenceFloor: 1e-4,
  alternatives: 5,
  maxCandidates: 5000,
  tieMargin: 0.1,
};

/** Observed components up to which the fault cost is `faultCost` alone. */
const SCALE_FROM = 100;

export interface RankedCause {
  component: number;
  state: number;
  confidence: number;
  cost: number;
}

export interface ExplainedFault {
  /** The component chosen for this fault (the ranking may tie others with it). */
  component: number;
  /** Best first; ties share a confidence. */
  ranked: RankedCause[];
  /** Observed components (graph indices) this fault makes impaired. */
  explains: number[];
  /** What this fault adds to the explanation's cost, in nats, given the others (negative: it pays). */
  cost: number;
}

/** Per observed component, -log P(state) from the evidence, as `cost[3*obs + state]`. */
export interface EvidenceCosts {
  /** Graph index → observed position, or -1. */
  observedAt: Int32Array;
  cost: Float64Array;
}

interface Entry {
  component: number;
  state: number;
  /** The trial's cost when tried at `version`, else a lower bound. */
  cost: number;
  choice?: Choice;
  version: number;
}

interface Settled {
  explains: Set<number>;
  cost: number;
  ranked: RankedCause[];
}

/** Whether a fault explains nearly what it did before (2% of its symptoms) at nearly the same cost. */
function isSettled(before: Settled | undefined, now: Choice): boolean {
  if (!before) return false;
  if (Math.abs(before.cost - now.cost) > Math.max(1, 0.02 * Math.abs(before.cost))) return false;
  const allowed = Math.max(1, Math.floor(0.02 * before.explains.size));
  let differ = Math.abs(before.explains.size - now.explains.length);
  for (const x of now.explains) if (!before.explains.has(x) && ++differ > allowed) return false;
  return differ <= allowed;
}

interface Choice {
  component: number;
  state: number;
  /** Total marginal cost (negative = improves the explanation). */
  cost: number;
  struck: number[];
  explains: number[];
}

export class Explainer {
  readonly #g: Graph;
  readonly #o: ExplainOptions;
  readonly #prop: Propagator;
  readonly #fault: Uint8Array;
  readonly #spared: Uint8Array;
  readonly #status: Uint8Array;
  readonly #faults: FaultSet;
  /** Whether a component has an observed component at or below it (fixed per graph). */
  readonly #watched: Uint8Array;
  /** Whether a component is at or above an impaired observed component (per explanation). */
  readonly #relevant: Uint8Array;
  /** The previous explanation's faults with what they explained and their ranking, for reuse. */
  #settled = new Map<number, Settled>();
  /** First-place components of the previous explanation's faults (see `persistDiscount`). */
  #persisting: Set<number> | undefined;
  /** The same, one group per previous fault: a group is kept as one fault, in whichever member fits best. */
  #groups: ReadonlyArray<ReadonlyArray<number>> = [];
  /**
   * Per first-place component of the explanation so far, the first-hop dependents it has held impaired
   * while it persisted: its reach, to tell a dependent that recovered from one it never struck.
   */
  #reach = new Map<number, Set<number>>();
  readonly #faultCost: number;
  /** What the model's size adds to the fault cost (`faultCostPerScale`), in nats. */
  readonly scaleCost: number;
  /**
   * Persisting faults that have begun to recover (some symptom of theirs came back up), this explanation
   * and the last; a fault stays in its tail while it persists (see `#spareCost`).
   */
  readonly #recovering = new Set<number>();
  #tailing = new Set<number>();
  /** True while ranking alternatives rather than choosing faults. */
  #ranking = false;

  /** The prior of fault c; optimistic (with the discount) when `optimistic`, for bounds. */
  #prior(c: number, optimistic = false): number {
    const discount = this.#persisting?.has(c) && (optimistic || !this.#ranking) ? this.#o.persistDiscount : 0;
    return this.#faultCost - discount;
  }

  /**
   * What sparing the dependency edge `slot` of fault c costs. An edge of a fault that held first place in
   * the previous explanation spares for free when its dependent was impaired then: dependents recovering one
   * by one is how an outage ends (the long partial tail), not evidence against the cause. And once such a
   * fault is recovering, every edge spares for free: which dependents it strikes was paid for when it was
   * chosen, and a cause whose impact steps down strikes a fresh few (a scenario's next fault on the same
   * component draws its struck edges anew). So the cause keeps explaining what is still failing below it
   * instead of handing each remaining dependent an incident of its own. At its onset a fault pays in full:
   * its healthy dependents speak against it until it has shown what it is.
   */
  #spareCost(c: number, slot: number): number {
    if (!this.#persisting?.has(c)) return this.#o.sparedCost;
    if (this.#recovering.has(c)) return 0;
    const g = this.#g;
    return this.#reach.get(c)?.has(g.itemOwner[g.slotItem[slot]!]!) ? 0 : this.#o.sparedCost;
  }

  constructor(g: Graph, options: Partial<ExplainOptions> = {}) {
    this.#g = g;
    this.#o = { ...DEFAULT_EXPLAIN, ...options };
    let observed = 0;
    for (let c = 0; c < g.size; c++) observed += g.observed[c]!;
    this.scaleCost = this.#o.faultCostPerScale * Math.max(0, Math.log(observed / SCALE_FROM));
    this.#faultCost = this.#o.faultCost + this.scaleCost;
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

  /** Every component that could explain an impaired observed component: it and its ancestors. */
  candidates(impaired: ReadonlyArray<number>): number[] {
    const g = this.#g;
    const seen = new Uint8Array(g.size);
    const out: number[] = [];
    const stack = [...impaired];
    while (stack.length > 0 && out.length < this.#o.maxCandidates) {
      const c = stack.pop()!;
      if (seen[c]) continue;
      seen[c] = 1;
      out.push(c);
      for (let s = g.memberStart[g.itemStart[c]!]!; s < g.memberStart[g.itemStart[c + 1]!]!; s++) {
        const m = g.members[s]!;
        if (!seen[m]) stack.push(m);
      }
    }
    return out.sort((a, b) => a - b);
  }

  /** The best explanation of the evidence: zero or more faults, each with ranked alternatives. */
  explain(
    evidence: EvidenceCosts,
    impaired: ReadonlyArray<number>,
    previous: ReadonlyArray<ReadonlyArray<number>> = [],
  ): ExplainedFault[] {
    if (impaired.length === 0) {
      this.#reach.clear();
      return [];
    }
    this.#groups = previous;
    // Only the fault chosen last time persists; a name tied with it persists in its place if it takes over
    // (see the kept loop in #greedy).
    this.#persisting = new Set(previous.map((group) => group[0]!).filter((c) => c !== undefined));
    const isImpaired = new Set(impaired);
    this.#recovering.clear();
    for (const c of this.#persisting) {
      if (this.#tailing.has(c)) this.#recovering.add(c);
      else
        for (const x of this.#settled.get(c)?.explains ?? [])
          if (!isImpaired.has(x)) {
            this.#recovering.add(c);
            break;
          }
    }
    const states = this.#states(evidence, impaired);
    const cands = this.candidates(impaired);
    this.#relevant.fill(0);
    for (const c of cands) this.#relevant[c] = 1;
    const bound = this.#bounds(evidence, cands);
    const chosen = this.#greedy(evidence, cands, states, bound);
    // Swap pass: take each fault out and put back the best candidate among those that could explain its
    // symptoms (an early greedy pick may be beaten once the other faults are in place).
    const settled = this.#settled;
    for (let i = 0; i < chosen.length; i++) {
      const current = chosen[i]!;
      // A fault that explains what it explained last time, at about the same cost, was swapped then.
      if (isSettled(settled.get(current.component), current)) continue;
      this.#retract(current);
      const local = this.candidates(current.explains.length > 0 ? current.explains : [current.component]);
      const best = this.#bestChoice(evidence, local, states, bound);
      if (best && best.cost < 0) {
        chosen[i] = best;
        this.#commit(best);
      } else {
        chosen.splice(i, 1);
        i--;
      }
    }
    const out: ExplainedFault[] = [];
    const next = new Map<number, Settled>();
    for (let i = 0; i < chosen.length; i++) {
      const choice = chosen[i]!;
      const before = settled.get(choice.component);
      if (before && isSettled(before, choice)) {
        // Same fault, same symptoms, about the same evidence: its ranking stands (and its cost reference).
        next.set(choice.component, before);
        out.push({
          component: choice.component,
          ranked: before.ranked,
          explains: choice.explains,
          cost: choice.cost,
        });
        continue;
      }
      this.#retract(choice);
      const local = this.candidates(choice.explains.length > 0 ? choice.explains : [choice.component]);
      this.#ranking = true;
      const ranked = this.#rank(evidence, local, states, choice, bound);
      this.#ranking = false;
      next.set(choice.component, { explains: new Set(choice.explains), cost: choice.cost, ranked });
      out.push({ component: choice.component, ranked, explains: choice.explains, cost: choice.cost });
      this.#commit(choice);
    }
    this.#reach = this.#nextReach(out);
    this.#tailing = new Set(out.map((f) => f.component).filter((c) => this.#recovering.has(c)));
    this.#persisting = undefined;
    this.#groups = [];
    this.#settled = next;
    for (const c of chosen) this.#retract(c);
    return out.sort((a, b) => (a.ranked[0]?.cost ?? 0) - (b.ranked[0]?.cost ?? 0));
  }

  /** The reach of each first-place component of `faults`, with every fault committed. */
  #nextReach(faults: ReadonlyArray<ExplainedFault>): Map<number, Set<number>> {
    const g = this.#g;
    const next = new Map<number, Set<number>>();
    for (const f of faults) {
      const top = f.ranked[0]?.confidence ?? 0;
      const names = new Set([f.component]);
      for (const r of f.ranked) if (r.confidence >= top - 1e-9) names.add(r.component);
      for (const c of names) {
        const reach = new Set(this.#persisting?.has(c) ? (this.#reach.get(c) ?? []) : []);
        for (let d = g.depStart[c]!; d < g.depStart[c + 1]!; d++) {
          const owner = g.itemOwner[g.slotItem[g.depSlots[d]!]!]!;
          if (this.#status[owner] !== UP) reach.add(owner);
        }
        next.set(c, reach);
      }
    }
    return next;
  }

  /** Fault states worth trying: degraded only when some impaired component looks degraded rather than down. */
  #states(evidence: EvidenceCosts, impaired: ReadonlyArray<number>): number[] {
    for (const x of impaired) {
      const o = evidence.observedAt[x]!;
      if (evidence.cost[3 * o + DEGRADED]! < evidence.cost[3 * o + DOWN]!) return [DOWN, DEGRADED];
    }
    return [DOWN];
  }

  /**
   * An optimistic cost for each candidate: its fault cost minus everything the impaired observed components
   * below it could gain (counted once per path, so never too little). A trial can only cost more.
   */
  #bounds(evidence: EvidenceCosts, cands: number[]): Float64Array {
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
    for (const c of cands) bound[c] = this.#prior(c, true) - gain[c]!;
    return bound;
  }

  /**
   * Lazy greedy forward selection: candidates start at their optimistic bound and are tried only when they
   * look best, so a candidate that cannot beat the best real cost is never tried at all.
   */
  #greedy(evidence: EvidenceCosts, cands: number[], states: number[], bound: Float64Array): Choice[] {
    const chosen: Choice[] = [];
    let entries: Entry[] = [];
    for (const c of cands)
      if (bound[c]! < 0)
        for (const state of states) entries.push({ component: c, state, cost: bound[c]!, version: -1 });
    let version = 0;
    // Faults persist: what the previous explanation held failed is kept first while it still pays for
    // itself, so symptoms that appear later are explained on top of it rather than merged with it.
    const inCands = new Set(cands);
    // A group is the fault chosen last time, then the names tied with it (its heirs): an heir takes its place,
    // persisting in its stead, only when it fits clearly better (a region chosen in a tie with its network
    // cannot explain the network's partial tail; the network can).
    for (const group of this.#groups) {
      let best: Choice | undefined;
      for (const c of group) {
        if (!inCands.has(c) || bound[c]! >= 0 || this.#fault[c] !== 0) continue;
        const heir = c !== group[0];
        if (heir) this.#persisting!.add(c);
        let mine: Choice | undefined;
        for (const state of states) {
          const trial = this.#trial(evidence, c, state);
          if (!mine || trial.cost < mine.cost) mine = trial;
        }
        if (heir) this.#persisting!.delete(c);
        // An heir takes over only when it fits clearly better than the fault chosen last time.
        if (mine && (!best || mine.cost < best.cost - (heir && best.component === group[0] ? 1 : 0)))
          best = mine;
      }
      if (!best || best.cost >= 0) continue;
      if (best.component !== group[0]) this.#persisting!.add(best.component);
      this.#commit(best);
      chosen.push(best);
      version++;
    }
    if (chosen.length > 0) entries = this.#tighten(evidence, cands, entries);
    for (;;) {
      let bestAt = -1;
      for (let i = 0; i < entries.length; i++)
        if (bestAt < 0 || entries[i]!.cost < entries[bestAt]!.cost) bestAt = i;
      if (bestAt < 0) break;
      const top = entries[bestAt]!;
      if (top.cost >= 0) break;
      if (top.version !== version || !top.choice) {
        top.choice = this.#trial(evidence, top.component, top.state);
        top.cost = top.choice.cost;
        top.version = version;
        continue;
      }
      this.#commit(top.choice);
      chosen.push(top.choice);
      version++;
      // A component is a fault once, in one state; and what the new fault explains is no longer there to
      // gain, so every bound tightens (most candidates below it drop out without a trial).
      entries = this.#tighten(evidence, cands, entries);
    }
    return chosen;
  }

  /**
   * Drops candidates that are faults now or can no longer pay for themselves, and raises the others' costs
   * to their bounds against what the committed faults already explain.
   */
  #tighten(evidence: EvidenceCosts, cands: number[], entries: Entry[]): Entry[] {
    const tighter = this.#bounds(evidence, cands);
    const out: Entry[] = [];
    for (const e of entries) {
      if (this.#fault[e.component] !== 0 || tighter[e.component]! >= 0) continue;
      e.cost = Math.max(e.cost, tighter[e.component]!);
      out.push(e);
    }
    return out;
  }

  #rank(
    evidence: EvidenceCosts,
    cands: number[],
    states: number[],
    chosen: Choice,
    bound: Float64Array,
  ): RankedCause[] {
    const mine = new Set(chosen.explains);
    const options: Choice[] = [];
    // Alternatives more than this many nats behind the chosen fault would show a confidence of 0.
    const reach = Math.min(0, chosen.cost + 12);
    for (const c of cands) {
      if (c !== chosen.component && this.#fault[c] !== 0) continue;
      if (c !== chosen.component && bound[c]! >= reach) continue;
      for (const state of states) {
        const trial = this.#trial(evidence, c, state);
        if (trial.cost >= 0 && c !== chosen.component) continue;
        if (c !== chosen.component && !trial.explains.some((x) => mine.has(x))) continue;
        options.push(trial);
      }
    }
    // One entry per component: its better state.
    const byComponent = new Map<number, Choice>();
    for (const o of options) {
      const prev = byComponent.get(o.component);
      if (!prev || o.cost < prev.cost) byComponent.set(o.component, o);
    }
    const g = this.#g;
    const list = [...byComponent.values()]
      .map((o) => ({ ...o }))
      .sort((a, b) =>
        Math.abs(a.cost - b.cost) > 1e-9 ? a.cost - b.cost : g.rank[b.component]! - g.rank[a.component]!,
      );
    // More than three indistinguishable answers name nothing: keep the three closest to the symptoms
    // (latest in dependency order) in first place and rank the rest just below.
    const tieCost = list[0]?.cost ?? 0;
    list.forEach((o, i) => {
      if (i >= 3 && Math.abs(o.cost - tieCost) <= 1e-9) o.cost += this.#o.tieMargin;
    });
    list.sort((a, b) => a.cost - b.cost);
    const best = list[0]?.cost ?? 0;
    // Softmax over alternatives and "no fault here" (cost 0).
    let z = Math.exp(-(0 - best));
    for (const o of list) z += Math.exp(-(o.cost - best));
    return list.slice(0, this.#o.alternatives).map((o) => ({
      component: o.component,
      state: o.state,
      cost: o.cost,
      confidence: Math.exp(-(o.cost - best)) / z,
    }));
  }

  #bestChoice(
    evidence: EvidenceCosts,
    cands: number[],
    states: number[],
    bound: Float64Array,
  ): Choice | undefined {
    let best: Choice | undefined;
    const order = cands
      .filter((c) => this.#fault[c] === 0 && bound[c]! < 0)
      .sort((a, b) => bound[a]! - bound[b]!);
    for (const c of order) {
      if (best && bound[c]! >= best.cost) break;
      for (const state of states) {
        const trial = this.#trial(evidence, c, state);
        if (!best || trial.cost < best.cost - 1e-9) best = trial;
      }
    }
    return best;
  }

  /** Marginal cost of adding fault (c, state) to what is committed; leaves the committed state unchanged. */
  #trial(evidence: EvidenceCosts, c: number, state: number): Choice {
    const g = this.#g;
    const journal: number[] = [];
    const slots: number[] = [];
    for (let d = g.depStart[c]!; d < g.depStart[c + 1]!; d++) slots.push(g.depSlots[d]!);
    for (const s of slots) this.#spared[s] = 1;
    this.#fault[c] = state;
    this.#prop.update(this.#status, [c], this.#faults, journal);
    let cost = this.#prior(c) + this.#delta(evidence, journal, 0);
    // An edge into a part of the model where nothing observed is impaired can only predict impairments the
    // evidence denies: spare it without trying (paying for it only if something observed is below).
    const open: number[] = [];
    for (const s of slots) {
      const owner = g.itemOwner[g.slotItem[s]!]!;
      if (this.#relevant[owner]) open.push(s);
      else if (this.#watched[owner]) cost += this.#spareCost(c, s);
    }
    // First pass: strike each edge in turn when what it explains outweighs the cost of sparing it.
    for (const s of open) {
      const spare = this.#spareCost(c, s);
      const delta = this.#toggle(evidence, s, 0, journal);
      if (delta < spare) cost += delta;
      else {
        this.#toggle(evidence, s, 1, journal);
        cost += spare;
      }
    }
    // Second pass: with every other edge decided, revisit each once (an early strike may be redundant now).
    for (const s of open) {
      const spare = this.#spareCost(c, s);
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
    // While ranking, a persisting fault keeps its discount only as it recovers (a dependent impaired before
    // is spared now): at its onset, as evidence firms up, a better-fitting name must be free to take over.
    if (this.#ranking && this.#persisting?.has(c)) {
      const recovered = (s: number) => {
        const owner = g.itemOwner[g.slotItem[s]!]!;
        return (
          this.#reach.get(c)?.has(owner) === true && this.#watched[owner] === 1 && this.#status[owner] === UP
        );
      };
      if (slots.some((s) => this.#spared[s] === 1 && recovered(s))) cost -= this.#o.persistDiscount;
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

  #commit(choice: Choice): void {
    const g = this.#g;
    this.#fault[choice.component] = choice.state;
    for (let d = g.depStart[choice.component]!; d < g.depStart[choice.component + 1]!; d++)
      this.#spared[g.depSlots[d]!] = 1;
    for (const s of choice.struck) this.#spared[s] = 0;
    this.#recompute();
  }

  #retract(choice: Choice): void {
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
