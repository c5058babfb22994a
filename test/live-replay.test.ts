/**
 * bench:live's replay column: a live-truth record's faults told as a scenario in the demo's model and run
 * through the replay engine, its incidents judged by the live judge on the record's own clock.
 */
import { describe, expect, it } from "vitest";
import { replayRecord, scenarioOf } from "../bench/live-replay.js";
import type { LiveTruthRecord } from "../bench/live-truth-run.js";
import { type ChaosKind, chaosTargets } from "../src/demo/demo-chaos.js";
import { DEMO_VANTAGES, demoComponents } from "../src/demo/demo-model.js";
import type { ChaosSpan } from "../src/demo/live-truth-judge.js";

const R = 2000;
const components = demoComponents();
const vantages = DEMO_VANTAGES.map((v) => v.id);
const targets = chaosTargets(components, vantages);
const startedAt = 1_800_000_000_000 + 700;

/** One fault of each kind, 12 s each with 14 s gaps, starting at awkward offsets from the rounds. */
function record(): LiveTruthRecord {
  const kinds: ChaosKind[] = ["region", "cloud-service", "cdn", "dns", "vantage"];
  const chaos: ChaosSpan[] = kinds.map((kind, i) => {
    const start = startedAt + 6300 + i * 26_000;
    return { target: targets.find((t) => t.kind === kind)!.id, kind, start, end: start + 12_000 };
  });
  return {
    chaos,
    lines: [],
    states: [],
    log: [],
    components,
    vantages,
    roundMs: R,
    lagMs: 3000,
    startedAt,
    endedAt: chaos.at(-1)!.end! + 20_000,
  };
}

describe("replayRecord", () => {
  it("tells the record's faults as a scenario from a round boundary", () => {
    const r = record();
    const origin = startedAt - 700;
    const s = scenarioOf(r, origin);
    expect(s.interval).toBe(2);
    expect(s.vantages).toEqual(vantages);
    expect(s.faults.map((f) => [f.target, f.id, f.at, f.end])).toEqual(
      r.chaos.map((c) => [
        c.kind === "vantage" ? "vantage" : "component",
        c.target,
        (c.start - origin) / 1000,
        (c.end! - origin) / 1000,
      ]),
    );
    expect(s.duration).toBe((r.endedAt - origin) / 1000);
  });

  it("names every fault on the rounds' grid, every line right", () => {
    const r = record();
    const { origin, lines, verdict } = replayRecord(r);
    expect(origin % R).toBe(0);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect((l.at - origin) % R, l.text).toBe(0);
    expect(verdict.lines.filter((v) => !v.right).map((v) => `${v.line.text}: ${v.reasons}`)).toEqual([]);
    // Each fault is seen by the first check at or after its onset and opens after `openAfter` (2) rounds,
    // so the line holds the round after that first check; it resolves after `resolveAfter` (3) rounds up.
    const next = (t: number) => Math.ceil((t - origin) / R) * R + origin;
    for (const c of verdict.chaos) {
      const { start, end } = c.span;
      expect(c.detectedAfterMs, c.span.target).toBe(next(start) + R - start);
      expect(c.resolvedAfterMs, c.span.target).toBe(next(end!) + 2 * R - end!);
    }
  });
});
