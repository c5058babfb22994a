/**
 * The public status page's data, in Atlassian Statuspage's v2 format so other tools (our own statuspage check
 * among them) can read it: /status/api/v2/summary.json and /status/api/v2/incidents.json. Anonymous by design
 * and read-only; it shows only monitored services (grouped by the first segment of their id) and incidents in
 * plain words, never checks, vantages or anything secret.
 */
import { iso } from "./api-render.js";
import { modelIndex } from "./model-routes.js";
import { defineRoute, type Route } from "./route-table.js";
import type { ServiceStatus } from "./service-status.js";
import {
  COMPONENT_STATUS,
  componentJson,
  groupOf,
  incidentJson,
  PAGE_ID,
  page,
  type Service,
  services,
} from "./status-page-data.js";
import { statusIncidentsResponse, statusSummaryResponse } from "./status-responses.js";

/** Statuspage's overall indicator from the services' states. */
function indicator(statuses: ServiceStatus[]): { indicator: string; description: string } {
  const down = statuses.filter((s) => s === "down").length;
  if (statuses.length > 0 && down * 2 > statuses.length)
    return { indicator: "critical", description: "Major Service Outage" };
  if (statuses.some((s) => s === "down" || s === "partial"))
    return { indicator: "major", description: "Partial System Outage" };
  if (statuses.some((s) => s === "degraded"))
    return { indicator: "minor", description: "Minor Service Outage" };
  return { indicator: "none", description: "All Systems Operational" };
}

export function statusRoutes(publicUrl?: string): Route[] {
  return [
    defineRoute({
      method: "GET",
      path: "/status/api/v2/summary.json",
      access: "public",
      tag: "status page",
      summary:
        "Public, no token: the monitored services' states, open incidents and the overall indicator, in Atlassian Statuspage v2 summary format",
      response: statusSummaryResponse,
      responses: { 200: "`{page, components, incidents, scheduled_maintenances, status}`" },
      handler: async ({ c, hub, now }) => {
        const at = now();
        const { byId } = modelIndex(hub);
        const list = services(hub);
        const stamp = iso(at);
        const groups = new Map<string, string[]>();
        for (const s of list) {
          const g = groupOf(s.spec.id);
          groups.set(g, [...(groups.get(g) ?? []), s.spec.id]);
        }
        const impaired = new Set(
          list.filter((s) => s.status === "down" || s.status === "partial").map((s) => s.spec.id),
        );
        const open = await hub.incidents({ open: true, limit: 50 });
        return c.json({
          page: page(c, at, publicUrl),
          components: [
            ...[...groups].map(([g, ids], i) => ({
              id: `group:${g}`,
              name: g,
              status: COMPONENT_STATUS[worst(list.filter((s) => groupOf(s.spec.id) === g))],
              created_at: stamp,
              updated_at: stamp,
              position: i + 1,
              description: null,
              showcase: false,
              start_date: null,
              group_id: null,
              page_id: PAGE_ID,
              group: true,
              only_show_if_degraded: false,
              components: ids,
            })),
            ...list.map((s, i) => componentJson(s, stamp, i + 1)),
          ],
          incidents: open.map((i) => incidentJson(i, byId, impaired)),
          scheduled_maintenances: [],
          status: indicator(list.map((s) => s.status)),
        });
      },
    }),
    defineRoute({
      method: "GET",
      path: "/status/api/v2/incidents.json",
      access: "public",
      tag: "status page",
      summary: "Public, no token: the 50 most recent incidents, open and resolved, in Statuspage v2 format",
      response: statusIncidentsResponse,
      responses: { 200: "`{page, incidents}`" },
      handler: async ({ c, hub, now }) => {
        const { byId } = modelIndex(hub);
        const impaired = new Set(
          services(hub)
            .filter((s) => s.status === "down" || s.status === "partial")
            .map((s) => s.spec.id),
        );
        const recent = await hub.incidents({ limit: 50 });
        return c.json({
          page: page(c, now(), publicUrl),
          incidents: recent.map((i) => incidentJson(i, byId, impaired)),
        });
      },
    }),
  ];
}

function worst(list: Service[]): ServiceStatus {
  const order: ServiceStatus[] = ["down", "partial", "degraded", "up", "unknown"];
  return order.find((s) => list.some((x) => x.status === s)) ?? "unknown";
}
