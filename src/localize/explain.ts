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
 *
 * This file is the search: which faults to try, keep and swap. Trying one fault on the committed ones is
 * hypothesis.ts, what faults cost given earlier explanations fault-persistence.ts, the softmax
 * cause-ranking.ts, and the types explain-types.ts.
 */
import type { Graph } from "../model/graph.js";
import { DEGRADED, DOWN } from "../model/propagate.js";
import { rankCauses, type TriedCause } from "./cause-ranking.js";
import {
  DEFAULT_EXPLAIN,
  type EvidenceCosts,
  type ExplainedFault,
  type ExplainOptions,
  type RankedCause,
} from "./explain-types.js";
import { FaultPersistence } from "./fault-persistence.js";
import { type Choice, Hypothesis } from "./hypothesis.js";

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

export class Explainer {
  readonly #g: Graph;
  readonly #o: ExplainOptions;
  readonly #prices: FaultPersistence;
  readonly #hypothesis: Hypothesis;
  /** The previous explanation's faults with what they explained and their ranking, for reuse. */
  #settled = new Map<number, Settled>();
  /** The previous explanation's first places, one group per fault: kept as one fault, in whichever member fits best. */
  #groups: ReadonlyArray<ReadonlyArray<number>> = [];
  /** What the model's size adds to the fault cost (`faultCostPerScale`), in nats. */
  readonly scaleCost: number;
  /** Components in planned maintenance (see `know`). */
  #known: ReadonlySet<number> = new Set();

  /** `observed`: how many observed components `g` has (the caller counts them already). */
  constructor(g: Graph, observed: number, options: Partial<ExplainOptions> = {}) {
    this.#g = g;
    this.#o = { ...DEFAULT_EXPLAIN, ...options };
    this.#prices = new FaultPersistence(g, observed, this.#o);
    this.scaleCost = this.#prices.scaleCost;
    this.#hypothesis = new Hypothesis(g, this.#prices);
  }

