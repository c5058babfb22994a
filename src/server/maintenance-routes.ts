/**
 * Maintenance windows over HTTP: the API (list current and upcoming, make one, end one early) and the
 * status page's Statuspage JSON (`/status/api/v2/scheduled-maintenances.json`, upcoming.json, active.json).
 * Times in and out are ISO 8601; the hub's book (src/hub/maintenance-book.ts) keeps them.
 */
import * as z from "zod";
import { latestMaintenanceEnd } from "../model/maintenance-schedule.js";
import { ApiError } from "./api-errors.js";
import { iso } from "./api-render.js";
import {
  MAINTENANCE_KEPT_MS,
  maintenanceResponse,
  maintenanceStatus,
  maintenancesResponse,
  renderMaintenance,
  scheduledMaintenance,
  scheduledMaintenanceJson,
} from "./maintenance-json.js";
import { defineRoute, type Route } from "./route-table.js";
import { componentsById, page, services } from "./status-page-data.js";

const time = z.iso.datetime({ offset: true }).meta({ description: "ISO 8601 with Z or an offset" });

const maintenanceBody = z.strictObject({
  title: z.string().min(1).max(200),
  components: z.array(z.string().min(1)).min(1).max(500),
  start: time,
  end: time,
});

const statusPage = z.strictObject({
  page: z.looseObject({ id: z.string(), name: z.string(), url: z.string() }),
  scheduled_maintenances: z.array(scheduledMaintenance),
});

function statusMaintenanceRoute(
  path: string,
  summary: string,
  keep: (status: ReturnType<typeof maintenanceStatus>) => boolean,
  publicUrl: string | undefined,
): Route {
  return defineRoute({
    method: "GET",
    path,
    access: "public",
    tag: "status page",
    summary,
    response: statusPage,
    responses: { 200: "`{page, scheduled_maintenances}`, newest scheduled first" },
    handler: ({ c, hub, now }) => {
      const at = now();
      const p = page(c, at, publicUrl);
      const shown = componentsById(services(hub), iso(at));
      const list = hub.maintenance
        .windows(at - MAINTENANCE_KEPT_MS, Number.POSITIVE_INFINITY)
        .filter((w) => w.start < at + 14 * 86_400_000 && keep(maintenanceStatus(w, at)))
        .reverse();
      return c.json({
        page: p,
        scheduled_maintenances: list.map((w) => scheduledMaintenanceJson(w, at, shown, p.url)),
      });
    },
  });
}

export function maintenanceRoutes(publicUrl?: string): Route[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/v1/maintenances",
      access: "viewer",
      tag: "maintenance",
      summary:
        "Maintenance windows on now or starting within two weeks (the config's and the API's), by start",
      response: maintenancesResponse,
      responses: { 200: "`{maintenances: [{id, title, components, start, end, status, source, ...}]}`" },
      handler: ({ c, hub, now }) => {
        const at = now();
        return c.json({
          maintenances: hub.maintenance.currentAndUpcoming(at).map((w) => renderMaintenance(w, at)),
        });
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/v1/maintenances",
      access: "editor",
      tag: "maintenance",
      summary:
        "Plan a maintenance window: incidents whose cause, or every affected component, is in it notify no one while it lasts; probing goes on",
      body: maintenanceBody,
      response: maintenanceResponse,
      responses: {
        201: "`{maintenance}`",
        400: "Unknown component, or end not after start and now, or more than two years from now",
      },
      handler: async ({ c, hub, body, caller, now }) => {
        const known = new Set(hub.components().map((x) => x.id));
        const unknown = body.components.findIndex((id) => !known.has(id));
        if (unknown >= 0)
          throw new ApiError(400, "invalid_request", `unknown component "${body.components[unknown]}"`, {
            path: `components[${unknown}]`,
          });
        const [start, end] = [Date.parse(body.start), Date.parse(body.end)];
        if (end <= start)
          throw new ApiError(400, "invalid_request", "end must be after start", { path: "end" });
        if (end <= now()) throw new ApiError(400, "invalid_request", "end is in the past", { path: "end" });
        const latest = latestMaintenanceEnd(now());
        if (end > latest)
          throw new ApiError(
            400,
            "invalid_request",
            `end is more than two years from now; a window must end by ${iso(latest)}`,
            { path: "end" },
          );
        const made = await hub.maintenance.create({ ...body, start, end, by: caller!.name });
        return c.json({ maintenance: renderMaintenance(made!, now()) }, 201);
      },
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/v1/maintenances/{id}",
      access: "editor",
      tag: "maintenance",
      summary: "End a current window now (one not begun yet is cancelled); a config window's occurrence too",
      params: { id: { description: "The window's id (a config occurrence's is <id>@<start>)" } },
      response: maintenanceResponse,
      responses: { 200: "`{maintenance}` as ended", 404: "No current or upcoming window has this id" },
      handler: async ({ c, hub, params, caller, now }) => {
        const ended = await hub.maintenance.end(params.id!, caller!.name);
        if (!ended) throw new ApiError(404, "not_found", `no current or upcoming maintenance "${params.id}"`);
        return c.json({ maintenance: renderMaintenance(ended, now()) });
      },
    }),
    statusMaintenanceRoute(
      "/status/api/v2/scheduled-maintenances.json",
      "Public, no token: maintenance windows upcoming (two weeks), in progress and completed (last week), in Statuspage v2 format",
      () => true,
      publicUrl,
    ),
    statusMaintenanceRoute(
      "/status/api/v2/scheduled-maintenances/upcoming.json",
      "Public, no token: maintenance windows not begun yet, in Statuspage v2 format",
      (s) => s === "scheduled",
      publicUrl,
    ),
    statusMaintenanceRoute(
      "/status/api/v2/scheduled-maintenances/active.json",
      "Public, no token: maintenance windows in progress, in Statuspage v2 format",
      (s) => s === "in_progress",
      publicUrl,
    ),
  ];
}
