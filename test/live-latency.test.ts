/**
 * bench:live's statistics on hand-made verdicts: percentiles by nearest rank, the per-kind rows (held faults
 * left out, wrong lines counted by their incident's fault), and issue 14's goal with unnamed faults counted
 * as never detected.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  type FaultDelay,
  faultDelays,
  goalBound,
  goalVerdict,
  latencyByKind,
  spread,
} from "../bench/live-latency.js";
import type { ChaosKind } from "../src/demo/demo-chaos.js";
import type { ChaosOutcome, LineVerdict, LiveTruthVerdict } from "../src/demo/live-truth-judge.js";

function outcome(
  kind: ChaosKind,
  detectedAfterMs: number | null,
  resolvedAfterMs: number | null,
  ended = true,
): ChaosOutcome {
  return {
    span: { target: `x/${kind}`, kind, start: 0, end: ended ? 10_000 : null },
    equivalent: [`x/${kind}`],
    blast: [],
    incidents: [],
    detectedAfterMs,
    resolvedAfterMs,
  };
}

function lineVerdict(cause: number | null, right: boolean, round = 0, names = true): LineVerdict {
  return {
    line: {
      type: names ? "opened" : "resolved",
      at: round + 3000,
      round,
      incident: "i",
      epicenter: null,
      affected: [],
    },
    right,
    rules: right ? [] : ["names-inactive"],
    reasons: right ? [] : ["hand-made"],
    cause,
    reopen: false,
    names,
  };
}

// Three regions (one never resolved), a DNS provider never named, a blind vantage still held at the end.
const verdict: LiveTruthVerdict = {
  chaos: [
    outcome("region", 7000, 8000),
    outcome("region", 6000, 10_000),
    outcome("dns", null, null),
    outcome("region", 9000, null),
    outcome("vantage", 4000, null, false),
  ],
  lines: [
    // Region 0: a line that names nothing comes first; region 1: a wrong name, then a right one.
    lineVerdict(0, true, -1000, false),
    lineVerdict(0, true, 4000),
    lineVerdict(1, false, 0),
    lineVerdict(1, true, 2000),
    lineVerdict(null, false),
    lineVerdict(3, true, 8000),
  ],
  lingering: [],
};

describe("spread", () => {
  it("takes percentiles by nearest rank", () => {
    expect(spread([])).toBeNull();
    expect(spread([5])).toEqual({ n: 1, p50: 5, p95: 5, max: 5 });
    const twenty = Array.from({ length: 20 }, (_, i) => 20 - i);
    // Rank ceil(0.5·20) = 10 and ceil(0.95·20) = 19, whatever the input order.
    expect(spread(twenty)).toEqual({ n: 20, p50: 10, p95: 19, max: 20 });
    expect(spread([3, 1, 2, 100])).toEqual({ n: 4, p50: 2, p95: 100, max: 100 });
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 1, maxLength: 50 })])(
    "p50 ≤ p95 ≤ max, each one of the values",
    (xs) => {
      const s = spread(xs)!;
      expect(s.p50).toBeLessThanOrEqual(s.p95);
      expect(s.p95).toBeLessThanOrEqual(s.max);
      expect(xs).toContain(s.p50);
      expect(xs).toContain(s.p95);
      expect(s.n).toBe(xs.length);
    },
  );
});

describe("latencyByKind", () => {
  const table = latencyByKind(verdict);

  it("gives each kind present a row, in the table's order", () => {
    expect(table.kinds.map((k) => k.kind)).toEqual(["region", "dns", "vantage"]);
  });

  it("measures only the faults that ended, and counts the held ones apart", () => {
    const region = table.kinds[0]!;
    expect(region.faults).toBe(3);
    expect(region.unnamed).toBe(0);
    expect(region.detect).toEqual({ n: 3, p50: 7000, p95: 9000, max: 9000 });
    expect(region.resolve).toEqual({ n: 2, p50: 8000, p95: 10_000, max: 10_000 });
    // From the first right line that names, by the round it reports.
    expect(region.detectRound).toEqual({ n: 3, p50: 4000, p95: 8000, max: 8000 });
    const vantage = table.kinds[2]!;
    expect(vantage.faults).toBe(0);
    expect(vantage.detect).toBeNull();
    expect(table.held).toBe(1);
  });

  it("counts an unnamed fault, and wrong lines by the fault their incident belongs to", () => {
    const dns = table.kinds[1]!;
    expect(dns).toMatchObject({
      faults: 1,
      unnamed: 1,
      detect: null,
      resolve: null,
      detectRound: null,
      wrong: 0,
    });
    expect(table.kinds[0]!.wrong).toBe(1);
    expect(table.wrongOutside).toBe(1);
  });

  test.prop([
    fc.array(
      fc.record({
        kind: fc.constantFrom<ChaosKind>("region", "cloud-service", "cdn", "dns", "vantage"),
        detected: fc.option(fc.integer({ min: 0, max: 30_000 })),
        resolved: fc.option(fc.integer({ min: 0, max: 30_000 })),
        ended: fc.boolean(),
      }),
      { maxLength: 30 },
    ),
  ])("the rows' faults add up to the faults that ended", (faults) => {
    const v: LiveTruthVerdict = {
      chaos: faults.map((f) => outcome(f.kind, f.detected, f.resolved, f.ended)),
      lines: [],
      lingering: [],
    };
    const t = latencyByKind(v);
    const ended = faults.filter((f) => f.ended);
    expect(t.kinds.reduce((n, k) => n + k.faults, 0)).toBe(ended.length);
    expect(t.held).toBe(faults.length - ended.length);
    for (const k of t.kinds)
      expect(k.unnamed + (k.detect?.n ?? 0), k.kind).toBe(ended.filter((f) => f.kind === k.kind).length);
  });
});

describe("the goal", () => {
  it("is two intervals plus one timeout", () => {
    expect(goalBound(2000, 3000)).toBe(7000);
  });

  it("compares the kind's p95 with the bound, inclusive", () => {
    const delays = faultDelays(verdict);
    expect(goalVerdict(delays, "region", 9000)).toEqual({
      kind: "region",
      met: true,
      p95Ms: 9000,
      boundMs: 9000,
    });
    expect(goalVerdict(delays, "region", 7000).met).toBe(false);
  });

  it("counts an unnamed fault as never detected", () => {
    expect(goalVerdict(faultDelays(verdict), "dns", 7000)).toMatchObject({
      met: false,
      p95Ms: Number.POSITIVE_INFINITY,
    });
    // One unnamed in twenty is above the 95th percentile's rank; two are not.
    const quick: FaultDelay = {
      kind: "cdn",
      detectedAfterMs: 5000,
      resolvedAfterMs: 8000,
      namedRoundAfterMs: 1000,
    };
    const never: FaultDelay = {
      kind: "cdn",
      detectedAfterMs: null,
      resolvedAfterMs: null,
      namedRoundAfterMs: null,
    };
    const nineteen = Array.from({ length: 19 }, () => quick);
    expect(goalVerdict([...nineteen, never], "cdn", 7000)).toMatchObject({ met: true, p95Ms: 5000 });
    expect(goalVerdict([...nineteen.slice(1), never, never], "cdn", 7000).met).toBe(false);
  });

  it("is missed by a kind with no measured fault", () => {
    expect(goalVerdict(faultDelays(verdict), "vantage", 7000).met).toBe(false);
  });
});
