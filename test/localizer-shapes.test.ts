import { describe, expect, it } from "vitest";
import { generateScenario } from "../bench/world-generator.js";
import { generateStory, type StoryShape } from "../bench/world-stories.js";
import { judge } from "../src/replay/judge.js";
import { replay } from "../src/replay/replay.js";

/**
 * Stories of the harder corpus that the localizer once got wrong, one per shape of issue 12: each failed
 * before the change that fixed its shape, for the reason in its title.
 */
const STORIES: [string, StoryShape, number, number][] = [
  [
    "a tie chosen at onset keeps its fault as a new, unrelated fault starts (noisy old story)",
    "noisy",
    100,
    110003,
  ],
  [
    "a long partial tail keeps its cause named (not renamed after the service still failing)",
    "step-down",
    100,
    110076,
  ],
  [
    "a common cause outside the model raises one incident, blaming no cloud service",
    "negative-control",
    100,
    110050,
  ],
  ["a common cause outside the model with a blind vantage beside it", "negative-control", 300, 110055],
  [
    "a common cause outside the model whose members settle after the explanation does",
    "negative-control",
    100,
    110051,
  ],
  [
    "a common cause outside the model watched through flaky checks (members must not split off)",
    "negative-control",
    2000,
    110065,
  ],
  ["a cause ending as another starts resolves; the new one gets its own incident", "handover", 2000, 110116],
  [
    "a cause whose impact steps down to a fresh few dependents keeps its incident (no incident per dependent)",
    "step-down",
    2000,
    110092,
  ],
  [
    "2,000 sites through 4 flaky vantages: a site looking down for two rounds raises nothing",
    "step-down",
    2000,
    110094,
  ],
  [
    "a DNS fault ends while sites it covered stay down through an earlier cause: it resolves in time",
    "noisy",
    4000,
    110022,
  ],
  [
    "a cause still failing keeps its incident when a larger cause starts over its dependents",
    "handover",
    1000,
    110110,
  ],
];

describe("localizer on real-shaped outages (bench/world-stories.ts)", () => {
  // Stories of 2,000 and 4,000 sites replay for tens of seconds on a loaded machine.
  it.each(STORIES)(
    "%s",
    (_title, shape, services, seed) => {
      const scenario = generateStory({ shape, services, seed });
      const run = replay(scenario);
      const verdict = judge(scenario, run.truth, run.output);
      expect(verdict.reasons).toEqual([]);
      expect(verdict.passed).toBe(true);
    },
    300_000,
  );

  it("names no cloud, region or cloud service for the negative control, and the failing sites themselves", () => {
    const scenario = generateStory({ shape: "negative-control", services: 300, seed: 110056 });
    const { output } = replay(scenario);
    expect(output.incidents.length).toBeGreaterThan(0);
    const kinds = new Map(scenario.model.components.map((c) => [c.id, c.kind]));
    const named = output.incidents
      .filter((i) => !i.epicenter.some((r) => r.component.startsWith("probe/")))
      .flatMap((i) => i.history.flatMap((h) => h.epicenter.map((r) => r.component)));
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named.map((c) => kinds.get(c)))).toEqual(new Set(["service"]));
  });
});

describe("localizer on the old corpus (bench/world-generator.ts)", () => {
  it.each([
    [
      "three concurrent faults: a CDN's incident keeps its name as a network fault starts over it",
      100,
      1013,
      3,
    ],
    ["a region tie does not split into two faults as a partial SaaS fault starts", 3000, 1164, 3],
  ] as const)("%s", (_title, services, seed, faults) => {
    const scenario = generateScenario({ seed, services, faults });
    const run = replay(scenario);
    const verdict = judge(scenario, run.truth, run.output);
    expect(verdict.reasons).toEqual([]);
  });
});
