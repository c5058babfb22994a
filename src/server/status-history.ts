/**
 * The status page's history: GET /status/api/v2/uptime.json, each public service's uptime per UTC day for
 * the last 90 days (status-uptime.ts: a day no vantage saw is unknown, not up) with the incidents that hit it
 * that day. Composed from the hub's rollups and incidents; public and cacheable like the badges.
 */
import type { Context } from "hono";
import type { Hub } from "../hub/hub-api.js";
import type { StoredIncident } from "../store/store.js";
import { modelIndex } from "./model-routes.js";
import { cacheable } from "./public-cache.js";
import { defineRoute, type Route } from "./route-table.js";
import { displayName, servicesHit } from "./service-status.js";
import { incidentJson, page, services } from "./status-page-data.js";
import { statusUptimeResponse } from "./status-responses.js";
import { DAY_MS, dailyUptime, hourlyRollups, uptimeOf, windowStart } from "./status-uptime.js";

const HISTORY_DAYS = 90;
/** Incidents read per page, and at most this many pages (90 days of a very bad quarter). */
const INCIDENT_PAGE = 100;
const INCIDENT_PAGES = 20;

/** Incidents open at some time in [from, to), newest first, paged through the hub. */
async function incidentsSince(hub: Hub, from: number): Promise<StoredIncident[]> {
  const found: StoredIncident[] = [];
  let before: number | undefined;
  for (let n = 0; n < INCIDENT_PAGES; n++) {
    const batch = await hub.incidents({ limit: INCIDENT_PAGE, ...(before === undefined ? {} : { before }) });
    found.push(...batch.filter((i) => (i.resolvedAt ?? Number.POSITIVE_INFINITY) >= from));
    const last = batch.at(-1);
    // Newest opened first: once a page reaches back before the window, older ones are done (an older one
    // still open past `from` is rare, and its page was read).
    if (batch.length < INCIDENT_PAGE || last === undefined || last.openedAt < from) break;
    before = last.openedAt;
  }
  return found;
}

async function history(c: Context, hub: Hub, at: number, publicUrl: string | undefined) {
  const { byId } = modelIndex(hub);
  const from = windowStart(at, HISTORY_DAYS);
  const incidents = await incidentsSince(hub, from);
  const named = incidents.map((i) => ({ stored: i, name: incidentJson(i, byId, new Map()).name }));
  const components = [];
  for (const s of services(hub)) {
    const days = dailyUptime(await hourlyRollups(hub, s.spec.id, from, at + 1), from, HISTORY_DAYS);
    const mine = named.filter((i) => servicesHit(i.stored, byId).includes(s.spec.id));
    components.push({
      id: s.spec.id,
      name: displayName(s.spec, s.spec.id),
      uptime: uptimeOf(days),
      days: days.map((d) => ({
        date: new Date(d.day).toISOString().slice(0, 10),
        uptime: d.seenHours === 0 ? null : d.upHours / d.seenHours,
        seen_hours: d.seenHours,
        incidents: mine
          .filter((i) => i.stored.openedAt < d.day + DAY_MS && (i.stored.resolvedAt ?? at) >= d.day)
          .map((i) => ({ id: i.stored.id, name: i.name })),
      })),
    });
  }
  // To the minute, as the rollups are folded: the body (and its ETag) holds still between folds.
  return { page: page(c, Math.floor(at / 60_000) * 60_000, publicUrl), days: HISTORY_DAYS, components };
}

export function historyRoute(publicUrl?: string): Route {
  return defineRoute({
    method: "GET",
    path: "/status/api/v2/uptime.json",
    access: "public",
    tag: "status page",
    summary:
      "Public, no token: each monitored service's uptime per UTC day for the last 90 days (null where no vantage saw it: unknown, not up) and the incidents that hit it each day",
    response: statusUptimeResponse,
    responses: {
      200: "`{page, days, components: [{id, name, uptime, days: [{date, uptime, seen_hours, incidents}]}]}`",
      304: "Not modified (If-None-Match)",
    },
    handler: async ({ c, hub, now }) =>
      cacheable(
        c,
        JSON.stringify(await history(c, hub, now(), publicUrl)),
        "application/json; charset=utf-8",
      ),
  });
}
