/**
 * A public service's uptime per UTC day, from the store's hourly rollups read through the hub. An hour some
 * vantage saw counts by the share of its checks that answered (up or degraded: slow still answered), averaged
 * over the vantages that saw it; an hour no vantage saw is unknown, neither up nor down, so a blind watcher
 * never reads as 100% (nor as an outage). A day's uptime is its up hours over its seen hours, null when none.
 */
import type { Hub } from "../hub/hub-api.js";
import type { Rollup } from "../store/store.js";

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Rollup rows read per call; paging continues below the oldest bucket when a page is full. */
const PAGE = 5_000;

export interface DayUptime {
  /** Start of the UTC day, epoch ms. */
  day: number;
  /** Hours of the day some vantage saw (fractions none: an hour is seen or not). */
  seenHours: number;
  /** The seen hours' up share, summed: uptime is upHours / seenHours. */
  upHours: number;
}

/** The first of `days` UTC days that end with the one holding `now`. */
export function windowStart(now: number, days: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
}

/** Per day from `from` (a UTC midnight), `days` of them: hourly rollups of one component, any vantages. */
export function dailyUptime(rollups: readonly Rollup[], from: number, days: number): DayUptime[] {
  const hours = new Map<number, { share: number; vantages: number }>();
  for (const r of rollups) {
    const total = r.up + r.degraded + r.down;
    if (total === 0 || r.at < from || r.at >= from + days * DAY_MS) continue;
    const hour = Math.floor(r.at / HOUR_MS) * HOUR_MS;
    const h = hours.get(hour) ?? { share: 0, vantages: 0 };
    h.share += (r.up + r.degraded) / total;
    h.vantages += 1;
    hours.set(hour, h);
  }
  const out: DayUptime[] = Array.from({ length: days }, (_, i) => ({
    day: from + i * DAY_MS,
    seenHours: 0,
    upHours: 0,
  }));
  for (const [hour, h] of hours) {
    const d = out[Math.floor((hour - from) / DAY_MS)]!;
    d.seenHours += 1;
    d.upHours += h.share / h.vantages;
  }
  return out;
}

/** Up share of the seen time over the days, 0..1; null when no vantage saw any of it. */
export function uptimeOf(days: readonly DayUptime[]): number | null {
  const seen = days.reduce((n, d) => n + d.seenHours, 0);
  return seen === 0 ? null : days.reduce((n, d) => n + d.upHours, 0) / seen;
}

/** Every hourly rollup of `component` in [from, to), all pages of them (a hub, or a store for SLA reports). */
export async function hourlyRollups(
  hub: Pick<Hub, "rollups">,
  component: string,
  from: number,
  to: number,
): Promise<Rollup[]> {
  const found: Rollup[] = [];
  let before = to;
  for (;;) {
    const page = await hub.rollups({ resolution: "1h", component, from, to: before, limit: PAGE });
    if (page.length < PAGE) return [...found, ...page];
    // Newest first: the oldest bucket may go on in the next page, so it is read again whole there.
    const oldest = page[page.length - 1]!.at;
    const whole = page.filter((r) => r.at > oldest);
    if (whole.length === 0) return [...found, ...page]; // one bucket fuller than a page: take what came
    found.push(...whole);
    before = oldest + 1;
  }
}

/** `uptime` as a badge or a bar says it: "99.95%", never rounded up to 100% (a lost minute shows). */
export function percent(uptime: number): string {
  if (uptime >= 1) return "100%";
  return `${(Math.floor(uptime * 10_000) / 100).toFixed(2)}%`;
}
