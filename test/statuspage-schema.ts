/** What a Statuspage v2 summary.json must hold for the tools that read one; shared by the API and browser tests. */
import * as z from "zod";

/** Statuspage v2 summary, the fields its consumers read (https://metastatuspage.com/api/v2/summary.json). */
export const statuspageSummary = z.object({
  page: z.object({
    id: z.string(),
    name: z.string(),
    url: z.string().url(),
    time_zone: z.string(),
    updated_at: z.iso.datetime(),
  }),
  components: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.enum([
        "operational",
        "degraded_performance",
        "partial_outage",
        "major_outage",
        "under_maintenance",
      ]),
      created_at: z.iso.datetime(),
      updated_at: z.iso.datetime(),
      position: z.number().int(),
      description: z.string().nullable(),
      group_id: z.string().nullable(),
      group: z.boolean(),
      page_id: z.string(),
      only_show_if_degraded: z.boolean(),
      components: z.array(z.string()).optional(),
    }),
  ),
  incidents: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.enum(["investigating", "identified", "monitoring", "resolved", "postmortem"]),
      impact: z.enum(["none", "minor", "major", "critical"]),
      created_at: z.iso.datetime(),
      updated_at: z.iso.datetime(),
      resolved_at: z.iso.datetime().nullable(),
      shortlink: z.string(),
      incident_updates: z.array(
        z.object({
          id: z.string(),
          status: z.string(),
          body: z.string(),
          created_at: z.iso.datetime(),
          display_at: z.iso.datetime(),
        }),
      ),
    }),
  ),
  scheduled_maintenances: z.array(z.unknown()),
  status: z.object({ indicator: z.enum(["none", "minor", "major", "critical"]), description: z.string() }),
});
