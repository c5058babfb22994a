/**
 * Produces a scenario's observation stream exactly as scenario.md "Observations and noise" says: at each
 * check time, for each vantage and each observed component, the truth (or down from a blind vantage), then
 * seeded noise (dropped, then flipped). Deterministic for a seed.
 */
import { DEGRADED, DOWN, UP } from "../model/propagate.js";
import { seededRandom } from "./random.js";
import type { Truth } from "./truth.js";

/** Receives observations in time order: vantage indexes the scenario's vantages, component its components. */
export type ObservationSink = (t: number, vantage: number, component: number, status: number) => void;

const FLIPPED = [DOWN, UP, UP]; // up → down, degraded → up, down → up

export function simulate(truth: Truth, sink: ObservationSink, onProgress?: (t: number) => void): number {
  const { scenario, world } = truth;
  const random = seededRandom(scenario.seed);
  const observed: number[] = [];
  for (let c = 0; c < world.size; c++) if (world.observed[c]) observed.push(c);
  const { missing, flip } = scenario.noise;
  const vantages = scenario.vantages.length;
  let count = 0;
  for (let step = 0; step * scenario.interval < scenario.duration; step++) {
    const t = step * scenario.interval;
    const seg = truth.at(t);
    for (let v = 0; v < vantages; v++) {
      const blind = seg.blindVantages.has(v);
      for (const c of observed) {
        let status = blind ? DOWN : seg.status[c]!;
        if (missing > 0 && random() < missing) continue;
        if (flip > 0 && random() < flip) status = FLIPPED[status]!;
        sink(t, v, c, status);
        count++;
      }
    }
    onProgress?.(t);
  }
  return count;
}

export const STATUS_OF: Record<string, number> = { up: UP, degraded: DEGRADED, down: DOWN };
