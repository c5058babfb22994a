/** The accuracy bench's scenario list and the messages between it and its workers. */
import type { ReplayMetrics } from "./accuracy-metrics.js";

export type MethodName = "epicenter" | "most-common-dependency" | "score";

/** Run order inside a worker: baselines first. */
export const METHODS: readonly MethodName[] = ["most-common-dependency", "score", "epicenter"];

export interface ScenarioConfig {
  index: number;
  seed: number;
  services: number;
  faults: 0 | 1 | 2 | 3;
  methods: MethodName[];
}

export type WorkerMessage =
  | {
      type: "result";
      index: number;
      method: MethodName;
      seconds: number;
      observations: number;
      metrics: ReplayMetrics;
    }
  | { type: "done"; index: number };

const SIZES = [100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000];
/** Per size: 4 quiet (20%), 6 with one fault, 6 with two, 4 with three. */
const FAULT_MIX: readonly (0 | 1 | 2 | 3)[] = [0, 1, 2, 1, 3, 0, 2, 1, 3, 2, 0, 1, 2, 3, 1, 0, 2, 1, 3, 2];

/** Positions of FAULT_MIX the quick subset keeps: one quiet, one, two and three faults per size. */
const QUICK = new Set([0, 1, 2, 4]);

/** The fixed list: 200 scenarios; `quick` keeps 40 of them (4 per size). */
export function scenarioConfigs(baseSeed: number, quick: boolean): ScenarioConfig[] {
  const out: ScenarioConfig[] = [];
  let index = 0;
  for (const services of SIZES)
    FAULT_MIX.forEach((faults, position) => {
      if (!quick || QUICK.has(position))
        out.push({ index, seed: baseSeed * 1000 + index, services, faults, methods: [...METHODS] });
      index++;
    });
  return out;
}
