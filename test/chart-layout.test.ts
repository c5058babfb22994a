/**
 * The charts' pure layout (web/src/chart-scale.ts, blast-chart-layout.ts, incident-chart-layout.ts) over
 * random inputs: ticks are round, cover the data and are finite for empty, one-element and huge inputs; the
 * bars come largest blast radius first, as the API ranks, and fit the width; the affected series counts a
 * service failing while any of its vantages says so; the hypothesis changes tell renames from confidence.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { byBlastRadius, layoutBlastBars } from "../web/src/blast-chart-layout.js";
import { textOn } from "../web/src/chart-colours.js";
import { countTicks, scaleLinear, timeTicks } from "../web/src/chart-scale.js";
import {
  affectedSeries,
  hypothesisChanges,
  layoutIncidentChart,
  type ObservedComponent,
} from "../web/src/incident-chart-layout.js";

const anyNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(
    0,
    -1,
    1,
    1e15,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_VALUE,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
);

const allFinite = (value: unknown): boolean => {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === "object") return Object.values(value).every(allFinite);
  return true;
};

describe("scales and ticks", () => {
  test.prop([anyNumber, fc.integer({ min: 1, max: 12 })])(
    "count ticks start at 0, step evenly by 1, 2 or 5 × 10^n, and reach the maximum",
    (max, count) => {
      const ticks = countTicks(max, count);
      expect(allFinite(ticks)).toBe(true);
      expect(ticks[0]).toBe(0);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(2 * count + 2);
      const step = ticks[1]! - ticks[0]!;
      expect(Number.isInteger(step)).toBe(true);
      expect(String(step / 10 ** Math.floor(Math.log10(step)))).toMatch(/^(1|2|5)$/);
      if (Number.isFinite(max) && max > 0 && max <= Number.MAX_SAFE_INTEGER)
        expect(ticks[ticks.length - 1]!).toBeGreaterThanOrEqual(max);
    },
  );

  test.prop([
    fc.integer({ min: 0, max: 4e12 }),
    fc.integer({ min: 0, max: 40 * 86_400_000 }),
    fc.integer({ min: 1, max: 10 }),
  ])("time ticks fall inside the span, on a round step, about `count` of them", (from, span, count) => {
    const ticks = timeTicks(from, from + span, count);
    expect(allFinite(ticks)).toBe(true);
    if (span === 0) expect(ticks).toEqual([from]);
    for (const t of ticks) {
      if (span > 0) {
        expect(t).toBeGreaterThanOrEqual(from);
        expect(t).toBeLessThanOrEqual(from + span);
      }
    }
    expect(ticks.length).toBeLessThanOrEqual(count + 1);
    if (ticks.length >= 2) expect((ticks[1]! - ticks[0]!) % 1000).toBe(0);
  });

  it("a 20-minute span ticks every 5 minutes on the minute; a scale of one point maps to its start", () => {
    const from = Date.UTC(2021, 11, 7, 15, 32, 10);
    expect(
      timeTicks(from, from + 20 * 60_000, 4).map((t) => new Date(t).toISOString().slice(11, 16)),
    ).toEqual(["15:35", "15:40", "15:45", "15:50"]);
    expect(scaleLinear(3, 3, 10, 20)(7)).toBe(10);
    expect(scaleLinear(0, 10, 0, 100)(2.5)).toBe(25);
    expect(countTicks(13, 4)).toEqual([0, 5, 10, 15]);
    expect(countTicks(0)).toEqual([0, 1]);
  });

  it("ink on the palette: black on the light hues, white on the blue", () => {
    expect(textOn("#F0E442")).toBe("#000000");
    expect(textOn("#E69F00")).toBe("#000000");
    expect(textOn("#0072B2")).toBe("#ffffff");
  });
});

const candidate = fc.record({
  id: fc.stringMatching(/^[a-z]{1,6}(\/[a-z0-9-]{1,8}){0,2}$/),
  kind: fc.constantFrom("provider", "region", "cloud-service", "cdn"),
  down: fc.oneof(fc.nat(500), anyNumber),
  degraded: fc.oneof(fc.nat(500), anyNumber),
});

describe("the bar chart of the largest blast radii", () => {
  test.prop([
    fc.uniqueArray(candidate, { selector: (c) => c.id, maxLength: 40 }),
    fc.oneof(fc.integer({ min: 200, max: 1600 }), anyNumber),
    fc.integer({ min: 0, max: 20 }),
  ])(
    "bars sorted largest first (down, then degraded), within the width, none that hits nothing, nothing NaN",
    (candidates, width, limit) => {
      const layout = layoutBlastBars(candidates, width, limit);
      expect(allFinite(layout)).toBe(true);
      expect(layout.bars.length).toBeLessThanOrEqual(limit);
      for (const [i, b] of layout.bars.entries()) {
        expect(b.down + b.degraded).toBeGreaterThan(0);
        expect(b.downWidth).toBeGreaterThanOrEqual(0);
        expect(b.degradedWidth).toBeGreaterThanOrEqual(0);
        expect(b.downWidth + b.degradedWidth).toBeLessThanOrEqual(layout.width + 1e-9);
        if (i > 0) {
          const prev = layout.bars[i - 1]!;
          expect(byBlastRadius(prev, b)).toBeLessThan(0);
          expect(prev.y).toBeLessThan(b.y);
          expect(prev.downWidth + prev.degradedWidth).toBeGreaterThanOrEqual(b.downWidth - 1e-9);
        }
      }
      const hitting = candidates.filter((c) => {
        const n = (v: number) => (Number.isFinite(v) && v > 0 ? v : 0);
        return n(c.down) + n(c.degraded) > 0;
      }).length;
      expect(layout.bars.length + layout.more).toBe(hitting);
    },
  );

  it("a bar's length is proportional to its count, against the axis's ticks", () => {
    const layout = layoutBlastBars(
      [
        { id: "aws/us-east-1", kind: "region", down: 6, degraded: 2 },
        { id: "aws", kind: "provider", down: 12, degraded: 1 },
        { id: "fastly", kind: "cdn", down: 0, degraded: 0 },
      ],
      400,
    );
    expect(layout.bars.map((b) => b.id)).toEqual(["aws", "aws/us-east-1"]);
    expect(layout.ticks.map((t) => t.value)).toEqual([0, 5, 10, 15]);
    expect(layout.bars[0]!.downWidth).toBeCloseTo((12 / 15) * 400);
    expect(layout.bars[1]!.degradedWidth).toBeCloseTo((2 / 15) * 400);
    expect(layoutBlastBars([], 360)).toMatchObject({ bars: [], more: 0 });
  });
});

/** Observations of a few components from a few vantages, each a status flip at some time. */
const observed = fc.array(
  fc.record({
    component: fc.constantFrom("a", "b", "c", "d"),
    vantage: fc.constantFrom("v1", "v2", "v3"),
    at: fc.integer({ min: 0, max: 1000 }),
    status: fc.constantFrom("up", "down", "degraded"),
  }),
  { maxLength: 60 },
);

