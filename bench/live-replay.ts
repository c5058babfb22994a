/**
 * The replay beside a live-truth record: the same faults (targets, onsets and ends relative to the run) told as
 * a scenario in the demo's model, with every observed component checked from every demo vantage once per
 * interval and no noise, run through the replay engine (src/replay/replay.ts) with the hub's localizer
 * settings, and its incidents turned into the lines the live judge reads. What the live figures add on top
 * of these is the live path's own: real probes and their timeouts, DNS, TLS, the bus, the store, the rounds'
 * grace.
 */

import {
  type ChaosSpan,
  type IncidentLine,
  judgeLiveTruth,
  type LiveTruthVerdict,
} from "../src/demo/live-truth-judge.js";
import type { IncidentEvent } from "../src/localize/incident-tracker.js";
import { Localizer, type LocalizerView } from "../src/localize/localizer.js";
import { compileGraph } from "../src/model/graph.js";
import { type IncidentSource, replay } from "../src/replay/replay.js";
import type { Fault, Scenario } from "../src/simulate/scenario-types.js";
import type { LiveTruthRecord } from "./live-truth-run.js";

export interface LiveReplay {
  scenario: Scenario;
  /** Wall-clock ms of the scenario's time 0: the record's start, down to a round boundary. */
  origin: number;
  lines: IncidentLine[];
  verdict: LiveTruthVerdict;
}

/** The record's faults as a scenario (times in seconds from `origin`). */
export function scenarioOf(record: LiveTruthRecord, origin: number, seed = 1): Scenario {
  const seconds = (ms: number) => (ms - origin) / 1000;
  const vantages = new Set(record.vantages);
  const faults = record.chaos.map(
    (s: ChaosSpan, index): Fault => ({
      index,
      target: s.kind === "vantage" || vantages.has(s.target) ? "vantage" : "component",
      id: s.target,
      at: seconds(s.start),
      end: seconds(s.end ?? record.endedAt),
      state: "down",
      impact: 1,
    }),
  );
  return {
    file: "",
    name: "live-bench",
    seed,
    duration: seconds(record.endedAt),
    interval: record.roundMs / 1000,
    vantages: [...record.vantages],
    model: { components: record.components },
    faults,
    noise: { missing: 0, flip: 0 },
    expect: { incidents: [], quiet: false },
  };
}

/**
 * The localizer as replay runs it, telling each incident event with the time of the round it came from:
 * the localizer evaluates a round when the next one's first observation arrives (or at the end).
 */
class TimedLocalizer implements IncidentSource {
  readonly #localizer: Localizer;
  #t = Number.NEGATIVE_INFINITY;
  #evaluating = Number.NEGATIVE_INFINITY;

  constructor(view: LocalizerView, onEvent: (event: IncidentEvent, at: number) => void) {
    this.#localizer = new Localizer(view, {
      // The hub's setting (src/hub/model-run.ts), so only the path differs, not the localizer.
      tracker: { changeAfter: 2 },
      onEvent: (event) => onEvent(event, this.#evaluating),
    });
  }

  observe(t: number, vantage: number, component: number, status: number): void {
    if (t > this.#t) {
      this.#evaluating = this.#t;
      this.#t = t;
    }
    this.#localizer.observe(t, vantage, component, status);
  }

  finish(): void {
    this.#evaluating = this.#t;
    this.#localizer.finish();
  }

  get incidents() {
    return this.#localizer.incidents;
  }
}

/** Replays the record's faults and judges the replayed incidents against the same chaos as the live lines. */
export function replayRecord(record: LiveTruthRecord): LiveReplay {
  const origin = Math.floor(record.startedAt / record.roundMs) * record.roundMs;
  const scenario = scenarioOf(record, origin);
  const lines: IncidentLine[] = [];
  const toMs = (t: number) => origin + Math.round(t * 1000);
  replay(scenario, {
    createSource: (view) =>
      new TimedLocalizer(view, (event, t) => {
        const at = toMs(t);
        const inc = event.incident;
        lines.push({
          type: event.type,
          at,
          round: at,
          incident: inc.id,
          epicenter: inc.epicenter[0]?.component ?? null,
          affected: [...inc.affected],
          text: `${event.type} ${inc.id}: ${inc.epicenter[0]?.component ?? "nothing"}`,
        });
      }),
  });
  const verdict = judgeLiveTruth({
    chaos: record.chaos,
    lines,
    graph: compileGraph({ components: record.components }, { includeHidden: false }),
    vantages: record.vantages,
    roundMs: record.roundMs,
    // A simulated check reports the truth of its own moment: nothing arrives late.
    lagMs: 0,
    endedAt: record.endedAt,
  });
  return { scenario, origin, lines, verdict };
}
