/** The world `bench:scale` runs: one region, 500 services, 5 vantages; and the workers' reports. */
import type { HubModel } from "../src/hub/hub.js";
import type { Observation } from "../src/model/observation.js";

export const VANTAGES = ["probe/v1", "probe/v2", "probe/v3", "probe/v4", "probe/v5"];
export const SERVICES = 500;

export function benchModel(): HubModel {
  return {
    components: [
      { id: "cloud/r1", kind: "region", observed: false, requires: [] },
      ...Array.from({ length: SERVICES }, (_, i) => ({
        id: `shop/s${i}`,
        kind: "service",
        observed: true,
        requires: [{ type: "hard" as const, id: "cloud/r1", hidden: false }],
      })),
    ],
    vantages: VANTAGES,
    checks: [],
  };
}

/**
 * A batch from `vantage`: one observation per service, stamped with the publication time `at` (so the
 * localizer side can time it). The caller keeps `at` rising per vantage: the store keeps one row per
 * (series, at), and the bus de-duplicates by id.
 */
export function benchBatch(vantage: string, at: number): Observation[] {
  return Array.from({ length: SERVICES }, (_, k) => {
    const check = `shop/s${k}#1`;
    return {
      id: `${vantage}:${check}:${at}`,
      at,
      vantage,
      component: `shop/s${k}`,
      check,
      status: "up" as const,
      latencyMs: 10,
      errorClass: null,
    };
  });
}

export type WorkerReport =
  | { type: "ready" | "leading"; leading: boolean; at: number }
  | { type: "taken"; taken: number; latencies: number[] };
