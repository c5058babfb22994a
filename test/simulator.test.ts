import { describe, expect, it } from "vitest";
import { parseScenario } from "../src/simulate/scenario-load.js";
import { simulate } from "../src/simulate/simulator.js";
import { Truth } from "../src/simulate/truth.js";

const WORLD = `version: 1
name: sim
seed: 42
duration: 10m
interval: 1m
vantages: [probe/a, probe/b]
components:
  - { id: net }
  - { id: site1, observed: true, requires: [net] }
  - { id: site2, observed: true, requires: [{ id: net, soft: true }] }
  - { id: site3, observed: true }
`;

type Row = [number, number, number, number];

function run(text: string): Row[] {
  const truth = new Truth(parseScenario("sim.yaml", text));
  const rows: Row[] = [];
  simulate(truth, (t, v, c, s) => rows.push([t, v, c, s]));
  return rows;
}

describe("simulator", () => {
  it("checks every observed component from every vantage once per interval, in time order", () => {
    const rows = run(WORLD);
    expect(rows).toHaveLength(10 * 2 * 3);
    expect(rows.every((r, i) => i === 0 || r[0] >= rows[i - 1]![0])).toBe(true);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set([0, 60, 120, 180, 240, 300, 360, 420, 480, 540]));
    expect(rows.every((r) => r[3] === 0)).toBe(true);
  });

  it("reports the ground truth during a fault and down from a blind vantage", () => {
    const rows = run(
      `${WORLD}faults:\n  - { component: net, at: 2m, for: 3m }\n  - { vantage: probe/b, at: 8m }\n`,
    );
    // Component indices: net 0, site1 1, site2 2, site3 3.
    const at = (t: number, v: number, c: number) =>
      rows.find((r) => r[0] === t && r[1] === v && r[2] === c)?.[3];
    expect([at(60, 0, 1), at(120, 0, 1), at(240, 0, 1), at(300, 0, 1)]).toEqual([0, 2, 2, 0]);
    expect(at(180, 0, 2)).toBe(1);
    expect(at(480, 1, 3)).toBe(2);
    expect(at(480, 0, 3)).toBe(0);
  });

  it("is deterministic for a seed, and noise follows its rates", () => {
    const noisy = WORLD.replace("duration: 10m", "duration: 2000m").concat(
      "noise: { flip: 0.1, missing: 0.2 }\n",
    );
    const a = run(noisy);
    expect(run(noisy)).toEqual(a);
    expect(run(noisy.replace("seed: 42", "seed: 43"))).not.toEqual(a);
    const total = 2000 * 2 * 3;
    expect(a.length / total).toBeGreaterThan(0.77);
    expect(a.length / total).toBeLessThan(0.83);
    const flipped = a.filter((r) => r[3] !== 0).length / a.length;
    expect(flipped).toBeGreaterThan(0.08);
    expect(flipped).toBeLessThan(0.12);
  });
});
