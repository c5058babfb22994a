/**
 * The zod schemas of the public status page's JSON (Atlassian Statuspage v2: /status/api/v2/summary.json,
 * status.json, components.json, incidents.json, incidents/unresolved.json, scheduled-maintenances*.json), as
 * status-routes.ts and maintenance-routes.ts write them: the OpenAPI document's and the status page's one source.
 * Pure: zod only.
 */
import * as z from "zod";

const isoTime = z.iso.datetime();

const page = z.strictObject({
  id: z.string(),
  name: z.string(),
  url: z.string().meta({ description: "The status page's address (server.publicUrl, or the one reached)" }),
  time_zone: z.string(),
  updated_at: isoTime,
});

const componentFields = {
  id: z.string(),
  name: z.string(),
  status: z.enum(["operational", "degraded_performance", "partial_outage", "major_outage"]),
  created_at: isoTime,
  updated_at: isoTime,
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.null(),
  page_id: z.string(),
  only_show_if_degraded: z.boolean(),
};

const serviceComponent = z.strictObject({
  ...componentFields,
  group_id: z.string(),
  group: z.literal(false),
});

/** A group (the first segment of its services' ids) or a monitored service in it. */
export const statusComponent = z.union([
  z.strictObject({
    ...componentFields,
    group_id: z.null(),
    group: z.literal(true),
    components: z.array(z.string()),
  }),
  serviceComponent,
]);

const incidentUpdate = z.strictObject({
  id: z.string().meta({ description: "upd-… for an update a person wrote, else the localizer's" }),
  status: z.enum(["investigating", "identified", "monitoring", "resolved"]),
  body: z.string().meta({ description: "Plain text (a person's message as written: render it as text)" }),
  incident_id: z.string(),
  created_at: isoTime,
  updated_at: isoTime,
  display_at: isoTime,
  affected_components: z.null().meta({ description: "Statuspage's per-update component changes: none kept" }),
  deliver_notifications: z.boolean(),
  custom_tweet: z.null(),
  tweet_id: z.null(),
});

export const statusIncident = z.strictObject({
  id: z.string(),
  name: z.string(),
  status: z.enum(["investigating", "identified", "monitoring", "resolved"]).meta({
    description: "While open, the latest public update a person wrote, else the localizer's confidence",
  }),
  created_at: isoTime,
  updated_at: isoTime,
  monitoring_at: isoTime.nullable().meta({ description: "A person's first public monitoring update" }),
  resolved_at: isoTime.nullable(),
  impact: z.enum(["none", "minor", "major"]),
  shortlink: z.string(),
  started_at: isoTime,
  page_id: z.string(),
  incident_updates: z.array(incidentUpdate).meta({ description: "Newest first" }),
  components: z
    .array(serviceComponent)
    .meta({ description: "The services it hits, as the page's components at their current status" }),
  reminder_intervals: z.null(),
});

const pageComponent = z.looseObject({ id: z.string(), name: z.string(), status: z.string() });

/** A maintenance window in Statuspage's words (maintenance-json.ts writes it). */
export const scheduledMaintenance = z.strictObject({
  id: z.string(),
  name: z.string(),
  status: z.enum(["scheduled", "in_progress", "completed"]),
  created_at: isoTime,
  updated_at: isoTime,
  monitoring_at: z.null(),
  resolved_at: isoTime.nullable(),
  impact: z.literal("maintenance"),
  shortlink: z.string(),
  started_at: isoTime,
  page_id: z.string(),
  incident_updates: z.array(
    z.strictObject({
      id: z.string(),
      status: z.enum(["scheduled", "in_progress", "completed"]),
      body: z.string(),
      incident_id: z.string(),
      created_at: isoTime,
      updated_at: isoTime,
      display_at: isoTime,
      affected_components: z.array(
        z.strictObject({
          code: z.string(),
          name: z.string(),
          old_status: z.string(),
          new_status: z.string(),
        }),
      ),
      deliver_notifications: z.boolean(),
      custom_tweet: z.null(),
      tweet_id: z.null(),
    }),
  ),
  components: z.array(pageComponent),
  scheduled_for: isoTime,
  scheduled_until: isoTime,
});

const pageStatus = z
  .strictObject({
    indicator: z.enum(["none", "minor", "major", "critical"]),
    description: z.string(),
  })
  .meta({ description: "From the components' statuses as Statuspage derives it (status-indicator.ts)" });

export const statusSummaryResponse = z.strictObject({
  page,
  components: z.array(statusComponent),
  incidents: z.array(statusIncident).meta({ description: "The open ones" }),
  scheduled_maintenances: z
    .array(scheduledMaintenance)
    .meta({ description: "Maintenance windows in progress or starting within two weeks, by start" }),
  status: pageStatus,
});

export const statusStatusResponse = z.strictObject({ page, status: pageStatus });

export const statusComponentsResponse = z.strictObject({ page, components: z.array(statusComponent) });

export const statusIncidentsResponse = z.strictObject({
  page,
  incidents: z.array(statusIncident).meta({ description: "The 50 most recent, open and resolved" }),
});

const uptimeDay = z.strictObject({
  date: z.string().meta({ description: "The UTC day, YYYY-MM-DD" }),
  uptime: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .meta({ description: "Share of the seen time the service answered; null: no vantage saw it that day" }),
  seen_hours: z.number().int().min(0).max(24).meta({ description: "Hours of the day some vantage saw it" }),
  incidents: z
    .array(z.strictObject({ id: z.string(), name: z.string() }))
    .meta({ description: "Incidents open that day that hit the service" }),
});

export const statusUptimeResponse = z.strictObject({
  page,
  days: z.number().int().meta({ description: "How many days, today the last" }),
  components: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      uptime: z
        .number()
        .min(0)
        .max(1)
        .nullable()
        .meta({ description: "Over all the days; null: never seen" }),
      days: z.array(uptimeDay).meta({ description: "Oldest first, today last" }),
    }),
  ),
});
