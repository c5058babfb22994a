/**
 * SLA reports: each component's availability over [from, to) from the store's hourly rollups, counted as the
 * status page's history counts it (status-uptime.ts: an hour some vantage saw counts by the share of its
 * checks that answered; an hour none saw is unknown, left out of the denominator, so a blind watcher is
 * neither 100% nor an outage), with the stored incidents that cost it. Excluded intervals (maintenance
 * windows, `maintenanceExclusions`) are the caller's: every hour that touches one of a component's own is
 * left out of its counts, and counted apart.
 */
import type { Hub } from "../hub/hub-api.js";
import type { MaintenanceWindow } from "../model/maintenance-schedule.js";
import type { ComponentSpec } from "../model/model-types.js";
import type { Rollup, StoredIncident } from "../store/store.js";
import { displayName, servicesHit } from "./service-status.js";
import { DAY_MS, dailyUptime, hourlyRollups, uptimeOf } from "./status-uptime.js";

const HOUR_MS = 3_600_000;
/** The longest report: the default hourly retention is 400 days, and a year is what SLAs are signed over. */
export const MAX_SLA_DAYS = 400;
const INCIDENT_PAGE = 100;
const INCIDENT_PAGES = 50;

/** What the report reads: the hub, or a store opened by the CLI (both answer these two the same way). */
export type SlaSource = Pick<Hub, "rollups" | "incidents">;

/** A span of time, epoch ms, [from, to). */
export interface Interval {
  from: number;
  to: number;
}

/** Time that does not count against the SLA: a maintenance window, for its components (absent: all). */
export interface Exclusion extends Interval {
  id?: string;
  title?: string;
  components?: readonly string[];
}

/** Maintenance windows (the hub's MaintenanceBook.windows) as exclusions of their own components. */
export function maintenanceExclusions(windows: readonly MaintenanceWindow[]): Exclusion[] {
  return windows.map((w) => ({
    id: w.id,
    title: w.title,
    from: w.start,
    to: w.end,
    components: w.components,
  }));
}

export interface SlaOptions {
  from: number;
  to: number;
  /** The components to report on, in this order. */
  components: readonly ComponentSpec[];
  /** Every component of the model, to name incidents' epicenters (default: `components`). */
  model?: readonly ComponentSpec[];
  /**
   * Time that does not count against the SLA (maintenance windows): an hour that overlaps one of a
   * component's is left out of its seen and unknown time and reported as excluded.
   */
  exclude?: readonly Exclusion[];
  /** Hours from now on have not happened yet and are not counted at all. */
  now: number;
}

export interface SlaIncident {
  id: string;
  title: string;
  openedAt: number;
  resolvedAt: number | null;
  /** Minutes of the incident inside the report's window (up to now when it is still open). */
  minutes: number;
}

export interface ComponentSla {
  id: string;
  name: string;
  /** Up share of the seen hours, 0..1; null when no vantage saw any hour of the window. */
  availability: number | null;
  /** Hours of the window that have happened (to `now`). */
  hours: number;
  seenHours: number;
  /** The seen hours' up share, summed (availability = upHours / seenHours). */
  upHours: number;
  /** Hours no vantage saw: neither up nor down. */
  unknownHours: number;
  excludedHours: number;
  /** Estimated downtime: the seen hours' down share, in minutes. */
  downMinutes: number;
  incidents: SlaIncident[];
}

export interface SlaReport {
  from: number;
  to: number;
  /** The exclusions that overlap the window. */
  excluded: Exclusion[];
  components: ComponentSla[];
}

/**
 * A report bound: a UTC date (2026-11-01, its midnight) or an ISO 8601 time on the hour
 * (2026-11-01T06:00:00Z, 2026-11-01T07:00+01:00); the reason it is not one otherwise.
 */
export function parseSlaTime(text: string): number | string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(date)
    ? Date.parse(date)
    : Number.NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== dayOf(date, ms))
    return `"${text}" is not a date like 2026-11-01 or an ISO 8601 time like 2026-11-01T06:00:00Z`;
  if (ms % HOUR_MS !== 0)
    return `"${text}" is not on the hour: rollups are hourly, so a report starts and ends on the hour`;
  return ms;
}

/** The calendar day a time names, to refuse 2026-02-30 (which Date.parse rolls over) but keep offsets. */
function dayOf(text: string, ms: number): string {
  return /(Z|[+-]00:00)$/.test(text) ? text.slice(0, 10) : new Date(ms).toISOString().slice(0, 10);
}

/** The reason [from, to) cannot be a report's window, or undefined when it can. */
/**
 * `--tag` / `?tag=`: the components carrying the tag; when none does, a message naming the tags in use (so a
 * typo is not taken for a report on nothing).
 */
