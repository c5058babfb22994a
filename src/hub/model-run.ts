/**
 * One model as the hub runs it, from one config (re)load to the next: the model, its compiled graph and
 * what-if engine, the localizer's vantages and the live rounds that feed its localizer. Split from the hub
 * (hub.ts), which installs a new run on reload and keeps the incidents across runs. Pure.
 */
import type { IncidentEvent } from "../localize/incident-tracker.js";
import type { SuspectedDependencies } from "../localize/suspected-dependencies.js";
import { compileGraph, type Graph } from "../model/graph.js";
import type { Check } from "../probe/check-types.js";
import { summarizeImpact, WhatIf } from "../whatif/what-if.js";
import { HUB_VANTAGE } from "./heartbeats.js";
import { HubInputError, type WhatIfAnswer } from "./hub-api.js";
import type { HubModel } from "./hub-options.js";
import { defaultRound, LiveRounds } from "./live-rounds.js";

export interface ModelRunOptions {
  /** Round length; default from the checks' intervals (`defaultRound`). */
  roundMs?: number;
  graceMs?: number;
  /** This run's learner of suspected dependencies, fed by its localizer. */
  suspected: SuspectedDependencies;
  /** The localizer's incident events. */
  onEvent: (event: IncidentEvent) => void;
  /** The components in maintenance at a moment, for the localizer (see LiveRoundsOptions.maintenance). */
  maintenance?: (at: number) => ReadonlySet<string>;
}

export class ModelRun {
  readonly model: HubModel;
  readonly graph: Graph;
  /** The localizer's vantages: the model's, and the hub's own when it judges heartbeats. */
  readonly vantages: string[];
  readonly roundMs: number;
  readonly rounds: LiveRounds;
  readonly #whatIf: WhatIf;

  constructor(model: HubModel, options: ModelRunOptions) {
    this.model = model;
    this.graph = compileGraph({ components: model.components }, { includeHidden: false });
    this.#whatIf = new WhatIf(this.graph);
    this.vantages = model.checks.some((c) => c.type === "heartbeat")
      ? [...model.vantages, HUB_VANTAGE]
      : model.vantages;
    this.roundMs = options.roundMs ?? defaultRound(model.checks);
    const graceMs = options.graceMs ?? 2000;
    this.rounds = new LiveRounds(
      { graph: this.graph, vantages: this.vantages },
      {
        roundMs: this.roundMs,
        graceMs,
        // Live checks are spread over the round and answer up to a timeout late: see TrackerOptions
        // changeAfter and tailAfter.
        localizer: {
          tracker: {
            changeAfter: 2,
            tailAfter: tailRounds(model.checks, this.roundMs, graceMs),
            suspected: options.suspected,
          },
        },
        onEvent: options.onEvent,
        ...(options.maintenance ? { maintenance: options.maintenance } : {}),
      },
    );
  }

  /** What fails with `failed` (component ids); throws HubInputError naming an unknown one. */
  whatIf(failed: string[]): WhatIfAnswer {
    const indices = failed.map((id, i) => {
      const c = this.graph.index.get(id);
      if (c === undefined)
        throw new HubInputError("E_UNKNOWN_COMPONENT", `unknown component "${id}"`, `failed[${i}]`);
      return c;
    });
    const summary = summarizeImpact(this.graph, this.#whatIf.run(indices));
    return {
      failed: summary.failed,
      down: summary.down,
      degraded: summary.degraded,
      observedHit: summary.entries.filter((e) => e.observed).map((e) => e.id),
    };
  }
}

/**
 * Rounds a narrower name for a shrinking incident must hold (TrackerOptions.tailAfter): past the round in
 * which the cause recovered, a check started before it may answer with its timeout, and its batch may come
 * within the grace; one round more to see it answer again.
 */
export function tailRounds(checks: ReadonlyArray<Check>, roundMs: number, graceMs: number): number {
  let timeout = 0;
  for (const c of checks) if (c.type !== "heartbeat" && c.timeoutMs > timeout) timeout = c.timeoutMs;
  return Math.max(2, Math.ceil((timeout + graceMs) / roundMs) + 1);
}
