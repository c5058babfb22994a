/**
 * `epicenter replay`: runs a scenario's observations (simulated or recorded) through the real localizer in
 * simulated time, and returns the spec's replay output.
 */

import type { Incident, IncidentEvent } from "../localize/incident-tracker.js";
import { Localizer, type LocalizerOptions, type LocalizerView } from "../localize/localizer.js";
import type { SuspectedDependency } from "../localize/suspected-dependencies.js";
import { compileGraph } from "../model/graph.js";
import { readRecorded } from "../simulate/recorded.js";
import type { Scenario } from "../simulate/scenario-types.js";
import { simulate } from "../simulate/simulator.js";
import { Truth } from "../simulate/truth.js";

export interface ReplayIncident {
  id: string;
  openedAt: number;
  resolvedAt: number | null;
  epicenter: { component: string; confidence: number }[];
  affected: string[];
  history: { at: number; epicenter: { component: string; confidence: number }[] }[];
}

export interface ReplayOutput {
  scenario: string;
  observations: number;
  incidents: ReplayIncident[];
}

export interface ReplayRun {
  output: ReplayOutput;
  truth: Truth;
  /** When the first impaired observation arrived (seconds), for the timeline. */
  firstSymptomAt: number | null;
  /** What the replay taught about dependencies the model lacks (not part of the spec's output). */
  suspected: SuspectedDependency[];
}

/** What the localizer may know of a scenario: the model without hidden edges, and the vantages. */
export function localizerView(scenario: Scenario): LocalizerView {
  return { graph: compileGraph(scenario.model, { includeHidden: false }), vantages: [...scenario.vantages] };
}

/** Anything that turns observations into incidents: the localizer, or a baseline in the benches. */
export interface IncidentSource {
  observe(t: number, vantage: number, component: number, status: number): void;
  finish(): void;
  readonly incidents: Incident[];
  /** Dependencies the model probably lacks, when the source learns them (the localizer does). */
  suspectedDependencies?(): SuspectedDependency[];
}

export interface ReplayOptions {
  localizer?: Partial<LocalizerOptions>;
  /** Replaces the localizer (benches compare baselines through the same replay). */
  createSource?: (view: LocalizerView) => IncidentSource;
  onProgress?: (t: number, duration: number) => void;
  onEvent?: (event: IncidentEvent) => void;
}

export function replay(scenario: Scenario, options: ReplayOptions = {}): ReplayRun {
  const truth = new Truth(scenario);
  const view = localizerView(scenario);
  const localizer: IncidentSource = options.createSource
    ? options.createSource(view)
    : new Localizer(view, { ...options.localizer, ...(options.onEvent ? { onEvent: options.onEvent } : {}) });
  let firstSymptomAt: number | null = null;
  const sink = (t: number, v: number, c: number, s: number) => {
    if (s !== 0 && firstSymptomAt === null) firstSymptomAt = t;
    localizer.observe(t, v, c, s);
  };
  const progress = options.onProgress ? (t: number) => options.onProgress?.(t, scenario.duration) : undefined;
  const count = scenario.observations
    ? readRecorded(scenario, scenario.observations, sink)
    : simulate(truth, sink, progress);
  localizer.finish();
  return {
    output: { scenario: scenario.name, observations: count, incidents: localizer.incidents.map(toOutput) },
    truth,
    firstSymptomAt,
    suspected: localizer.suspectedDependencies?.() ?? [],
  };
}

function toOutput(incident: Incident): ReplayIncident {
  return {
    id: incident.id,
    openedAt: incident.openedAt,
    resolvedAt: incident.resolvedAt,
    epicenter: incident.epicenter,
    affected: incident.affected,
    history: incident.history,
  };
}
