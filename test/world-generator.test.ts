import { describe, expect, it } from "vitest";
import { mostCommonDependency, score } from "../bench/baselines.js";
import { type GenerateOptions, generateScenario, scenarioToYaml } from "../bench/world-generator.js";
import { itemMembers } from "../src/model/model-types.js";
import { UP } from "../src/model/propagate.js";
import { judge } from "../src/replay/judge.js";
import { replay } from "../src/replay/replay.js";
import { parseScenario } from "../src/simulate/scenario-load.js";
import { Truth } from "../src/simulate/truth.js";

const CASES: GenerateOptions[] = [
  { seed: 1, services: 150, faults: 0 },
  { seed: 2, services: 120, faults: 1 },
  { seed: 3, services: 200, faults: 2, vantageFault: true },
  { seed: 4, services: 300, faults: 3 },
  { seed: 5, services: 100, faults: 3 },
  { seed: 6, services: 250, faults: 1, kinds: ["region"] },
];

describe("world generator", () => {
  it("is deterministic for a seed", () => {
    const options: GenerateOptions = { seed: 42, services: 200, faults: 2 };
    const a = generateScenario(options);
    expect(generateScenario(options)).toEqual(a);
    expect(scenarioToYaml(generateScenario(options))).toBe(scenarioToYaml(a));
    expect(generateScenario({ ...options, seed: 43 })).not.toEqual(a);
  });

  it.each(CASES)("writes a valid scenario that reads back the same (%o)", (options) => {
    const s = generateScenario(options);
    const ids = new Set(s.model.components.map((c) => c.id));
    for (const c of s.model.components)
      for (const item of c.requires) for (const id of itemMembers(item)) expect(ids.has(id)).toBe(true);
    for (const f of s.faults)
      expect(f.target === "vantage" ? s.vantages.includes(f.id) : ids.has(f.id)).toBe(true);
    for (const e of s.expect.incidents)
      for (const id of [e.epicenter, ...e.accept]) expect(ids.has(id)).toBe(true);
    const back = parseScenario(s.file, scenarioToYaml(s));
    expect(back).toEqual(s);
  });

  it.each(CASES)("gives each component fault an expectation and observed victims (%o)", (options) => {
    const s = generateScenario(options);
    const componentFaults = s.faults.filter((f) => f.target === "component");
    expect(componentFaults).toHaveLength(options.faults);
    expect(s.expect.quiet).toBe(options.faults === 0);
    expect(s.expect.incidents.map((e) => e.epicenter)).toEqual(componentFaults.map((f) => f.id));
    if (options.faults > 0) expect(s.expect.maxIncidents).toBe(s.faults.length + 2);
    for (const fault of componentFaults) {
      const truth = new Truth({ ...s, faults: [fault] });
      const seg = truth.at(fault.at);
      const impaired = s.model.components.filter((c, i) => c.observed && seg.status[i] !== UP);
      expect(impaired.length).toBeGreaterThan(0);
    }
    const starts = componentFaults.map((f) => f.at);
    expect(new Set(starts).size).toBe(starts.length);
    for (let i = 1; i < componentFaults.length; i++)
      expect(componentFaults[i]!.at).toBeLessThan(componentFaults[i - 1]!.end);
  });

  it("accepts a region and its network for each other", () => {
    const s = generateScenario({ seed: 6, services: 250, faults: 1, kinds: ["region"] });
    const [e] = s.expect.incidents;
    expect(e?.accept).toContain(`${e?.epicenter}/network`);
  });
});

describe("baselines", () => {
  const s = generateScenario({ seed: 9, services: 150, faults: 2, vantageFault: false });

  it.each([
    ["most common dependency", mostCommonDependency],
    ["SCORE", (view: Parameters<typeof score>[0]) => score(view)],
  ] as const)("%s runs through replay and opens incidents", (_name, createSource) => {
    const run = replay(s, { createSource });
    expect(run.output.observations).toBeGreaterThan(0);
    expect(run.output.incidents.length).toBeGreaterThan(0);
    for (const inc of run.output.incidents) {
      expect(inc.history[0]?.at).toBe(inc.openedAt);
      for (const r of inc.epicenter) expect(r.confidence).toBeGreaterThan(0);
    }
    const verdict = judge(s, run.truth, run.output);
    expect(verdict.expected).toHaveLength(2);
  });
});
