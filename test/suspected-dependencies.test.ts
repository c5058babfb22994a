import { describe, expect, it } from "vitest";
import { measureSuspected } from "../bench/suspected-metrics.js";
import { generateStory } from "../bench/world-stories.js";
import { IncidentTracker } from "../src/localize/incident-tracker.js";
import { SuspectedDependencies } from "../src/localize/suspected-dependencies.js";
import { replay } from "../src/replay/replay.js";

describe("suspected dependencies", () => {
  it("scores a pair by aligned onsets and recoveries across incidents", () => {
    const s = new SuspectedDependencies(3);
    // Incident 1: x fails with the cause and recovers with it.
    s.seen("inc-1", "aws/us-east-1", ["x"], 100, 1);
    s.seen("inc-1", "aws/us-east-1", ["x"], 130, 2);
    s.causeSeen("inc-1", "aws/us-east-1", 3);
    s.resolved("inc-1");
    expect(s.list()).toEqual([
      {
        component: "x",
        cause: "aws/us-east-1",
        incidents: ["inc-1"],
        onsets: 1,
        recoveries: 1,
        score: 0.75,
        firstSeen: 100,
        lastSeen: 130,
      },
    ]);
    // Incident 2: it fails with the cause again but stays down long after the cause recovered.
    s.seen("inc-2", "aws/us-east-1", ["x"], 1000, 10);
    s.causeSeen("inc-2", "aws/us-east-1", 30);
    s.resolved("inc-2");
    const [pair] = s.list();
    expect(pair?.incidents).toEqual(["inc-1", "inc-2"]);
    expect([pair?.onsets, pair?.recoveries, pair?.score]).toEqual([2, 1, 0.875]);
  });

  it("lists an open incident's evidence without counting a recovery yet, and never the cause itself", () => {
    const s = new SuspectedDependencies();
    s.seen("inc-1", "cdn", ["cdn", "y"], 10, 1);
    expect(s.list().map((p) => [p.component, p.cause, p.recoveries, p.score])).toEqual([
      ["y", "cdn", 0, 0.5],
    ]);
  });

  it("records a lone component absorbed by a larger cause it began with as suspected on that incident", () => {
    const t = new IncidentTracker({ coOnset: 2 });
    const big = {
      ranked: [{ component: "net", confidence: 0.9 }],
      affected: ["a", "b", "c"],
      vantage: false,
    };
    const lone = { ranked: [{ component: "z", confidence: 0.9 }], affected: ["z"], vantage: false };
    for (let i = 0; i < 4; i++) t.observe(i * 30, [big, lone]);
    for (let i = 4; i < 8; i++) t.observe(i * 30, []);
    expect(t.incidents[0]?.suspected).toEqual(["z"]);
    expect(t.suspected.list().map((p) => [p.component, p.cause, p.onsets, p.recoveries])).toEqual([
      ["z", "net", 1, 1],
    ]);
  });

  it("learns the hidden edges of a story that an outage exercised, and suggests nothing else", () => {
    // selfhosted/dc1/compute fails at impact 0.94: six sites depend on it through edges the model lacks, and
    // the spec's hash spares one of those edges, so five sites fail with it through a hidden edge.
    const scenario = generateStory({ shape: "hidden-onset", services: 300, seed: 110030 });
    const run = replay(scenario);
    const m = measureSuspected(scenario, run.truth, run.suspected);
    expect(m.exercised).toBe(5);
    expect(m).toEqual({ suggested: 5, correct: 5, exercised: 5, found: 5 });
    expect(new Set(run.suspected.map((p) => p.cause))).toEqual(new Set(["selfhosted/dc1/compute"]));
  });
});
