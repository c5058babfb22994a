/**
 * Maintenance windows as JSON: the API's own shape, and Atlassian Statuspage's `scheduled_maintenances`
 * (the keys and words of real pages, as Cloudflare's capture of 2025-11-18 has them), with their schemas.
 */
import * as z from "zod";
import type { MaintenanceView } from "../hub/maintenance-book.js";
import { UPCOMING_MS } from "../model/maintenance-schedule.js";
import { iso } from "./api-render.js";
import { type ComponentJson, PAGE_ID } from "./status-page-data.js";
import { scheduledMaintenance } from "./status-responses.js";

const isoTime = z.iso.datetime();

/** Completed windows stay listed in the Statuspage JSON and the feeds for a week, as real pages keep recent ones. */
export const MAINTENANCE_KEPT_MS = 7 * 86_400_000;

export type MaintenanceStatus = "scheduled" | "in_progress" | "completed";

export function maintenanceStatus(w: MaintenanceView, now: number): MaintenanceStatus {
  if (w.end <= now) return "completed";
  return w.start <= now ? "in_progress" : "scheduled";
}

export const maintenanceJson = z.strictObject({
  id: z.string(),
  title: z.string(),
  components: z.array(z.string()),
  start: isoTime,
  end: isoTime.meta({ description: "When it ends (or ended, when ended early)" }),
  plannedEnd: isoTime,
  endedAt: isoTime.nullable().meta({ description: "When it was ended early (DELETE), else null" }),
  status: z.enum(["scheduled", "in_progress", "completed"]),
  source: z.enum(["config", "api"]),
  createdBy: z.string().nullable(),
});

export function renderMaintenance(w: MaintenanceView, now: number): z.output<typeof maintenanceJson> {
  return {
    id: w.id,
    title: w.title,
    components: w.components,
    start: iso(w.start),
    end: iso(w.end),
    plannedEnd: iso(w.plannedEnd),
    endedAt: iso(w.endedAt),
    status: maintenanceStatus(w, now),
    source: w.source,
    createdBy: w.createdBy,
  };
}

export const maintenancesResponse = z.strictObject({ maintenances: z.array(maintenanceJson) });
export const maintenanceResponse = z.strictObject({ maintenance: maintenanceJson });

export { scheduledMaintenance };

/**
 * One window as Statuspage lists it: its updates newest first (scheduled, then in progress once begun,
 * then completed once over), its components the page's own component objects (public services only).
 */
export function scheduledMaintenanceJson(
  w: MaintenanceView,
  now: number,
  shown: Map<string, ComponentJson>,
  pageUrl: string,
): z.output<typeof scheduledMaintenance> {
  const status = maintenanceStatus(w, now);
  const components = w.components.flatMap((id) => {
    const c = shown.get(id);
    return c ? [c] : [];
  });
  const affected = components.map((c) => ({
    code: c.id,
    name: c.name,
    old_status: "operational",
    new_status: "under_maintenance",
  }));
  // Announced when made, or for the config's when it came within the two weeks lists look ahead: a fixed
  // time, so a feed's entry and an ETag do not change with every request.
  const created = Math.min(w.start, w.createdAt ?? w.start - UPCOMING_MS, now);
  const steps: { status: MaintenanceStatus; at: number; body: string }[] = [
    {
      status: "scheduled",
      at: created,
      body: `${w.title}: scheduled from ${iso(w.start)} until ${iso(w.plannedEnd)}.`,
    },
  ];
  if (status !== "scheduled")
    steps.push({ status: "in_progress", at: w.start, body: "The maintenance is under way." });
  if (status === "completed")
    steps.push({
      status: "completed",
      at: w.end,
      body:
        w.endedAt !== null && w.endedAt < w.plannedEnd
          ? "The maintenance ended early."
          : "The maintenance is complete.",
    });
  const updates = steps.reverse().map((s, i) => ({
    id: `${w.id}-${steps.length - 1 - i}`,
    status: s.status,
    body: s.body,
    incident_id: w.id,
    created_at: iso(s.at),
    updated_at: iso(s.at),
    display_at: iso(s.at),
    affected_components: affected,
    deliver_notifications: true,
    custom_tweet: null,
    tweet_id: null,
  }));
  return {
    id: w.id,
    name: w.title,
    status,
    created_at: iso(created),
    updated_at: updates[0]!.created_at,
    monitoring_at: null,
    resolved_at: status === "completed" ? iso(w.end) : null,
    impact: "maintenance",
    shortlink: `${pageUrl}#maintenance-${w.id}`,
    started_at: iso(created),
    page_id: PAGE_ID,
    incident_updates: updates,
    components,
    scheduled_for: iso(w.start),
    scheduled_until: iso(w.end),
  };
}
