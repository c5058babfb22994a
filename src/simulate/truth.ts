/**
 * The ground truth of a scenario: every component's state over time, computed from its faults with the
 * world's full model (hidden edges included). Also the state under only the edges the localizer knows, so a
 * judge can tell which impairments the model cannot explain. Pure.
 */
import { compileGraph, type Graph } from "../model/graph.js";
import { isStruck } from "../model/partial-impact.js";
import { DEGRADED, DOWN, type FaultSet, propagateAll } from "../model/propagate.js";
import type { Fault, Scenario } from "./scenario-types.js";

export interface Segment {
  start: number;
  end: number;
  /** Component faults active throughout the segment. */
  faults: Fault[];
  /** Vantage indices whose own network is broken throughout the segment. */
  blindVantages: Set<number>;
  /** States with the full model. */
  status: Uint8Array;
  /** States with only the edges the localizer knows. */
  known: Uint8Array;
}

export class Truth {
  readonly world: Graph;
  readonly knownGraph: Graph;
  readonly segments: Segment[];

  constructor(readonly scenario: Scenario) {
    this.world = compileGraph(scenario.model, { includeHidden: true });
    this.knownGraph = compileGraph(scenario.model, { includeHidden: false });
    const cuts = new Set<number>([0, scenario.duration]);
    for (const f of scenario.faults) {
      if (f.at < scenario.duration) cuts.add(Math.max(0, f.at));
      if (f.end < scenario.duration) cuts.add(Math.max(0, f.end));
    }
    const times = [...cuts].sort((a, b) => a - b);
    const vantageIndex = new Map(scenario.vantages.map((v, i) => [v, i]));
    this.segments = [];
    for (let i = 0; i + 1 < times.length; i++) {
      const start = times[i]!;
      const end = times[i + 1]!;
      const active = scenario.faults.filter((f) => f.at <= start && start < f.end);
      const componentFaults = active.filter((f) => f.target === "component");
      const blind = new Set(active.filter((f) => f.target === "vantage").map((f) => vantageIndex.get(f.id)!));
      this.segments.push({
        start,
        end,
        faults: componentFaults,
        blindVantages: blind,
        status: propagateAll(this.world, faultSet(this.world, scenario.seed, componentFaults)),
        known: propagateAll(this.knownGraph, faultSet(this.knownGraph, scenario.seed, componentFaults)),
      });
    }
  }

  /** The segment holding time t (the last one for t at or past the end). */
  at(t: number): Segment {
    const segs = this.segments;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.start <= t) lo = mid;
      else hi = mid - 1;
    }
    return segs[lo]!;
  }
}

/** The fault set for `faults` on graph g, with partial impact decided by the spec's hash. */
export function faultSet(g: Graph, seed: number, faults: ReadonlyArray<Fault>): FaultSet {
  const state = new Uint8Array(g.size);
  const on = new Map<number, Fault[]>();
  for (const f of faults) {
    const c = g.index.get(f.id);
    if (c === undefined) continue;
    state[c] = Math.max(state[c]!, f.state === "down" ? DOWN : DEGRADED);
    const list = on.get(c) ?? [];
    list.push(f);
    on.set(c, list);
  }
  const partial = faults.some((f) => f.impact < 1);
  if (!partial) return { state };
  const cache = new Map<number, boolean>();
  const spared = (slot: number): boolean => {
    const hit = cache.get(slot);
    if (hit !== undefined) return hit;
    const list = on.get(g.members[slot]!) ?? [];
    const item = g.slotItem[slot]!;
    const dependent = g.ids[g.itemOwner[item]!]!;
    const member = slot - g.memberStart[item]!;
    const result = list.every((f) => !isStruck(seed, f.index, dependent, g.itemPos[item]!, member, f.impact));
    cache.set(slot, result);
    return result;
  };
  return { state, spared };
}