export function withTag(components: readonly ComponentSpec[], tag: string): ComponentSpec[] | string {
  const tagged = components.filter((c) => c.tags?.includes(tag));
  if (tagged.length > 0) return tagged;
  const inUse = [...new Set(components.flatMap((c) => c.tags ?? []))].sort();
  return `no observed component carries tag "${tag}"; ${inUse.length > 0 ? `tags in use: ${inUse.join(", ")}` : "no component has tags"}`;
}

export function slaWindowProblem(from: number, to: number): string | undefined {
  if (to <= from) return "to must be after from";
  if (to - from > MAX_SLA_DAYS * DAY_MS) return `a report spans at most ${MAX_SLA_DAYS} days`;
  return undefined;
}

export async function slaReport(source: SlaSource, options: SlaOptions): Promise<SlaReport> {
  const { from, components, now } = options;
  // Hours that have not begun are left out; the hour running now counts with what it has.
  const to = Math.max(from, Math.min(options.to, Math.ceil(now / HOUR_MS) * HOUR_MS));
  const exclude = (options.exclude ?? []).filter((x) => x.from < to && x.to > from);
  const hours = (to - from) / HOUR_MS;
  const days = Math.max(1, Math.ceil((to - from) / DAY_MS));
  const byId = new Map((options.model ?? components).map((c) => [c.id, c]));
  for (const c of components) if (!byId.has(c.id)) byId.set(c.id, c);
  const incidents = to > from ? await incidentsOverlapping(source, from, to) : [];
  const out: ComponentSla[] = [];
  for (const spec of components) {
    const own = exclude.filter((x) => x.components === undefined || x.components.includes(spec.id));
    const excludedHour = (hour: number) => own.some((x) => x.from < hour + HOUR_MS && x.to > hour);
    let excludedHours = 0;
    for (let h = from; h < to; h += HOUR_MS) if (excludedHour(h)) excludedHours++;
    const rollups = to > from ? await hourlyRollups(source, spec.id, from, to) : ([] as Rollup[]);
    const counted = rollups.filter(
      (r) => r.at >= from && r.at < to && !excludedHour(Math.floor(r.at / HOUR_MS) * HOUR_MS),
    );
    const perDay = dailyUptime(counted, from, days);
    const seenHours = perDay.reduce((n, d) => n + d.seenHours, 0);
    const upHours = perDay.reduce((n, d) => n + d.upHours, 0);
    // Observed components only: servicesHit names the services an incident hit, as the status page does.
    const observed = new Map([[spec.id, { ...spec, observed: true }]]);
    out.push({
      id: spec.id,
      name: displayName(spec, spec.id),
      availability: uptimeOf(perDay),
      hours,
      seenHours,
      upHours,
      unknownHours: hours - excludedHours - seenHours,
      excludedHours,
      downMinutes: Math.round((seenHours - upHours) * 60 * 100) / 100,
      incidents: incidents
        .filter((i) => servicesHit(i, observed).includes(spec.id))
        .map((i) => ({
          id: i.id,
          title: incidentTitle(i, byId),
          openedAt: i.openedAt,
          resolvedAt: i.resolvedAt,
          minutes:
            Math.round(((Math.min(i.resolvedAt ?? now, to) - Math.max(i.openedAt, from)) / 60_000) * 100) /
            100,
        }))
        .sort((a, b) => a.openedAt - b.openedAt),
    });
  }
  return { from, to, excluded: exclude.map((x) => ({ ...x })), components: out };
}

/** How the status page words an incident: its likely cause, or the watcher's own network. */
function incidentTitle(incident: StoredIncident, byId: Map<string, ComponentSpec>): string {
  const top = incident.epicenter[0];
  if (incident.vantage) return `Checks from ${top?.component ?? "one vantage"} are failing (our own network)`;
  return `${top ? displayName(byId.get(top.component), top.component) : "A provider"} is likely failing`;
}

/** Stored incidents open at some time in [from, to), paged newest opened first from `to` back. */
async function incidentsOverlapping(source: SlaSource, from: number, to: number): Promise<StoredIncident[]> {
  const found: StoredIncident[] = [];
  let before = to;
  for (let n = 0; n < INCIDENT_PAGES; n++) {
    const page = await source.incidents({ limit: INCIDENT_PAGE, before });
    found.push(...page.filter((i) => (i.resolvedAt ?? Number.POSITIVE_INFINITY) > from));
    const last = page.at(-1);
    // Older pages hold incidents opened before `from`: only one still open then would count, and the
    // store's upkeep resolves those long before a month has passed.
    if (page.length < INCIDENT_PAGE || last === undefined || last.openedAt < from) break;
    before = last.openedAt;
  }
  return found;
}
