import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { weighCoOnset } from "../src/localize/co-onset.js";
import type { ExplainedFault } from "../src/localize/explain-types.js";

/** A fault on `component` explaining `explains`, with what it adds to the explanation's cost. */
function fault(component: number, explains: number[], cost: number): ExplainedFault {
  return { component, explains, cost, ranked: [{ component, state: 2, confidence: 1, cost }] };
}

const GAIN = 9;

describe("co-onset weighing", () => {
  it("sets aside a small shared fault whose symptoms began with a large cause: they are its hidden dependents", () => {
    // Components 10..29 fail with the region (100) at evaluation 5; 40..42 fail at evaluation 5 too, and a
    // CDN (200) explains them at a cost a CDN with healthy dependents pays.
    const region = fault(100, range(10, 30), 5 - 20 * GAIN);
    const cdn = fault(200, [40, 41, 42], 5 + 4 - 3 * GAIN);
    const onset = (c: number) => (c >= 10 ? 5 : 0);
    const out = weighCoOnset({
      faults: [region, cdn],
      impaired: [...range(10, 30), 40, 41, 42],
      onset,
      now: 6,
      gain: () => GAIN,
    });
    expect(out.faults.map((f) => f.component)).toEqual([100]);
    expect(out.cohorts).toEqual([{ members: [40, 41, 42], merged: [], host: 0 }]);
  });

  it("keeps a shared fault whose symptoms began at another time", () => {
    const region = fault(100, range(10, 30), 5 - 20 * GAIN);
    const cdn = fault(200, [40, 41, 42], 5 + 4 - 3 * GAIN);
    const out = weighCoOnset({
      faults: [region, cdn],
      impaired: [...range(10, 30), 40, 41, 42],
      onset: (c) => (c >= 40 ? 20 : 5),
      now: 22,
      gain: () => GAIN,
    });
    expect(out.faults.map((f) => f.component)).toEqual([100, 200]);
    expect(out.cohorts).toEqual([]);
  });

  it("keeps a shared fault that explains all it should at a fair cost (no coincidence to explain away)", () => {
    // A CDN whose every dependent fails: 5 nats of prior against 6 firm symptoms.
    const cdn = fault(200, range(40, 46), 5 - 6 * GAIN);
    const out = weighCoOnset({
      faults: [cdn],
      impaired: range(40, 46),
      onset: () => 3,
      now: 5,
      gain: () => GAIN,
    });
    expect(out.faults).toEqual([cdn]);
    expect(out.cohorts).toEqual([]);
  });

  it("finds no host for failures spread over unrelated components: a common cause outside the model", () => {
    const lone = range(50, 58).map((c) => fault(c, [c], 5 - GAIN));
    const lb = fault(300, [60, 61], 5 + 2 - 2 * GAIN);
    const out = weighCoOnset({
      faults: [...lone, lb],
      impaired: [...range(50, 58), 60, 61],
      onset: () => 7,
      now: 9,
      gain: () => GAIN,
    });
    expect(out.faults).toEqual([]);
    expect(out.cohorts).toEqual([{ members: [...range(50, 58), 60, 61], merged: [], host: -1 }]);
  });

  it("leaves a new hostless cohort alone until its members have failed for a while (noise makes short ones)", () => {
    const lone = range(50, 58).map((c) => fault(c, [c], 5 - GAIN));
    const input = { faults: lone, impaired: range(50, 58), onset: () => 9, gain: () => GAIN };
    expect(weighCoOnset({ ...input, now: 9 }).cohorts).toEqual([]);
    expect(weighCoOnset({ ...input, now: 10 }).cohorts).toHaveLength(1);
  });

  it("keeps an established cohort's members together as it shrinks, without taking a small fault for its host", () => {
    const first = weighCoOnset({
      faults: range(50, 58).map((c) => fault(c, [c], 5 - GAIN)),
      impaired: range(50, 58),
      onset: () => 7,
      now: 9,
      gain: () => GAIN,
    });
    // Later only three are left, and a load balancer explains two of them.
    const lb = fault(300, [50, 51], 5 + 2 - 2 * GAIN);
    const later = weighCoOnset({
      faults: [lb, fault(52, [52], 5 - GAIN)],
      impaired: [50, 51, 52],
      onset: () => 7,
      now: 40,
      gain: () => GAIN,
      established: first.established,
    });
    expect(later.faults).toEqual([]);
    expect(later.cohorts).toEqual([{ members: [50, 51, 52], merged: [], host: -1 }]);
  });

  test.prop([
    fc.array(
      fc.record({
        size: fc.integer({ min: 1, max: 6 }),
        onset: fc.integer({ min: 0, max: 6 }),
        cost: fc.double({ min: -60, max: 0, noNaN: true }),
      }),
      { maxLength: 8 },
    ),
  ])(
    "only sets aside faults whose symptoms all began together, and loses none of their symptoms",
    (specs) => {
      let next = 0;
      const onsets = new Map<number, number>();
      const faults = specs.map((s, i) => {
        const explains = range(next, next + s.size);
        next += s.size;
        for (const c of explains) onsets.set(c, s.onset);
        return fault(1000 + i, explains, s.cost);
      });
      const impaired = [...onsets.keys()];
      const out = weighCoOnset({ faults, impaired, onset: (c) => onsets.get(c)!, now: 8, gain: () => GAIN });
      const kept = new Set(out.faults);
      const members = new Set(out.cohorts.flatMap((c) => c.members));
      for (const f of faults) {
        if (kept.has(f)) continue;
        // A fault set aside hands every symptom to a cohort, and those symptoms began within the window.
        for (const c of f.explains) expect(members.has(c)).toBe(true);
        const times = f.explains.map((c) => onsets.get(c)!);
        expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(2);
      }
      for (const c of out.cohorts) if (c.host >= 0) expect(out.faults[c.host]).toBeDefined();
    },
  );
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

describe("co-onset weighing: carried members", () => {
  it("keeps the members of an established cohort with no host that the explanation was not asked about", () => {
    const first = weighCoOnset({
      faults: range(50, 58).map((c) => fault(c, [c], 5 - GAIN)),
      impaired: range(50, 58),
      onset: () => 7,
      now: 9,
      gain: () => GAIN,
    });
    const carried = new Set(first.cohorts.flatMap((c) => c.members));
    // The explanation now skips them: no fault mentions them, yet they stay the cohort's while they fail.
    const later = weighCoOnset({
      faults: [],
      impaired: range(50, 56),
      onset: () => 7,
      now: 30,
      gain: () => GAIN,
      established: first.established,
      carried,
    });
    expect(later.cohorts).toEqual([{ members: range(50, 56), merged: [], host: -1 }]);
  });
});

describe("co-onset weighing: a cohort whose host is gone", () => {
  it("leaves what is left of it to the explanation instead of calling it a common cause outside the model", () => {
    const region = fault(100, range(10, 30), 5 - 20 * GAIN);
    const first = weighCoOnset({
      faults: [region, fault(200, [40, 41, 42], 5 + 4 - 3 * GAIN)],
      impaired: [...range(10, 30), 40, 41, 42],
      onset: () => 5,
      now: 6,
      gain: () => GAIN,
    });
    expect(first.established).toEqual([{ onset: 5, host: 100 }]);
    // The region is no longer in the explanation; two of its sites are still failing, each on its own.
    const lone = [fault(10, [10], 5 - GAIN), fault(11, [11], 5 - GAIN)];
    const later = weighCoOnset({
      faults: lone,
      impaired: [10, 11],
      onset: () => 5,
      now: 50,
      gain: () => GAIN,
      established: first.established,
    });
    expect(later.faults).toEqual(lone);
    expect(later.cohorts).toEqual([]);
  });
});

describe("co-onset weighing: a fault inside the host's own blast radius", () => {
  it("is merged into the host (not suspected): the host struck that part of itself too", () => {
    // The region (100) began failing with ten sites; a service inside it (150) began with six more in the
    // same evaluations: live, the first round saw part of the checks, so the region looked to spare it.
    const region = fault(100, range(10, 20), 5 - 10 * GAIN);
    const service = fault(150, range(20, 26), 5 - 6 * GAIN);
    const out = weighCoOnset({
      faults: [region, service],
      impaired: range(10, 26),
      onset: (c) => (c < 20 ? 5 : 6),
      now: 7,
      gain: () => GAIN,
      dependsOn: (c, cause) => c === 150 && cause === 100,
    });
    expect(out.faults.map((f) => f.component)).toEqual([100]);
    expect(out.cohorts).toEqual([{ members: [], merged: range(20, 26), host: 0 }]);
  });
});
