/**
 * The What-if page's bar chart of the largest blast radii (pure, no DOM): one horizontal bar per shared
 * component, its monitored services down then degraded, largest first. Each row is a line of words (the
 * component and its counts) over a full-width bar, so the chart reads at 360 px as well as at 1280.
 */
import { countTicks, scaleLinear } from "./chart-scale.js";

export interface BlastCandidate {
  id: string;
  kind: string;
  /** Monitored services down when it alone fails. */
  down: number;
  /** Monitored services degraded when it alone fails. */
  degraded: number;
}

export interface BlastBar extends BlastCandidate {
  /** Top of the row (its label line). */
  y: number;
  /** Top of the bar, under the label. */
  barY: number;
  downWidth: number;
  degradedWidth: number;
}

export interface BlastBarsLayout {
  width: number;
  height: number;
  barHeight: number;
  bars: BlastBar[];
  /** The count axis under the bars. */
  ticks: { value: number; x: number }[];
  axisY: number;
  /** Candidates with a blast radius that did not fit in `limit`. */
  more: number;
}

const LABEL = 18;
const BAR = 14;
const GAP = 10;
const AXIS = 24;

/** Counts are whole services: anything not a count is 0, and a huge one is capped so sums stay finite. */
const count = (n: number) => (Number.isFinite(n) && n > 0 ? Math.min(n, Number.MAX_SAFE_INTEGER) : 0);

/** Largest blast radius first: the most services down, then the most degraded, then by id (as the API ranks). */
export function byBlastRadius(a: BlastCandidate, b: BlastCandidate): number {
  return (
    count(b.down) - count(a.down) ||
    count(b.degraded) - count(a.degraded) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * Lays out the `limit` largest blast radii of `candidates` (those that hit nothing are left out) in a chart
 * `width` wide; the height follows from the rows. Counts that are not finite or below 0 count as 0.
 */
export function layoutBlastBars(
  candidates: readonly BlastCandidate[],
  width: number,
  limit = 10,
): BlastBarsLayout {
  const w = Number.isFinite(width) && width > 0 ? width : 0;
  const hit = candidates
    .map((c) => ({ ...c, down: count(c.down), degraded: count(c.degraded) }))
    .filter((c) => c.down + c.degraded > 0)
    .sort(byBlastRadius);
  const shown = hit.slice(0, Math.max(0, limit));
  const ticks = countTicks(Math.max(0, ...shown.map((c) => c.down + c.degraded)), w < 480 ? 3 : 5);
  const top = ticks[ticks.length - 1]!;
  const x = scaleLinear(0, top, 0, w);
  const bars = shown.map((c, i) => {
    const y = i * (LABEL + BAR + GAP);
    const downWidth = Math.min(w, Math.max(0, x(c.down)));
    return {
      ...c,
      y,
      barY: y + LABEL,
      downWidth,
      degradedWidth: Math.max(0, Math.min(w - downWidth, x(c.down + c.degraded) - downWidth)),
    };
  });
  const axisY = bars.length * (LABEL + BAR + GAP);
  return {
    width: w,
    height: axisY + AXIS,
    barHeight: BAR,
    bars,
    ticks: ticks.map((value) => ({ value, x: x(value) })),
    axisY,
    more: hit.length - shown.length,
  };
}
