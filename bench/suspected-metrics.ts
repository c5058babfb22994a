/**
 * How well the localizer's suspected dependencies find the edges a scenario hides from it:
 *
 * - precision: of the suggested pairs (component, cause), those where the component really depends on the
 *   cause (or on a faulted component the cause is an accepted answer for) in the full model, through a path
 *   the known model lacks;
 * - recall: of the hidden dependencies an outage exercised (an observed component impaired only through a
 *   hidden path while a faulted component it depends on was active, that component nameable: it has observed
 *   dependents in the known model), those suggested with that component or one of its accepted answers.
 *
 * Pure.
 */

import type { SuspectedDependency } from "../src/localize/suspected-dependencies.js";
import type { Graph } from "../src/model/graph.js";
import { UP } from "../src/model/propagate.js";
import type { Scenario } from "../src/simulate/scenario-types.js";
import type { Truth } from "../src/simulate/truth.js";
import { ancestorsOf, Marks, observedDependentCounts } from "./graph-walk.js";

export interface SuspectedMetrics {
  suggested: number;
  correct: number;
  exercised: number;
  found: number;
}

export function measureSuspected(
  scenario: Scenario,
  truth: Truth,
  suggestions: ReadonlyArray<SuspectedDependency>,
): SuspectedMetrics {
  const world = truth.world;
  const known = truth.knownGraph;
  const marks = new Marks(world.size);
  const hiddenAncestors = (g: Graph, k: Graph, id: string): Set<string> => {
    const inWorld = ancestorsOf(g, g.index.get(id)!, marks).map((c) => g.ids[c]!);
    const inKnown = new Set(ancestorsOf(k, k.index.get(id)!, marks).map((c) => k.ids[c]!));
    return new Set(inWorld.filter((c) => !inKnown.has(c)));
  };
  const cache = new Map<string, Set<string>>();
  const hiddenOf = (id: string) => {
    let s = cache.get(id);
    if (!s) {
      s = hiddenAncestors(world, known, id);
      cache.set(id, s);
    }
    return s;
  };
  // The answers that stand for each faulted component: itself and what its expected incident accepts.
  const aliases = new Map<string, Set<string>>();
  for (const e of scenario.expect.incidents) {
    const set = aliases.get(e.epicenter) ?? new Set([e.epicenter]);
    for (const a of e.accept) set.add(a);
    aliases.set(e.epicenter, set);
  }
  const namesOf = (fault: string) => aliases.get(fault) ?? new Set([fault]);
  const faulted = [...new Set(scenario.faults.filter((f) => f.target === "component").map((f) => f.id))];

  let correct = 0;
  for (const s of suggestions) {
    const hidden = hiddenOf(s.component);
    if (hidden.has(s.cause) || faulted.some((f) => hidden.has(f) && namesOf(f).has(s.cause))) correct++;
  }

  const counts = observedDependentCounts(known);
  let exercised = 0;
  let found = 0;
  for (const f of faulted) {
    const k = known.index.get(f);
    if (k === undefined || counts[k] === 0) continue;
    const w = world.index.get(f)!;
    const hit = new Set<number>();
    for (const seg of truth.segments) {
      if (!seg.faults.some((x) => x.id === f)) continue;
      for (let c = 0; c < world.size; c++)
        if (world.observed[c] && seg.status[c] !== UP && seg.known[known.index.get(world.ids[c]!)!] === UP)
          hit.add(c);
    }
    for (const c of hit) {
      const id = world.ids[c]!;
      if (!hiddenOf(id).has(world.ids[w]!)) continue;
      exercised++;
      const names = namesOf(f);
      if (suggestions.some((s) => s.component === id && names.has(s.cause))) found++;
    }
  }
  return { suggested: suggestions.length, correct, exercised, found };
}
