import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  componentsInMaintenance,
  type MaintenanceSpec,
  rruleProblem,
  utcToWall,
  windowsOf,
  zonedToUtc,
} from "../src/model/maintenance-schedule.js";

const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Australia/Lord_Howe", // a 30-minute shift
  "Asia/Kolkata",
  "America/Sao_Paulo",
  "Pacific/Auckland",
];
const zone = fc.constantFrom(...ZONES);
// 2020 .. 2030, whole seconds.
const instant = fc.integer({ min: 1_577_836_800, max: 1_893_456_000 }).map((s) => s * 1000);
const iso = (t: number) => new Date(t).toISOString();
const HOUR = 3_600_000;

function weekly(timeZone: string, startWall: number, rrule = "FREQ=WEEKLY;BYDAY=SU"): MaintenanceSpec {
  return {
    id: "patch",
    title: "Patching",
    components: ["acme/api"],
    kind: "recurring",
    rrule,
    startWall,
    timeZone,
    durationMs: 2 * HOUR,
  };
}

describe("zonedToUtc", () => {
  it("places Berlin wall times across both changes of 2026", () => {
    const z = "Europe/Berlin";
    expect(iso(zonedToUtc(Date.UTC(2026, 2, 22, 3), z))).toBe("2026-03-22T02:00:00.000Z");
    expect(iso(zonedToUtc(Date.UTC(2026, 2, 29, 3), z))).toBe("2026-03-29T01:00:00.000Z");
    // 02:30 does not exist on 2026-03-29: read with the offset before the gap, it is 03:30 CEST.
    expect(iso(zonedToUtc(Date.UTC(2026, 2, 29, 2, 30), z))).toBe("2026-03-29T01:30:00.000Z");
    // 02:30 occurs twice on 2026-10-25: the first (CEST).
    expect(iso(zonedToUtc(Date.UTC(2026, 9, 25, 2, 30), z))).toBe("2026-10-25T00:30:00.000Z");
  });

  test.prop([instant, zone], { numRuns: 300 })(
    "an instant's wall time names the earliest instant with that wall time",
    (t, z) => {
      const wall = utcToWall(t, z);
      const back = zonedToUtc(wall, z);
      expect(utcToWall(back, z)).toBe(wall);
      expect(back).toBeLessThanOrEqual(t);
      expect(t - back).toBeLessThanOrEqual(HOUR);
    },
  );

  test.prop([instant, zone], { numRuns: 300 })(
    "every wall time lands at itself, or at most an hour on when it falls in a gap",
    (wall, z) => {
      const shown = utcToWall(zonedToUtc(wall, z), z);
      expect(shown - wall).toBeGreaterThanOrEqual(0);
      expect(shown - wall).toBeLessThanOrEqual(HOUR);
    },
  );
});

describe("windowsOf", () => {
  it("keeps a weekly window at 03:00 Berlin time through the spring change", () => {
    const spec = weekly("Europe/Berlin", Date.UTC(2026, 0, 4, 3));
    const starts = windowsOf(spec, Date.UTC(2026, 2, 20), Date.UTC(2026, 3, 1)).map((w) => iso(w.start));
    expect(starts).toEqual(["2026-03-22T02:00:00.000Z", "2026-03-29T01:00:00.000Z"]);
    expect(windowsOf(spec, Date.UTC(2026, 2, 29, 2), Date.UTC(2026, 2, 29, 2, 1))[0]?.id).toBe(
      "patch@20260329T010000Z",
    );
  });

  test.prop([zone, instant, instant, fc.integer({ min: 0, max: 23 })], { numRuns: 60 })(
    "a weekly rule's windows overlap the range, in order, each on a Sunday at its hour, 7 days apart (give or take a shift)",
    (z, a, b, hour) => {
      const from = Math.min(a, b);
      const to = Math.min(Math.max(a, b), from + 120 * 86_400_000);
      const spec = weekly(z, Date.UTC(2020, 0, 5, hour));
      const windows = windowsOf(spec, from, to);
      for (const [i, w] of windows.entries()) {
        expect(w.start < to && w.end > from).toBe(true);
        const wall = new Date(utcToWall(w.start, z));
        expect(wall.getUTCDay()).toBe(0);
        // In a gap the wall time moves on by the gap (an hour at most, 30 minutes at Lord Howe).
        const late = (wall.getUTCHours() - hour + 24) % 24;
        expect(late === 0 || (late === 1 && wall.getUTCMinutes() === 0) || wall.getUTCMinutes() === 30).toBe(
          true,
        );
        const next = windows[i + 1];
        if (next) expect(Math.abs(next.start - w.start - 7 * 86_400_000)).toBeLessThanOrEqual(HOUR);
      }
    },
  );

  test.prop([zone, instant, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 60 })], {
    numRuns: 60,
  })("splitting the range finds the same windows", (z, from, days, cut) => {
    const to = from + days * 86_400_000;
    const mid = from + Math.floor(((to - from) * cut) / 60);
    const spec = weekly(z, Date.UTC(2020, 0, 1, 2, 30), "FREQ=DAILY;INTERVAL=3");
    const whole = windowsOf(spec, from, to).map((w) => w.id);
    const parts = [...windowsOf(spec, from, mid), ...windowsOf(spec, mid, to)].map((w) => w.id);
    expect([...new Set(parts)]).toEqual(whole);
  });

  it("has a one-off window only in ranges it overlaps", () => {
    const once: MaintenanceSpec = {
      id: "db",
      title: "DB",
      components: ["acme/db"],
      kind: "once",
      start: 10,
      end: 20,
    };
    expect(windowsOf(once, 0, 10)).toEqual([]);
    expect(windowsOf(once, 19, 30).map((w) => w.id)).toEqual(["db"]);
    expect([...componentsInMaintenance(windowsOf(once, 0, 30), 19)]).toEqual(["acme/db"]);
    expect([...componentsInMaintenance(windowsOf(once, 0, 30), 20)]).toEqual([]);
  });
});

describe("rruleProblem", () => {
  it("takes a rule and says what is wrong with others", () => {
    expect(rruleProblem("FREQ=WEEKLY;BYDAY=SU")).toBeNull();
    expect(rruleProblem("RRULE:FREQ=MONTHLY;BYMONTHDAY=1")).toBeNull();
    expect(rruleProblem("FREQ=MINUTELY")).toMatch(/at most hourly/);
    expect(rruleProblem("BYDAY=SU")).toMatch(/FREQ/);
    expect(rruleProblem("FREQ=FORTNIGHTLY")).toMatch(/not a frequency/);
    expect(rruleProblem("FREQ=DAILY;EVERY=2")).toMatch(/not an RRULE part: "EVERY=2"/);
    expect(rruleProblem("DTSTART:20260101T000000\nRRULE:FREQ=DAILY")).toMatch(/only the RRULE value/);
  });
});
