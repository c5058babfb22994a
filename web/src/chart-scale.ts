/**
 * Scales and ticks the dashboard's charts share (pure, no DOM): a linear map from values to pixels, round
 * ticks for counts and for times. Every function answers finite numbers for any finite input, empty or
 * degenerate domains included (a chart with no data still draws an axis, never NaN).
 */

/**
 * A map from [d0, d1] onto [r0, r1]; a domain of one point maps everything to r0, and so does a value whose
 * position cannot be computed (the fraction is taken first: a span of 5e-324 would make a factor Infinity).
 */
export function scaleLinear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0;
  if (!Number.isFinite(span) || span === 0) return () => r0;
  return (v) => {
    const at = r0 + ((v - d0) / span) * (r1 - r0);
    return Number.isFinite(at) ? at : r0;
  };
}

/** The smallest of 1, 2 or 5 × 10^n at least `raw` (and at least `min`). */
function roundStep(raw: number, min: number): number {
  if (!(raw > min)) return min;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return Math.max(min, m * power);
  return Math.max(min, 10 * power);
}

/**
 * Ticks from 0 to a round top at or above `max` for a count axis, about `count` of them, integer steps:
 * `countTicks(13, 4)` is [0, 5, 10, 15]. The last tick is the axis's top (at least `max`, for a max up to 2^53).
 */
export function countTicks(max: number, count = 5): number[] {
  // Counts are whole things: past 2^53 they are not exact anyway, and a step must not overflow.
  const top = Number.isFinite(max) && max > 0 ? Math.min(max, Number.MAX_SAFE_INTEGER) : 1;
  const step = roundStep(top / Math.max(1, count), 1);
  const ticks: number[] = [];
  for (let v = 0; ; v += step) {
    ticks.push(v);
    if (v >= top) break;
  }
  return ticks;
}

/** Steps a time axis may use, ms: round seconds, minutes, hours and days. */
const TIME_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
].map((s) => s * 1000);

/**
 * Round times within [from, to] for a time axis, about `count` of them, on multiples of a round step in UTC
 * (a 20-minute span gets one every 5 minutes). An empty or inverted span gives [from].
 */
export function timeTicks(from: number, to: number, count = 5): number[] {
  if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from))
    return [Number.isFinite(from) ? from : 0];
  const raw = (to - from) / Math.max(1, count);
  const step = TIME_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}
