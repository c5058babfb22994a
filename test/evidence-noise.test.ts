import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { generateScenario } from "../bench/world-generator.js";
import { Evidence } from "../src/localize/evidence.js";
import { DOWN, UP } from "../src/model/propagate.js";
import { judge } from "../src/replay/judge.js";
import { replay } from "../src/replay/replay.js";
import { seededRandom } from "../src/simulate/random.js";

/** Rounds of checks of `count` components that are all up, each check flipped with chance `flip`. */
function watch(evidence: Evidence, count: number, flip: number, rounds: number, seed: number): void {
  const random = seededRandom(seed);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < count; i++) {
      evidence.predict(i);
      evidence.updateRound(
        i,
        Array.from({ length: 4 }, () => (random() < flip ? DOWN : UP)),
      );
    }
    evidence.adapt();
  }
}

describe("evidence learns how noisy the checks are (evidence.ts)", () => {
  test.prop([fc.double({ min: 0.05, max: 0.2, noNaN: true }), fc.integer({ min: 1, max: 1000 })], {
    numRuns: 20,
  })("assumes about the flip rate the checks show, when it is above the configured one", (flip, seed) => {
    const evidence = new Evidence(200);
    watch(evidence, 200, flip, 100, seed);
    expect(evidence.flipRate).toBeGreaterThan(flip * 0.7);
    expect(evidence.flipRate).toBeLessThan(flip * 1.3);
  });

  test.prop([fc.double({ min: 0, max: 0.03, noNaN: true }), fc.integer({ min: 1, max: 1000 })], {
    numRuns: 20,
  })("never assumes less than the configured rate", (flip, seed) => {
    const evidence = new Evidence(200, { flipRate: 0.03 });
    watch(evidence, 200, flip, 50, seed);
    expect(evidence.flipRate).toBeGreaterThanOrEqual(0.03);
    expect(evidence.flipRate).toBeLessThan(0.035);
  });

  it("does not take outages for noise: every vantage seeing a change at once is not counted", () => {
    // 50 components, each failing and recovering every 10 rounds, seen so by all 4 vantages, no flips.
    const evidence = new Evidence(50);
    for (let r = 0; r < 400; r++) {
      const state = Math.floor(r / 10) % 2 === 0 ? UP : DOWN;
      for (let i = 0; i < 50; i++) {
        evidence.predict(i);
        evidence.updateRound(i, [state, state, state, state]);
      }
      evidence.adapt();
    }
    expect(evidence.flipRate).toBe(0.03);
  });

  it("raises no incident in a quiet world watched through checks that flip 9% of the time", () => {
    // 500 sites, 4 vantages, 3 hours: assuming 3% flips, bursts of flips read as failures of single sites.
    const scenario = generateScenario({
      seed: 2,
      services: 500,
      faults: 0,
      vantages: 4,
      vantageFault: false,
    });
    scenario.duration = 3 * 3600;
    scenario.noise = { flip: 0.09, missing: 0.1 };
    const run = replay(scenario);
    expect(run.output.incidents).toEqual([]);
    expect(judge(scenario, run.truth, run.output).passed).toBe(true);
  });
});
