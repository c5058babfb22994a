/**
 * The public status page's data, in Atlassian Statuspage's v2 format so other tools (our own statuspage check
 * and Statuspage clients from npm among them) can read it: /status/api/v2/summary.json, status.json,
 * components.json, incidents.json and incidents/unresolved.json, with the keys and words of the real pages
 * (test/statuspage-shape.test.ts compares them with captured Cloudflare and GitHub pages). Anonymous by design
 * and read-only; it shows only monitored services (grouped by the first segment of their id) and incidents in
 * plain words, never checks, vantages or anything secret.
 */
import type { Context } from "hono";
import type { Hub } from "../hub/hub-api.js";
import { iso } from "./api-render.js";
import { serviceGroups } from "./group-status.js";
import { scheduledMaintenanceJson } from "./maintenance-json.js";
import { modelIndex } from "./model-routes.js";
import { defineRoute, type Route } from "./route-table.js";
import { pageStatus } from "./status-indicator.js";
import {
  COMPONENT_STATUS,
  componentsById,
  incidentJson,
  PAGE_ID,
  page,
  publicUpdates,
  services,
} from "./status-page-data.js";
import {
  statusComponentsResponse,
  statusIncidentsResponse,
  statusStatusResponse,
  statusSummaryResponse,
} from "./status-responses.js";

/** The page as Statuspage lays it out now: groups then services, the open incidents, the overall status. */
async function pageNow(c: Context, hub: Hub, at: number, publicUrl: string | undefined) {
  const { byId } = modelIndex(hub);
  const list = services(hub);
  const stamp = iso(at);
  const shown = componentsById(list, stamp);
  // A group's status follows its rule (`groups:` in the config; group-status.ts), not just its worst member.
  const components = [
    ...serviceGroups(list, hub.groupRules()).map((g, i) => ({
      id: `group:${g.name}`,
      name: g.name,
      status: COMPONENT_STATUS[g.status],
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
      components: g.members,
    })),
    ...shown.values(),
  ];
  return {
    page: page(c, at, publicUrl),
    components,
    /** Maintenance windows in progress or starting within two weeks, by start, in Statuspage's words. */
    maintenances: (url: string) =>
      hub.maintenance.currentAndUpcoming(at).map((w) => scheduledMaintenanceJson(w, at, shown, url)),
    status: pageStatus([...shown.values()].map((s) => s.status)),
    /** The incidents in Statuspage's words, with the public updates people wrote. */
    incidents: async (list: Parameters<typeof incidentJson>[0][]) => {
      const human = await publicUpdates(hub, list);
      return list.map((i) => incidentJson(i, byId, shown, human.get(i.id)));
    },
  };
}

export function statusRoutes(publicUrl?: string): Route[] {
  const common = { method: "GET", access: "public", tag: "status page" } as const;
  return [
    defineRoute({
      ...common,
      path: "/status/api/v2/summary.json",
      summary:
        "Public, no token: the monitored services' states, open incidents, maintenance windows in progress or upcoming (two weeks) and the overall indicator, in Atlassian Statuspage v2 summary format",
      response: statusSummaryResponse,
      responses: { 200: "`{page, components, incidents, scheduled_maintenances, status}`" },
      handler: async ({ c, hub, now }) => {
        const p = await pageNow(c, hub, now(), publicUrl);
        const open = await hub.incidents({ open: true, limit: 50 });
        return c.json({
          page: p.page,
          components: p.components,
          incidents: await p.incidents(open),
          scheduled_maintenances: p.maintenances(p.page.url),
          status: p.status,
        });
      },
    }),
    defineRoute({
      ...common,
      path: "/status/api/v2/status.json",
      summary: "Public, no token: the overall indicator alone, in Statuspage v2 format",
      response: statusStatusResponse,
      responses: { 200: "`{page, status}`" },
      handler: async ({ c, hub, now }) => {
        const p = await pageNow(c, hub, now(), publicUrl);
        return c.json({ page: p.page, status: p.status });
      },
    }),
    defineRoute({
      ...common,
      path: "/status/api/v2/components.json",
      summary: "Public, no token: the monitored services and their groups, in Statuspage v2 format",
      response: statusComponentsResponse,
      responses: { 200: "`{page, components}`" },
      handler: async ({ c, hub, now }) => {
        const p = await pageNow(c, hub, now(), publicUrl);
        return c.json({ page: p.page, components: p.components });
      },
    }),
    defineRoute({
      ...common,
      path: "/status/api/v2/incidents.json",
      summary: "Public, no token: the 50 most recent incidents, open and resolved, in Statuspage v2 format",
      response: statusIncidentsResponse,
      responses: { 200: "`{page, incidents}`" },
      handler: async ({ c, hub, now }) => {
        const p = await pageNow(c, hub, now(), publicUrl);
        const recent = await hub.incidents({ limit: 50 });
        return c.json({ page: p.page, incidents: await p.incidents(recent) });
      },
    }),
    defineRoute({
      ...common,
      path: "/status/api/v2/incidents/unresolved.json",
      summary: "Public, no token: the open incidents (at most 50), in Statuspage v2 format",
      response: statusIncidentsResponse,
      responses: { 200: "`{page, incidents}`" },
      handler: async ({ c, hub, now }) => {
        const p = await pageNow(c, hub, now(), publicUrl);
        const open = await hub.incidents({ open: true, limit: 50 });
        return c.json({ page: p.page, incidents: await p.incidents(open) });
      },
    }),
  ];
}
