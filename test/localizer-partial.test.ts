import { describe, expect, it } from "vitest";
import { judge } from "../src/replay/judge.js";
import { replay } from "../src/replay/replay.js";
import { parseScenario } from "../src/simulate/scenario-load.js";

function story(yaml: string) {
  const scenario = parseScenario("partial.yaml", yaml);
  const run = replay(scenario);
  return { output: run.output, verdict: judge(scenario, run.truth, run.output) };
}

/**
 * Causes that strike only part of what needs them: the localizer must name them, not each of their victims
 * (bench/world-stories.ts `ramp` is the bench of it).
 */
describe("localizer on partial causes", () => {
  it("renames the victim named first (a SaaS its cause struck alone) after the cause once it strikes all", () => {
    // Seed 5 strikes the SaaS's edge to r and none of u0..u3 at impact 0.5 (scenario.md's partial impact).
    const t = Array.from(
      { length: 10 },
      (_, i) => `  - { id: t${i}, observed: true, requires: [{ id: saas, soft: true }] }`,
    );
    const u = Array.from({ length: 4 }, (_, i) => `  - { id: u${i}, observed: true, requires: [r] }`);
    const { output, verdict } = story(`version: 1
name: victim-first
seed: 5
duration: 2h
interval: 30s
vantages: [probe/a, probe/b, probe/c]
components:
  - { id: r }
  - { id: saas, observed: true, requires: [r] }
${t.join("\n")}
${u.join("\n")}
faults:
  - { component: r, at: 20m, for: 10m, impact: 0.5 }
  - { component: r, at: 30m, for: 30m }
noise: { flip: 0.01 }
expect:
  incidents:
    - { epicenter: r, accept: [saas], within: 15m }
  maxIncidents: 1
`);
    expect(output.incidents).toHaveLength(1);
    const names = output.incidents[0]!.history.map((h) => h.epicenter[0]?.component);
    expect(names[0]).toBe("saas");
    expect(names.at(-1)).toBe("r");
    expect(verdict.reasons).toEqual([]);
  });
});
