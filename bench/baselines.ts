/**
 * Two baseline localizers the accuracy bench measures Epicenter against. Both share one front end with the
 * real localizer as far as is fair: a round closes when time advances; an observed component is failing in a
 * round when most vantages that reported it said down or degraded; per-round causes go through the same
 * IncidentTracker. They differ only in how failing components become causes:
 *
 * - most common dependency: the one component (the failing components themselves included) that the most
 *   failing observed components depend on, transitively, in the known model; confidence = share covered.
 * - SCORE (Kompella et al., "IP Fault Localization via Risk Modeling", NSDI 2005): each component is a shared
 *   risk group, the observed components depending on it; greedy set cover of the failing ones, at each step
 *   the group covering the most still-unexplained failures among groups whose hit ratio
 *   (|failing ∩ group| / |group|) reaches the threshold, one cause per group, confidence = hit ratio.
 */

import { type Cause, type Incident, IncidentTracker } from "../src/localize/incident-tracker.js";
import type { LocalizerView } from "../src/localize/localizer.js";
import type { Graph } from "../src/model/graph.js";
import type { IncidentSource } from "../src/replay/replay.js";
import { observedAncestors } from "./graph-walk.js";

/** Turns the failing observed components of a round (graph indices) into causes. */
type Explain = (failing: number[]) => Cause[];

/** The shared front end: rounds, majority vote per component, the IncidentTracker. */
class RoundSource implements IncidentSource {
  readonly #tracker = new IncidentTracker();
  readonly #observedAt: Int32Array;
  readonly #observed: number[];
  readonly #reports: Int32Array;
  readonly #bad: Int32Array;
  readonly #explain: Explain;
  #roundAt = Number.NEGATIVE_INFINITY;
  #hasData = false;
  #signature = "";
  #causes: Cause[] = [];

  constructor(g: Graph, observed: number[], explain: Explain) {
    this.#observed = observed;
    this.#observedAt = new Int32Array(g.size).fill(-1);
    observed.forEach((c, i) => {
      this.#observedAt[c] = i;
    });
    this.#reports = new Int32Array(observed.length);
    this.#bad = new Int32Array(observed.length);
    this.#explain = explain;
  }

  get incidents(): Incident[] {
    return this.#tracker.incidents;
  }

  observe(t: number, _vantage: number, component: number, status: number): void {
    if (t > this.#roundAt) {
      if (this.#hasData) this.#evaluate(this.#roundAt);
      this.#roundAt = t;
    }
    const i = this.#observedAt[component]!;
    if (i < 0) return;
    this.#reports[i]!++;
    if (status !== 0) this.#bad[i]!++;
    this.#hasData = true;
  }

  finish(): void {
    if (this.#hasData) this.#evaluate(this.#roundAt);
  }

  #evaluate(at: number): void {
    this.#hasData = false;
    const failing: number[] = [];
    let signature = "";
    for (let i = 0; i < this.#observed.length; i++) {
      if (this.#bad[i]! * 2 > this.#reports[i]!) {
        failing.push(this.#observed[i]!);
        signature += `${i},`;
      }
    }
    this.#reports.fill(0);
    this.#bad.fill(0);
    if (signature !== this.#signature) {
      this.#signature = signature;
      this.#causes = failing.length > 0 ? this.#explain(failing) : [];
    }
    this.#tracker.observe(at, this.#causes);
  }
}

/** Shared-risk groups: for every component, how many observed components depend on it; and each one's ancestors. */
interface Groups {
  g: Graph;
  observed: number[];
  /** ancestors[c]: ancestors-or-self of observed component c, by graph index. */
  ancestors: (number[] | undefined)[];
  size: Int32Array;
}

function groupsOf(g: Graph): Groups {
  const { observed, ancestors: lists } = observedAncestors(g);
  const ancestors: (number[] | undefined)[] = new Array(g.size);
  const size = new Int32Array(g.size);
  observed.forEach((c, i) => {
    ancestors[c] = lists[i]!;
    for (const a of lists[i]!) size[a]!++;
  });
  return { g, observed, ancestors, size };
}

export function mostCommonDependency(view: LocalizerView): IncidentSource {
  const groups = groupsOf(view.graph);
  const { g, ancestors, size } = groups;
  const count = new Int32Array(g.size);
  return new RoundSource(g, groups.observed, (failing) => {
    const touched: number[] = [];
    for (const f of failing) for (const a of ancestors[f]!) if (count[a]!++ === 0) touched.push(a);
    // Most failing covered; ties to the most specific group (fewest observed dependents), then the id.
    let best = -1;
    for (const a of touched)
      if (
        best < 0 ||
        count[a]! > count[best]! ||
        (count[a] === count[best] && (size[a]! < size[best]! || (size[a] === size[best] && a < best)))
      )
        best = a;
    const covered = count[best]!;
    for (const a of touched) count[a] = 0;
    const affected = failing.filter((f) => ancestors[f]!.includes(best)).map((f) => g.ids[f]!);
    return [
      {
        ranked: [{ component: g.ids[best]!, confidence: round(covered / failing.length) }],
        affected: affected.sort(),
        vantage: false,
      },
    ];
  });
}

export interface ScoreOptions {
  /** Groups whose hit ratio is below this are not picked (the paper's error threshold). */
  threshold: number;
}

export function score(view: LocalizerView, options: Partial<ScoreOptions> = {}): IncidentSource {
  const threshold = options.threshold ?? 0.6;
  const groups = groupsOf(view.graph);
  const { g, ancestors, size } = groups;
  const hits = new Int32Array(g.size);
  const open = new Int32Array(g.size);
  return new RoundSource(g, groups.observed, (failing) => {
    const touched: number[] = [];
    for (const f of failing)
      for (const a of ancestors[f]!) {
        if (hits[a]!++ === 0) touched.push(a);
        open[a]!++;
      }
    const eligible = touched.filter((a) => hits[a]! >= threshold * size[a]!);
    const unexplained = new Set(failing);
    const causes: Cause[] = [];
    while (unexplained.size > 0) {
      // Most unexplained failures covered; ties to the higher hit ratio, then the smaller group, then the id.
      let best = -1;
      for (const a of eligible) {
        if (open[a] === 0) continue;
        if (best < 0 || open[a]! > open[best]!) best = a;
        else if (open[a] === open[best]) {
          const d = hits[a]! * size[best]! - hits[best]! * size[a]!;
          if (d > 0 || (d === 0 && (size[a]! < size[best]! || (size[a] === size[best] && a < best))))
            best = a;
        }
      }
      if (best < 0) break; // cannot happen: a failing component's own group has hit ratio 1
      const affected: string[] = [];
      for (const f of [...unexplained]) {
        if (!ancestors[f]!.includes(best)) continue;
        unexplained.delete(f);
        affected.push(g.ids[f]!);
        for (const a of ancestors[f]!) open[a]!--;
      }
      causes.push({
        ranked: [{ component: g.ids[best]!, confidence: round(hits[best]! / size[best]!) }],
        affected: affected.sort(),
        vantage: false,
      });
    }
    for (const a of touched) {
      hits[a] = 0;
      open[a] = 0;
    }
    return causes;
  });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
