/** A scenario as scenario.md defines it, after validation; times in seconds from the start. */
import type { Model, Status } from "../model/model-types.js";

export interface Fault {
  /** 0-based position in the file's `faults` (the partial-impact hash uses it). */
  index: number;
  target: "component" | "vantage";
  id: string;
  at: number;
  /** Exclusive end; the scenario's duration when `for` is absent. */
  end: number;
  state: Exclude<Status, "up">;
  impact: number;
}

export interface ExpectedIncident {
  epicenter: string;
  accept: string[];
  within: number;
  resolveWithin: number;
}

export interface Expectations {
  incidents: ExpectedIncident[];
  maxIncidents?: number;
  quiet: boolean;
}

export interface Scenario {
  file: string;
  name: string;
  description?: string;
  seed: number;
  duration: number;
  interval: number;
  vantages: string[];
  /** The world, hidden edges included; the localizer gets `localizerView(scenario)` instead. */
  model: Model;
  faults: Fault[];
  noise: { missing: number; flip: number };
  expect: Expectations;
  /** A recorded observations file, when the scenario replays one: beside the scenario (absolute once loaded from a file). */
  observations?: string;
}
