/**
 * Turns the trials of one fault's alternatives into its ranked causes: one per component (its better
 * state), best first, and confidences by a softmax against "no fault here", so indistinguishable
 * components (same observed dependents) tie. Split from the search (explain.ts), which decides which
 * alternatives to try. Pure.
 */
import type { RankedCause } from "./explain-types.js";

/** One alternative as tried: its cost in nats given the other faults. */
export interface TriedCause {
  component: number;
  state: number;
  cost: number;
}

export interface RankingOptions {
  /** Per component, its place in dependency order (graph `rank`): later is closer to the symptoms. */
  rank: ArrayLike<number>;
  /** Extra cost, in nats, that moves the fourth and later of a tie just below first place. */
  tieMargin: number;
  /** How many causes to keep. */
  alternatives: number;
}

export function rankCauses(tried: ReadonlyArray<TriedCause>, options: RankingOptions): RankedCause[] {
  // One entry per component: its better state.
  const byComponent = new Map<number, TriedCause>();
  for (const o of tried) {
    const prev = byComponent.get(o.component);
    if (!prev || o.cost < prev.cost) byComponent.set(o.component, o);
  }
  const rank = options.rank;
  const list = [...byComponent.values()]
    .map((o) => ({ component: o.component, state: o.state, cost: o.cost }))
    .sort((a, b) =>
      Math.abs(a.cost - b.cost) > 1e-9 ? a.cost - b.cost : rank[b.component]! - rank[a.component]!,
    );
  // More than three indistinguishable answers name nothing: keep the three closest to the symptoms
  // (latest in dependency order) in first place and rank the rest just below.
  const tieCost = list[0]?.cost ?? 0;
  list.forEach((o, i) => {
    if (i >= 3 && Math.abs(o.cost - tieCost) <= 1e-9) o.cost += options.tieMargin;
  });
  list.sort((a, b) => a.cost - b.cost);
  const best = list[0]?.cost ?? 0;
  // Softmax over alternatives and "no fault here" (cost 0).
  let z = Math.exp(-(0 - best));
  for (const o of list) z += Math.exp(-(o.cost - best));
  return list.slice(0, options.alternatives).map((o) => ({
    component: o.component,
    state: o.state,
    cost: o.cost,
    confidence: Math.exp(-(o.cost - best)) / z,
  }));
}
