/**
 * The public status page's data, in Atlassian Statuspage's v2 format so other tools (our own statuspage check
 * among them) can read it: /status/api/v2/summary.json and /status/api/v2/incidents.json. Anonymous by design
 * and read-only; it shows only monitored services (grouped by the first segment of their id) and incidents in
 * plain words, never checks, vantages or anything secret.
 */
import type { Context } from "hono";
import type { Hub } from "../hub/hub-api.js";
import type { ComponentSpec } from "../model/model-types.js";
import type { StoredIncident } from "../store/store.js";
import { iso } from "./api-render.js";
import { listenerOrigin, publicBase } from "./host-policy.js";
import { modelIndex } from "./model-routes.js";
import { defineRoute, type Route } from "./route-table.js";
import { displayName, type ServiceStatus, serviceStatus, servicesHit } from "./service-status.js";
import { statusIncidentsResponse, statusSummaryResponse } from "./status-responses.js";

/** Statuspage's component statuses; a service no check has reached yet is shown operational, as Statuspage has no "unknown". */
const COMPONENT_STATUS: Record<ServiceStatus, string> = {
  up: "operational",
  unknown: "operational",
  degraded: "degraded_performance",
  partial: "partial_outage",
  down: "major_outage",
};

const PAGE_ID = "epicenter";

/**
 * The status page's address: under `publicUrl` when the config sets it, else at the address the connection
 * reached, never from the Host header (anyone can send one; a rebound name would otherwise be echoed back).
 */
function pageUrl(c: Context, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return `${publicBase(publicUrl)}/status`;
  const env = c.env as { incoming?: { socket?: { localAddress?: string; localPort?: number } } } | undefined;
  const socket = env?.incoming?.socket;
  return `${listenerOrigin({ address: socket?.localAddress, port: socket?.localPort })}/status`;
}

function page(c: Context, updatedAt: number, publicUrl: string | undefined) {
  return {
    id: PAGE_ID,
    name: "Epicenter",
    url: pageUrl(c, publicUrl),
    time_zone: "Etc/UTC",
    updated_at: iso(updatedAt),
  };
}

interface Service {
  spec: ComponentSpec;
  status: ServiceStatus;
}

function services(hub: Hub): Service[] {
  const states = new Map(hub.states().map((s) => [s.component, s]));
  return hub
    .components()
    .filter((c) => c.observed)
    .map((spec) => ({ spec, status: serviceStatus(states.get(spec.id)) }));
}

function componentJson(s: Service, at: string, position: number) {
  return {
    id: s.spec.id,
    name: displayName(s.spec, s.spec.id),
    status: COMPONENT_STATUS[s.status],
    created_at: at,
    updated_at: at,
    position,
    description: s.status === "unknown" ? "not checked yet" : null,
    showcase: false,
    start_date: null,
    group_id: `group:${groupOf(s.spec.id)}`,
    page_id: PAGE_ID,
    group: false,
    only_show_if_degraded: false,
  };
}

const groupOf = (id: string) => id.split("/")[0]!;

/** One incident as Statuspage shows it, with one update per change of the named cause, newest first. */
function incidentJson(incident: StoredIncident, byId: Map<string, ComponentSpec>, impaired: Set<string>) {
  const hit = servicesHit(incident, byId);
  const name = (id: string) => displayName(byId.get(id), id);
  const top = incident.epicenter[0];
  const title = incident.vantage
    ? `Checks from ${top?.component ?? "one vantage"} are failing (our own network)`
    : `${top ? name(top.component) : "A provider"} is likely failing`;
  const status =
    incident.resolvedAt !== null
      ? "resolved"
      : (top?.confidence ?? 0) >= 0.5
        ? "identified"
        : "investigating";
  const impact = hit.length === 0 ? "none" : hit.some((id) => impaired.has(id)) ? "major" : "minor";
  const updates = incident.history.map((h, i) => {
    const cause = h.epicenter[0];
    const body = cause
      ? `The likely cause is ${name(cause.component)} (${Math.round(cause.confidence * 100)}% confidence)` +
        (h.epicenter.length > 1
          ? `; also possible: ${h.epicenter
              .slice(1)
              .map((e) => name(e.component))
              .join(", ")}.`
          : ".")
      : "Investigating.";
    return {
      id: `${incident.id}-${i}`,
      status: i === 0 ? "investigating" : "identified",
      body,
      incident_id: incident.id,
      created_at: iso(h.at),
      updated_at: iso(h.at),
      display_at: iso(h.at),
    };
  });
  if (incident.resolvedAt !== null)
    updates.push({
      id: `${incident.id}-resolved`,
      status: "resolved",
      body: "This incident has been resolved.",
      incident_id: incident.id,
      created_at: iso(incident.resolvedAt),
      updated_at: iso(incident.resolvedAt),
      display_at: iso(incident.resolvedAt),
    });
  const at = iso(incident.updatedAt);
  return {
    id: incident.id,
    name: title,
    status,
    created_at: iso(incident.openedAt),
    updated_at: at,
    monitoring_at: null,
    resolved_at: iso(incident.resolvedAt),
    impact,
    shortlink: `/incidents/${incident.id}`,
    started_at: iso(incident.openedAt),
    page_id: PAGE_ID,
    incident_updates: updates.reverse(),
    components: hit.map((id) => ({ id, name: name(id) })),
  };
}

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
