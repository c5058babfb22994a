import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../src/config/scenario-file.js";
import { judge } from "../src/replay/judge.js";
import { replay } from "../src/replay/replay.js";
import { SHARED_SCENARIOS } from "./shared-paths.js";

const files = readdirSync(SHARED_SCENARIOS).filter((f) => f.endsWith(".yaml"));
const EXAMPLES = fileURLToPath(new URL("../examples/scenarios/", import.meta.url));
const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith(".yaml"));

describe("replay of the shared scenarios", () => {
  it.each(files)("%s passes", (file) => {
    const scenario = loadScenarioFile(SHARED_SCENARIOS + file);
    const run = replay(scenario);
    const verdict = judge(scenario, run.truth, run.output);
    expect(verdict.reasons).toEqual([]);
    expect(verdict.passed).toBe(true);
  });

  it.each(examples)("examples/scenarios/%s passes", (file) => {
    const scenario = loadScenarioFile(EXAMPLES + file);
    const run = replay(scenario);
    const verdict = judge(scenario, run.truth, run.output);
    expect(verdict.reasons).toEqual([]);
    expect(verdict.passed).toBe(true);
  });

  it("is deterministic for a seed", () => {
    const scenario = loadScenarioFile(`${SHARED_SCENARIOS}aws-us-east-1-2021-12-07.yaml`);
    expect(replay(scenario).output).toEqual(replay(scenario).output);
  });

  it("produces the spec's output shape: history starts at openedAt, ranked lists with confidences in [0, 1]", () => {
    const scenario = loadScenarioFile(`${SHARED_SCENARIOS}aws-us-east-1-2021-12-07.yaml`);
    const { output } = replay(scenario);
    expect(output.scenario).toBe("aws-us-east-1-2021-12-07");
    expect(output.observations).toBeGreaterThan(100000);
    for (const inc of output.incidents) {
      expect(inc.history[0]?.at).toBe(inc.openedAt);
      expect(inc.history.every((h, i) => i === 0 || h.at >= inc.history[i - 1]!.at)).toBe(true);
      expect(inc.epicenter).toEqual(inc.history.at(-1)?.epicenter);
      for (const h of inc.history)
        for (const r of h.epicenter) {
          expect(r.confidence).toBeGreaterThanOrEqual(0);
          expect(r.confidence).toBeLessThanOrEqual(1);
        }
      if (inc.resolvedAt !== null) expect(inc.resolvedAt).toBeGreaterThanOrEqual(inc.openedAt);
    }
    const network = output.incidents.find(
      (i) => i.epicenter[0]?.component === "aws/us-east-1/internal-network",
    );
    expect(network?.affected).toContain("disneyplus");
    expect(network?.affected).not.toContain("app-on-running-instances");
  });
});
