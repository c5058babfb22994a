/**
 * What the public status page shows, shared by its JSON (status-routes.ts), badges and feeds so they never
 * disagree: the public services (the monitored ones, nothing else), the page's address, and each incident in
 * Statuspage's words. Never a check, a vantage or anything secret.
 */
import type { Context } from "hono";
import type { Hub } from "../hub/hub-api.js";
import { groupOf } from "../model/group-rule.js";
import { humanStatus } from "../model/incident-update.js";
import type { ComponentSpec } from "../model/model-types.js";
import type { StoredIncidentUpdate } from "../store/incident-update-store.js";
import type { StoredIncident } from "../store/store.js";
import { iso } from "./api-render.js";
import { listenerOrigin, publicBase } from "./host-policy.js";
import { displayName, type ServiceStatus, serviceStatus, servicesHit } from "./service-status.js";

/** Statuspage's component statuses; a service no check has reached yet is shown operational, as Statuspage has no "unknown". */
export const COMPONENT_STATUS: Record<ServiceStatus, string> = {
  up: "operational",
  unknown: "operational",
  degraded: "degraded_performance",
  partial: "partial_outage",
  down: "major_outage",
};

export const PAGE_ID = "epicenter";

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

export function page(c: Context, updatedAt: number, publicUrl: string | undefined) {
  return {
    id: PAGE_ID,
    name: "Epicenter",
    url: pageUrl(c, publicUrl),
    time_zone: "Etc/UTC",
    updated_at: iso(updatedAt),
  };
}

export interface Service {
  spec: ComponentSpec;
  status: ServiceStatus;
}

export function services(hub: Hub): Service[] {
  const states = new Map(hub.states().map((s) => [s.component, s]));
  return hub
    .components()
    .filter((c) => c.observed)
    .map((spec) => ({ spec, status: serviceStatus(states.get(spec.id)) }));
}

export function componentJson(s: Service, at: string, position: number) {
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
    group_id: `group:${groupOf(s.spec)}`,
    page_id: PAGE_ID,
    group: false,
    only_show_if_degraded: false,
  };
}

export type ComponentJson = ReturnType<typeof componentJson>;

/** The page's services as Statuspage components, by id: what an incident lists as its components. */
export function componentsById(list: Service[], at: string): Map<string, ComponentJson> {
  return new Map(list.map((s, i) => [s.spec.id, componentJson(s, at, i + 1)]));
}

/**
 * The fields every real incident update carries that we have nothing for: no per-update component change
 * list (Statuspage writes null when an update changed none), no tweets, and subscribers are told.
 */
const UPDATE_EXTRAS = {
  affected_components: null,
  deliver_notifications: true,
  custom_tweet: null,
  tweet_id: null,
} as const;

/** One `incident_updates` entry: the localizer's (per change of the named cause) or a person's. */
type UpdateJson = {
  id: string;
  status: string;
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
} & typeof UPDATE_EXTRAS;

/** The public updates people wrote about these incidents, by incident, oldest first (incidentJson's `human`). */
export async function publicUpdates(
  hub: Hub,
  incidents: readonly StoredIncident[],
): Promise<Map<string, StoredIncidentUpdate[]>> {
  const byIncident = new Map<string, StoredIncidentUpdate[]>();
  for (const u of await hub.incidentUpdates.listIncidentUpdates(incidents.map((i) => i.id)))
    if (u.public) byIncident.set(u.incidentId, [...(byIncident.get(u.incidentId) ?? []), u]);
  return byIncident;
}

/**
 * One incident as Statuspage shows it, with one update per change of the named cause and one per public
 * update a person wrote (`human`, which the caller filters to the public ones), newest first. While the
 * localizer's incident is open its status is the latest person's, when one wrote (a person's "resolved" does
 * not resolve it: `resolved_at` is the localizer's). Its components are the page's own component objects at
 * their current status (`shown`), as real pages list them; a service no longer on the page is left out.
 */
export function incidentJson(
  incident: StoredIncident,
  byId: Map<string, ComponentSpec>,
  shown: Map<string, ComponentJson>,
  human: readonly StoredIncidentUpdate[] = [],
) {
  const hit = servicesHit(incident, byId);
  const components = hit.flatMap((id) => {
    const c = shown.get(id);
    return c ? [c] : [];
  });
  const impaired = (id: string) => {
    const status = shown.get(id)?.status;
    return status === "major_outage" || status === "partial_outage";
  };
  const name = (id: string) => displayName(byId.get(id), id);
  const top = incident.epicenter[0];
  const title = incident.vantage
    ? `Checks from ${top?.component ?? "one vantage"} are failing (our own network)`
    : `${top ? name(top.component) : "A provider"} is likely failing`;
  const status =
    incident.resolvedAt !== null
      ? "resolved"
      : (humanStatus(human) ??
        ((top?.confidence ?? 0) >= 0.5 ? ("identified" as const) : ("investigating" as const)));
  const impact = hit.length === 0 ? "none" : hit.some(impaired) ? "major" : "minor";
  const updates: UpdateJson[] = incident.history.map((h, i) => {
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
      ...UPDATE_EXTRAS,
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
      ...UPDATE_EXTRAS,
    });
  for (const u of human)
    updates.push({
      id: u.id,
      status: u.status,
      body: u.message,
      incident_id: incident.id,
      created_at: iso(u.at),
      updated_at: iso(u.at),
      display_at: iso(u.at),
      ...UPDATE_EXTRAS,
    });
  // Oldest first, stably (at one instant the localizer's before a person's), then reversed: newest first.
  updates.sort((a, b) => (a.display_at < b.display_at ? -1 : a.display_at > b.display_at ? 1 : 0));
  const monitoring = human.find((u) => u.status === "monitoring");
  const at = iso(Math.max(incident.updatedAt, ...human.map((u) => u.at)));
  return {
    id: incident.id,
    name: title,
    status,
    created_at: iso(incident.openedAt),
    updated_at: at,
    monitoring_at: monitoring ? iso(monitoring.at) : null,
    resolved_at: iso(incident.resolvedAt),
    impact,
    shortlink: `/incidents/${incident.id}`,
    started_at: iso(incident.openedAt),
    page_id: PAGE_ID,
    incident_updates: updates.reverse(),
    components,
    reminder_intervals: null,
  };
}