function group(
  list: { component: string; vantage: string; at: number; status: string }[],
): ObservedComponent[] {
  const by = new Map<string, ObservedComponent["observations"][number][]>();
  for (const o of list) by.set(o.component, [...(by.get(o.component) ?? []), o]);
  return [...by].map(([component, observations]) => ({ component, observations }));
}

/** The count at `t` straight from the definition: components with a vantage whose latest word by t is not up. */
function failingAt(
  list: { component: string; vantage: string; at: number; status: string }[],
  t: number,
): number {
  const latest = new Map<string, { at: number; status: string; i: number }>();
  list.forEach((o, i) => {
    if (o.at > t) return;
    const key = `${o.component} ${o.vantage}`;
    const was = latest.get(key);
    if (!was || o.at > was.at || (o.at === was.at && i > was.i))
      latest.set(key, { at: o.at, status: o.status, i });
  });
  const failing = new Set<string>();
  for (const [key, o] of latest) if (o.status !== "up") failing.add(key.split(" ")[0]!);
  return failing.size;
}

describe("the incident chart", () => {
  test.prop([observed, fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 1200 })])(
    "the series counts, at every moment, the components some vantage last saw failing",
    (list, from, span) => {
      // Stable order within a timestamp: the definition takes the later-listed one, as a sort that keeps order does.
      const sorted = [...list].sort((a, b) => a.at - b.at);
      const series = affectedSeries(group(sorted), from, from + span);
      expect(series[0]!.at).toBe(from);
      expect(series[series.length - 1]!.at).toBe(from + span);
      for (let i = 1; i < series.length; i++) expect(series[i]!.at).toBeGreaterThanOrEqual(series[i - 1]!.at);
      for (const p of series.slice(0, -1)) {
        // The count a point gives holds until the next point.
        expect(p.count).toBe(failingAt(sorted, p.at));
      }
      for (const t of [from, from + span / 2, from + span])
        expect(series.findLast((p) => p.at <= t)!.count).toBe(failingAt(sorted, Math.floor(t)));
    },
  );

  it("hypothesis changes: the first naming, renames and changes of confidence; a change below first place is none", () => {
    const at = (s: number) => 1_000_000 + s * 1000;
    const changes = hypothesisChanges([
      { at: at(20), epicenter: [{ component: "aws/us-east-1", confidence: 0.9 }] },
      { at: at(0), epicenter: [{ component: "aws", confidence: 0.5 }] },
      { at: at(10), epicenter: [{ component: "aws/us-east-1", confidence: 0.6 }] },
      {
        at: at(30),
        epicenter: [
          { component: "aws/us-east-1", confidence: 0.901 },
          { component: "aws", confidence: 0.05 },
        ],
      },
      { at: at(40), epicenter: [] },
    ]);
    expect(changes.map((c) => [c.kind, c.component, c.previous?.component])).toEqual([
      ["named", "aws", undefined],
      ["renamed", "aws/us-east-1", "aws"],
      ["confidence", "aws/us-east-1", "aws/us-east-1"],
    ]);
    expect(hypothesisChanges([])).toEqual([]);
  });

  test.prop([
    observed,
    fc.array(
      fc.record({
        at: fc.integer({ min: -100, max: 1200 }),
        top: fc.constantFrom("a", "b"),
        c: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { maxLength: 30 },
    ),
    fc.oneof(fc.integer({ min: 0, max: 2000 }), anyNumber),
    fc.oneof(fc.integer({ min: 0, max: 1000 }), anyNumber),
  ])(
    "the chart's layout is finite, markers numbered in time order within the plot, for any width and span",
    (list, history, width, span) => {
      const from = 0;
      const to = Number.isFinite(span) ? span : 1000;
      const series = affectedSeries(group(list), from, to);
      const changes = hypothesisChanges(
        history.map((h) => ({ at: h.at, epicenter: [{ component: h.top, confidence: h.c }] })),
      );
      const layout = layoutIncidentChart({
        series,
        changes,
        moments: [{ at: 10, label: "opened" }],
        from,
        to,
        width,
      });
      expect(allFinite({ ...layout, path: 0, area: 0 })).toBe(true);
      expect(layout.path).not.toMatch(/NaN|Infinity/);
      expect(layout.markers.map((m) => m.n)).toEqual(changes.map((_, i) => i + 1));
      for (const m of layout.markers) {
        expect(m.x).toBeGreaterThanOrEqual(layout.plot.x - 1e-9);
        expect(m.x).toBeLessThanOrEqual(layout.plot.x + layout.plot.w + 1e-9);
      }
      // Two markers on one lane are at least a marker's width apart.
      for (const lane of [0, 1]) {
        const xs = layout.markers.filter((m) => m.lane === lane).map((m) => m.x);
        const apart = xs.every((x, i) => i === 0 || x - xs[i - 1]! >= 18);
        if (layout.markers.every((m, i) => i === 0 || m.x - layout.markers[i - 1]!.x >= 9))
          expect(apart).toBe(true);
      }
    },
  );
});