  /**
   * Components in planned maintenance, known causes of what fails below them (see FaultPersistence.know).
   * A change reprices faults, so no earlier ranking stands.
   */
  know(components: ReadonlySet<number>): void {
    this.#known = components;
    this.#prices.know(components);
    this.#settled.clear();
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
      this.#prices.forget();
      return [];
    }
    this.#groups = previous;
    this.#prices.begin(previous, impaired, (c) => this.#settled.get(c)?.explains);
    const states = this.#states(evidence, impaired);
    const cands = this.candidates(impaired);
    const hypothesis = this.#hypothesis;
    hypothesis.setRelevant(cands);
    const bound = hypothesis.bounds(evidence, cands);
    const chosen = this.#greedy(evidence, cands, states, bound);
    // Swap pass: take each fault out and put back the best candidate among those that could explain its
    // symptoms (an early greedy pick may be beaten once the other faults are in place).
    const settled = this.#settled;
    for (let i = 0; i < chosen.length; i++) {
      const current = chosen[i]!;
      // A fault that explains what it explained last time, at about the same cost, was swapped then; a known
      // cause (maintenance) is not swapped for a guess.
      if (this.#known.has(current.component)) continue;
      this.#hypothesis.retract(current);
      if (isSettled(settled.get(current.component), current)) {
        // Kept as it was, unless a fault chosen after it now explains its symptoms: then it no longer pays
        // for itself (a part of a cause's blast radius, named first while the cause struck only it).
        if (this.#hypothesis.trial(evidence, current.component, current.state).cost < 0) {
          this.#hypothesis.commit(current);
          continue;
        }
        chosen.splice(i, 1);
        i--;
        continue;
      }
      const local = this.candidates(current.explains.length > 0 ? current.explains : [current.component]);
      const best = this.#bestChoice(evidence, local, states, bound);
      if (best && best.cost < 0) {
        chosen[i] = best;
        this.#hypothesis.commit(best);
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
      this.#hypothesis.retract(choice);
      const local = this.candidates(choice.explains.length > 0 ? choice.explains : [choice.component]);
      this.#prices.rank(true);
      const ranked = this.#rank(evidence, local, states, choice, bound);
      this.#prices.rank(false);
      next.set(choice.component, { explains: new Set(choice.explains), cost: choice.cost, ranked });
      out.push({ component: choice.component, ranked, explains: choice.explains, cost: choice.cost });
      this.#hypothesis.commit(choice);
    }
    this.#prices.end(out, (c) => hypothesis.statusOf(c));
    this.#groups = [];
    this.#settled = next;
    for (const c of chosen) this.#hypothesis.retract(c);
    return out.sort((a, b) => (a.ranked[0]?.cost ?? 0) - (b.ranked[0]?.cost ?? 0));
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
    // Known causes first (components in planned maintenance, free): what fails below them is theirs, before a
    // guess above them could take it as one fault.
    for (const c of cands) {
      if (!this.#known.has(c) || bound[c]! >= 0) continue;
      let mine: Choice | undefined;
      for (const state of states) {
        const trial = this.#hypothesis.trial(evidence, c, state);
        if (!mine || trial.cost < mine.cost) mine = trial;
      }
      if (!mine || mine.cost >= 0) continue;
      this.#hypothesis.commit(mine);
      chosen.push(mine);
      version++;
    }
    // Faults persist: what the previous explanation held failed is kept first while it still pays for
    // itself, so symptoms that appear later are explained on top of it rather than merged with it.
    const inCands = new Set(cands);
    // A group is the fault chosen last time, then the names tied with it (its heirs): an heir takes its place,
    // persisting in its stead, only when it fits clearly better (a region chosen in a tie with its network
    // cannot explain the network's partial tail; the network can).
    for (const group of this.#groups) {
      let best: Choice | undefined;
      for (const c of group) {
        if (!inCands.has(c) || bound[c]! >= 0 || this.#hypothesis.isFault(c)) continue;
        const heir = c !== group[0];
        if (heir) this.#prices.adopt(c);
        let mine: Choice | undefined;
        for (const state of states) {
          const trial = this.#hypothesis.trial(evidence, c, state);
          if (!mine || trial.cost < mine.cost) mine = trial;
        }
        if (heir) this.#prices.disown(c);
        // An heir takes over only when it fits clearly better than the fault chosen last time.
        if (mine && (!best || mine.cost < best.cost - (heir && best.component === group[0] ? 1 : 0)))
          best = mine;
      }
      if (!best || best.cost >= 0) continue;
      if (best.component !== group[0]) this.#prices.adopt(best.component);
      this.#hypothesis.commit(best);
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
        top.choice = this.#hypothesis.trial(evidence, top.component, top.state);
        top.cost = top.choice.cost;
        top.version = version;
        continue;
      }
      this.#hypothesis.commit(top.choice);
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
    const tighter = this.#hypothesis.bounds(evidence, cands);
    const out: Entry[] = [];
    for (const e of entries) {
      if (this.#hypothesis.isFault(e.component) || tighter[e.component]! >= 0) continue;
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
    const options: TriedCause[] = [];
    // Alternatives more than this many nats behind the chosen fault would show a confidence of 0.
    const reach = Math.min(0, chosen.cost + 12);
    for (const c of cands) {
      if (c !== chosen.component && this.#hypothesis.isFault(c)) continue;
      if (c !== chosen.component && bound[c]! >= reach) continue;
      for (const state of states) {
        const trial = this.#hypothesis.trial(evidence, c, state);
        if (trial.cost >= 0 && c !== chosen.component) continue;
        if (c !== chosen.component && !trial.explains.some((x) => mine.has(x))) continue;
        options.push(trial);
      }
    }
    return rankCauses(options, {
      rank: this.#g.rank,
      tieMargin: this.#o.tieMargin,
      alternatives: this.#o.alternatives,
    });
  }

  #bestChoice(
    evidence: EvidenceCosts,
    cands: number[],
    states: number[],
    bound: Float64Array,
  ): Choice | undefined {
    let best: Choice | undefined;
    const order = cands
      .filter((c) => !this.#hypothesis.isFault(c) && bound[c]! < 0)
      .sort((a, b) => bound[a]! - bound[b]!);
    for (const c of order) {
      if (best && bound[c]! >= best.cost) break;
      for (const state of states) {
        const trial = this.#hypothesis.trial(evidence, c, state);
        if (!best || trial.cost < best.cost - 1e-9) best = trial;
      }
    }
    return best;
  }
}
