/**
 * The incident page's chart (pure, no DOM): how many affected services were failing over time, as a step
 * line, with each change of the ranked hypotheses marked where it happened: the first naming, a rename (a
 * new component ranked first) and a change of confidence in the same one. Markers are numbered; the page
 * lists what each number means in words.
 */
import { countTicks, scaleLinear, timeTicks } from "./chart-scale.js";

export interface ObservedComponent {
  component: string;
  /** Its observations in the incident's window, any order. */
  observations: readonly { at: number; vantage: string; status: string }[];
}

export interface SeriesPoint {
  at: number;
  count: number;
}

/**
 * The number of `components` failing at each moment in [from, to]: a component fails while the latest
 * observation of any one of its vantages says it is not up. Starts at `from` and ends at `to`; one point
 * per change. Observations outside the window only set the state it starts with.
 */
export function affectedSeries(
  components: readonly ObservedComponent[],
  from: number,
  to: number,
): SeriesPoint[] {
  const end = Math.max(from, to);
  const events: { at: number; component: number; vantage: string; failing: boolean }[] = [];
  for (const [i, c] of components.entries())
    for (const o of c.observations)
      if (Number.isFinite(o.at) && o.at <= end)
        events.push({
          at: Math.max(o.at, from),
          component: i,
          vantage: o.vantage,
          failing: o.status !== "up",
        });
  events.sort((a, b) => a.at - b.at);
  // Per component, its vantages now failing.
  const failingBy = components.map(() => new Set<string>());
  let failing = 0;
  const points: SeriesPoint[] = [];
  const push = (at: number) => {
    const last = points[points.length - 1];
    if (last && last.at === at) {
      last.count = failing;
      // Changes at one moment that cancel out leave no step.
      const before = points[points.length - 2];
      if (before && before.count === failing) points.pop();
    } else if (!last || last.count !== failing) points.push({ at, count: failing });
  };
  push(from);
  for (const e of events) {
    const set = failingBy[e.component]!;
    const before = set.size > 0;
    if (e.failing) set.add(e.vantage);
    else set.delete(e.vantage);
    const after = set.size > 0;
    if (before !== after) {
      failing += after ? 1 : -1;
      push(e.at);
    }
  }
  const last = points[points.length - 1]!;
  if (last.at < end) points.push({ at: end, count: last.count });
  return points;
}

export interface Ranked {
  component: string;
  confidence: number;
}

export interface HypothesisChange {
  at: number;
  /** `named`: the first ranking; `renamed`: another component ranked first; `confidence`: the same one, surer or less sure. */
  kind: "named" | "renamed" | "confidence";
  component: string;
  confidence: number;
  /** What was ranked first before (absent for the first naming). */
  previous?: Ranked;
}

/** Each change of the first-ranked hypothesis in `history` (oldest first): renames and changes of confidence. */
export function hypothesisChanges(
  history: readonly { at: number; epicenter: readonly Ranked[] }[],
): HypothesisChange[] {
  const changes: HypothesisChange[] = [];
  let previous: Ranked | undefined;
  for (const h of [...history].sort((a, b) => a.at - b.at)) {
    const top = h.epicenter[0];
    if (!top) continue;
    const kind = !previous ? "named" : previous.component !== top.component ? "renamed" : "confidence";
    // A ranking that changed only below the first place is not a change of the named cause.
    if (kind === "confidence" && Math.round(previous!.confidence * 100) === Math.round(top.confidence * 100))
      continue;
    changes.push({
      at: h.at,
      kind,
      component: top.component,
      confidence: top.confidence,
      ...(previous ? { previous } : {}),
    });
    previous = { component: top.component, confidence: top.confidence };
  }
  return changes;
}

export interface IncidentChartInput {
  series: readonly SeriesPoint[];
  changes: readonly HypothesisChange[];
  /** Other moments drawn as labelled lines: the opening, the resolution. */
  moments: readonly { at: number; label: string }[];
  from: number;
  to: number;
  width: number;
}

export interface IncidentChartLayout {
  width: number;
  height: number;
  plot: { x: number; y: number; w: number; h: number };
  /** The step line through the plot, as SVG path data. */
  path: string;
  /** The area under it. */
  area: string;
  xTicks: { at: number; x: number }[];
  yTicks: { value: number; y: number }[];
  /** One per change, numbered from 1; `lane` lifts a marker that would cover its neighbour. */
  markers: (HypothesisChange & { n: number; x: number; lane: number })[];
  moments: { at: number; label: string; x: number }[];
}

const LEFT = 36;
const RIGHT = 12;
const TOP = 44;
const PLOT = 160;
const BOTTOM = 28;
/** A marker's width: markers closer than this go to another lane. */
const MARKER = 18;
const LANES = 2;

/** Lays the chart out `width` wide (at least the axes' room); everything is finite for any finite input. */
export function layoutIncidentChart(input: IncidentChartInput): IncidentChartLayout {
  // No screen is 100,000 px wide; the cap keeps sums of widths finite.
  const width = Number.isFinite(input.width)
    ? Math.min(100_000, Math.max(LEFT + RIGHT + 40, input.width))
    : 320;
  const from = Number.isFinite(input.from) ? input.from : 0;
  const to = Number.isFinite(input.to) && input.to > from ? input.to : from + 1;
  const plot = { x: LEFT, y: TOP, w: width - LEFT - RIGHT, h: PLOT };
  const clampAt = (at: number) => Math.min(to, Math.max(from, at));
  const x = scaleLinear(from, to, plot.x, plot.x + plot.w);
  const yTickValues = countTicks(Math.max(0, ...input.series.map((p) => p.count)), 4);
  const top = yTickValues[yTickValues.length - 1]!;
  const y = scaleLinear(0, top, plot.y + plot.h, plot.y);
  const round = (v: number) => Math.round(v * 10) / 10;
  let path = "";
  for (const [i, p] of input.series.entries()) {
    const px = round(x(clampAt(p.at)));
    const py = round(y(Number.isFinite(p.count) ? Math.max(0, p.count) : 0));
    path += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
  }
  const endX = round(plot.x + plot.w);
  if (path) path += `H${endX}`;
  const base = round(y(0));
  const area = path ? `${path}V${base}H${round(x(clampAt(input.series[0]!.at)))}Z` : "";
  const markers: IncidentChartLayout["markers"] = [];
  const laneEnds = Array.from({ length: LANES }, () => Number.NEGATIVE_INFINITY);
  for (const [i, c] of input.changes.entries()) {
    const mx = x(clampAt(c.at));
    // The first lane this marker fits in beside the one before; when none, the one free longest ago.
    let lane = laneEnds.findIndex((e) => mx - e >= MARKER);
    if (lane < 0) lane = laneEnds.indexOf(Math.min(...laneEnds));
    laneEnds[lane] = mx;
    markers.push({ ...c, n: i + 1, x: mx, lane });
  }
  return {
    width,
    height: TOP + PLOT + BOTTOM,
    plot,
    path,
    area,
    xTicks: timeTicks(from, to, plot.w < 360 ? 3 : 6).map((at) => ({ at, x: x(at) })),
    yTicks: yTickValues.map((value) => ({ value, y: y(value) })),
    markers,
    moments: input.moments
      .filter((m) => Number.isFinite(m.at) && m.at >= from && m.at <= to)
      .map((m) => ({ ...m, x: x(m.at) })),
  };
}
