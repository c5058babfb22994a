/**
 * Maintenance windows as times: a one-off window, or a recurring one (an RFC 5545 RRULE from a local start
 * time in an IANA time zone, each occurrence lasting `durationMs`), and which windows are on at a moment.
 * Pure: the rule is expanded in floating time (rrule's Dates whose UTC fields are the local wall time), and
 * each wall time is placed in its zone by `zonedToUtc`, so daylight-saving changes move the UTC time of a
 * "Sunday 03:00 Europe/Berlin" window, never its wall time (rrule's own TZID support relies on the host).
 */
import rrulePackage from "rrule";

const { RRule, Frequency } = rrulePackage;

/** A maintenance window the config describes: one-off (`start`, `end`) or recurring (`rrule`). */
export type MaintenanceSpec = {
  id: string;
  title: string;
  /** Components under maintenance: incidents whose cause and affected components all are, notify no one. */
  components: string[];
} & (
  | { kind: "once"; start: number; end: number }
  | {
      kind: "recurring";
      /** The RRULE value (`FREQ=WEEKLY;BYDAY=SU`), without DTSTART. */
      rrule: string;
      /** The first occurrence's local wall time, as epoch ms of that wall time read as UTC. */
      startWall: number;
      timeZone: string;
      durationMs: number;
    }
);

/** One window in time: a one-off, an occurrence of a recurring one, or one made through the API. */
export interface MaintenanceWindow {
  /** A one-off's id; `<id>@<start as 20261206T020000Z>` for an occurrence; the API's own for the API's. */
  id: string;
  title: string;
  components: string[];
  start: number;
  end: number;
  /** Where it comes from: the config file, or the API. */
  source: "config" | "api";
}

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the host knows this IANA zone name (`Europe/Berlin`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The wall time at instant `at` in `timeZone`, as epoch ms of that wall time read as UTC (whole seconds). */
export function utcToWall(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at)))
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall + (((at % 1000) + 1000) % 1000);
}

function offsetAt(at: number, timeZone: string): number {
  return utcToWall(at, timeZone) - at;
}

/**
 * The instant a local wall time names in `timeZone`. A wall time that occurs twice (clocks set back) is its
 * first occurrence; one that does not occur (clocks set forward) is read with the offset before the gap, so
 * it lands as far after the gap's start as it was meant to be: RFC 5545 section 3.3.5.
 */
export function zonedToUtc(wall: number, timeZone: string): number {
  // Zones change offset at most once within a day of any instant.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const valid = [wall - before, wall - after].filter((t) => offsetAt(t, timeZone) === wall - t);
  return valid.length > 0 ? Math.min(...valid) : wall - before;
}

const RULE_PARTS = new Set([
  "FREQ",
  "UNTIL",
  "COUNT",
  "INTERVAL",
  "BYSECOND",
  "BYMINUTE",
  "BYHOUR",
  "BYDAY",
  "BYMONTHDAY",
  "BYYEARDAY",
  "BYWEEKNO",
  "BYMONTH",
  "BYSETPOS",
  "WKST",
]);
const FREQS = new Set(["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]);

/** Why an RRULE value cannot be used, or null. Recurrence faster than hourly is refused. */
export function rruleProblem(rule: string): string | null {
  if (/(^|;)\s*(DTSTART|TZID)\b/i.test(rule) || /\n/.test(rule))
    return "give only the RRULE value (FREQ=...;...); the first occurrence is `start`, the zone `timeZone`";
  const value = rule.replace(/^RRULE:/i, "");
  for (const part of value.split(";")) {
    const [key, val] = part.split("=");
    if (!val || !RULE_PARTS.has(key!.toUpperCase()))
      return `not an RRULE part: "${part}"; e.g. FREQ=WEEKLY;BYDAY=SU`;
    if (key!.toUpperCase() === "FREQ" && !FREQS.has(val.toUpperCase()))
      return `FREQ=${val} is not a frequency; use HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY`;
  }
  try {
    const options = RRule.parseString(value);
    if (options.freq === undefined) return "an RRULE needs FREQ (e.g. FREQ=WEEKLY;BYDAY=SU)";
    if (options.freq === Frequency.MINUTELY || options.freq === Frequency.SECONDLY)
      return "a maintenance window recurs at most hourly (FREQ=HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY)";
    return null;
  } catch (error) {
    return `not an RRULE (${(error as Error).message}); e.g. FREQ=WEEKLY;BYDAY=SU`;
  }
}

function occurrenceId(id: string, start: number): string {
  return `${id}@${new Date(start).toISOString().replace(/[-:]|\.\d+/g, "")}`;
}

/** The windows of `spec` that overlap [from, to), in start order. */
export function windowsOf(spec: MaintenanceSpec, from: number, to: number): MaintenanceWindow[] {
  const base = { title: spec.title, components: spec.components, source: "config" as const };
  if (spec.kind === "once")
    return spec.start < to && spec.end > from
      ? [{ id: spec.id, ...base, start: spec.start, end: spec.end }]
      : [];
  const rule = new RRule({
    ...RRule.parseString(spec.rrule.replace(/^RRULE:/i, "")),
    dtstart: new Date(spec.startWall),
  });
  // Floating times differ from UTC by the zone's offset (at most 14 h): widen the range by a day each side.
  const walls = rule.between(new Date(from - spec.durationMs - DAY_MS), new Date(to + DAY_MS), true);
  const windows: MaintenanceWindow[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const wall of walls) {
    const start = zonedToUtc(wall.getTime(), spec.timeZone);
    // Two wall times in one gap can land on one instant: one window.
    if (start === last) continue;
    last = start;
    const end = start + spec.durationMs;
    if (start < to && end > from) windows.push({ id: occurrenceId(spec.id, start), ...base, start, end });
  }
  return windows;
}

/** The windows of every spec that overlap [from, to), by start then id. */
export function windowsBetween(
  specs: readonly MaintenanceSpec[],
  from: number,
  to: number,
): MaintenanceWindow[] {
  return specs
    .flatMap((s) => windowsOf(s, from, to))
    .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
}

/** Components in a window that is on at `at` (start inclusive, end exclusive). */
export function componentsInMaintenance(windows: readonly MaintenanceWindow[], at: number): Set<string> {
  const ids = new Set<string>();
  for (const w of windows) if (w.start <= at && at < w.end) for (const c of w.components) ids.add(c);
  return ids;
}

/** How far ahead "upcoming" windows are listed (status page, API): two weeks. */
export const UPCOMING_MS = 14 * DAY_MS;

/** Longest recurring window the config accepts: a week (a longer one overlaps itself for weekly rules). */
export const MAX_RECURRING_MS = 7 * DAY_MS;

/**
 * The latest end a one-off window may have when made at `now`: two calendar years ahead (UTC). A window
 * further out is a typo (year 9999) that would hold an incident's notifications for ever; recurring rules
 * are bounded by their duration instead.
 */
export function latestMaintenanceEnd(now: number): number {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() + 2);
  return d.getTime();
}
