import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  assignPhases,
  dueAt,
  dueBetween,
  nextSlot,
  type PlanItem,
  type Slot,
  slotAtOrAfter,
} from "../src/probe/schedule-plan.js";

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) };
const INTERVALS = [1_000, 10_000, 15_000, 30_000, 60_000, 300_000];

/** Unique check ids shaped like the config's (`<component>#<n>`), each with an interval. */
const items = (maxLength: number) =>
  fc
    .uniqueArray(
      fc.tuple(fc.stringMatching(/^[a-z0-9]{1,8}(\/[a-z0-9-]{1,8}){0,2}$/), fc.integer({ min: 1, max: 50 })),
      { maxLength, selector: ([c, n]) => `${c}#${n}` },
    )
    .chain((ids) =>
      fc.tuple(
        fc.constant(ids.map(([c, n]) => `${c}#${n}`)),
        fc.array(fc.constantFrom(...INTERVALS), { minLength: ids.length, maxLength: ids.length }),
      ),
    )
    .map(([ids, intervals]) => ids.map((id, i): PlanItem => ({ id, intervalMs: intervals[i]! })));

const t0s = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 });

/** Checks due in each one-second bucket of [t0, t0 + span). */
function bucketCounts(t0: number, slots: Slot[], spanMs: number): number[] {
  const counts = new Array<number>(Math.ceil(spanMs / 1000)).fill(0);
  for (const { due } of dueBetween(t0, slots, t0, t0 + spanMs)) {
    const b = Math.floor((due - t0) / 1000);
    counts[b] = counts[b]! + 1;
  }
  return counts;
}

describe("schedule plan", () => {
  test.prop([items(300), t0s], RUNS)(
    "every check is first due within one interval of the start",
    (list, t0) => {
      const slots = assignPhases(list);
      expect(slots.map((s) => s.id).sort()).toEqual(list.map((i) => i.id).sort());
      for (const slot of slots) {
        const first = dueAt(t0, slot, slotAtOrAfter(t0, slot, t0));
        expect(first).toBeGreaterThanOrEqual(t0);
        expect(first).toBeLessThan(t0 + slot.intervalMs);
      }
    },
  );

  test.prop(
    [
      items(20),
      t0s,
      fc.array(fc.double({ min: 0, max: 0.99, noNaN: true }), { minLength: 50, maxLength: 50 }),
      fc.integer({ min: 10, max: 2_000_000 }),
    ],
    RUNS,
  )(
    "no drift: however late each run starts, the n-th run is due at t0 + phase + n·interval",
    (list, t0, late, skipTo) => {
      for (const slot of assignPhases(list)) {
        // Run 50 slots, each starting late by up to 99% of an interval, the next computed from that moment.
        let k = 0;
        for (const lateness of late) {
          const started = dueAt(t0, slot, k) + lateness * slot.intervalMs;
          const next = nextSlot(t0, slot, k, started);
          expect(next).toEqual({ k: k + 1, missed: 0 });
          k = next.k;
        }
        expect(dueAt(t0, slot, k) - (t0 + slot.phaseMs)).toBe(50 * slot.intervalMs);
        // Months later the due time is still on the grid, and a stall skips to the first slot still ahead.
        const far = dueAt(t0, slot, skipTo);
        expect(slotAtOrAfter(t0, slot, far)).toBe(skipTo);
        const stalled = nextSlot(t0, slot, 3, far + 1);
        expect(stalled.k).toBe(skipTo + 1);
        expect(stalled.missed).toBe(skipTo - 3);
      }
    },
  );

  test.prop([fc.integer({ min: 1, max: 20_000 }), fc.constantFrom(10_000, 30_000, 60_000), t0s], RUNS)(
    "even spread: no one-second bucket holds more than one check above the mean, rounded up",
    (n, intervalMs, t0) => {
      const list = Array.from({ length: n }, (_, i) => ({ id: `site/s${i}#1`, intervalMs }));
      const counts = bucketCounts(t0, assignPhases(list), intervalMs);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Math.max(...counts)).toBeLessThanOrEqual(Math.ceil(n / (intervalMs / 1000)) + 1);
    },
  );

  test.prop([items(2000), t0s], RUNS)(
    "mixed intervals: each interval group adds at most one above its mean",
    (list, t0) => {
      const slots = assignPhases(list);
      const span = 300_000; // a common multiple of every interval used
      const counts = bucketCounts(t0, slots, span);
      const groups = new Set(list.map((i) => i.intervalMs));
      const mean = list.reduce((sum, i) => sum + 1000 / i.intervalMs, 0);
      expect(Math.max(0, ...counts)).toBeLessThanOrEqual(Math.ceil(mean + 2 * groups.size));
    },
  );

  test.prop([items(200), items(200)], RUNS)(
    "a reload keeps the phase of every check whose interval did not change",
    (before, added) => {
      const old = assignPhases(before);
      const kept = new Map(old.map((s) => [s.id, s]));
      const ids = new Set(before.map((i) => i.id));
      const after = [...before.filter((_, i) => i % 3 !== 0), ...added.filter((i) => !ids.has(i.id))];
      for (const slot of assignPhases(after, kept)) {
        const was = kept.get(slot.id);
        if (was) expect(slot).toEqual(was);
        expect(slot.phaseMs).toBeGreaterThanOrEqual(0);
        expect(slot.phaseMs).toBeLessThan(slot.intervalMs);
      }
    },
  );

  it("phases depend on the set, not on the order checks are listed in", () => {
    const list = Array.from({ length: 500 }, (_, i) => ({ id: `acme/api-${i}#1`, intervalMs: 30_000 }));
    const byId = (slots: Slot[]) => new Map(slots.map((s) => [s.id, s.phaseMs]));
    expect(byId(assignPhases([...list].reverse()))).toEqual(byId(assignPhases(list)));
  });
});
