/**
 * GET /api/v1/reports/sla?from=&to=&component=&tag=: availability per observed component over [from, to) with the
 * incidents that cost it (sla-report.ts), for a read token. `epicenter report sla` prints the same JSON.
 */
import * as z from "zod";
import { tagSchema } from "../model/group-rule.js";
import { closestId } from "../model/ids.js";
import { ApiError } from "./api-errors.js";
import { iso } from "./api-render.js";
import { modelIndex } from "./model-routes.js";
import { defineRoute, type Route } from "./route-table.js";
import {
  maintenanceExclusions,
  parseSlaTime,
  type SlaReport,
  slaReport,
  slaWindowProblem,
  withTag,
} from "./sla-report.js";

const slaTime = (bound: string) =>
  z
    .string()
    .transform((text, ctx) => {
      const ms = parseSlaTime(text);
      if (typeof ms === "number") return ms;
      ctx.addIssue({ code: "custom", message: ms });
      return z.NEVER;
    })
    .meta({
      description: `${bound}: a UTC date (2026-11-01) or an ISO 8601 time on the hour`,
      examples: ["2026-11-01"],
    });

export const slaQuery = z
  .strictObject({
    from: slaTime("Start, inclusive"),
    to: slaTime("End, exclusive"),
    component: z
      .string()
      .max(200)
      .optional()
      .meta({ description: "Only this component (default: every observed one)" }),
    tag: tagSchema.optional().meta({ description: "Only observed components with this tag" }),
  })
  .superRefine((q, ctx) => {
    const problem = slaWindowProblem(q.from, q.to);
    if (problem) ctx.addIssue({ code: "custom", message: problem, path: ["to"] });
  });

const slaIncident = z.object({
  id: z.string(),
  title: z.string(),
  openedAt: z.string(),
  resolvedAt: z.string().nullable(),
  minutes: z.number(),
});

export const slaResponse = z.object({
  from: z.string(),
  to: z.string(),
  excluded: z.array(
    z.object({
      id: z.string().nullable(),
      title: z.string().nullable(),
      from: z.string(),
      to: z.string(),
      /** null: every component. */
      components: z.array(z.string()).nullable(),
    }),
  ),
  components: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      availability: z.number().nullable(),
      hours: z.number(),
      seenHours: z.number(),
      upHours: z.number(),
      unknownHours: z.number(),
      excludedHours: z.number(),
      downMinutes: z.number(),
      incidents: z.array(slaIncident),
    }),
  ),
});

/** The report as the API and `epicenter report sla --json` write it: times ISO 8601. */
export function slaJson(report: SlaReport): z.infer<typeof slaResponse> {
  return {
    from: iso(report.from),
    to: iso(report.to),
    excluded: report.excluded.map((x) => ({
      id: x.id ?? null,
      title: x.title ?? null,
      from: iso(x.from),
      to: iso(x.to),
      components: x.components ? [...x.components] : null,
    })),
    components: report.components.map((c) => ({
      ...c,
      incidents: c.incidents.map((i) => ({
        ...i,
        openedAt: iso(i.openedAt),
        resolvedAt: iso(i.resolvedAt),
      })),
    })),
  };
}

export const slaRoutes: Route[] = [
  defineRoute({
    method: "GET",
    path: "/api/v1/reports/sla",
    access: "viewer",
    tag: "history",
    summary:
      "Availability per observed component over [from, to) from the hourly rollups: hours no vantage saw are unknown and left out of the percentage, hours of its own maintenance windows excluded; the incidents that cost it",
    query: slaQuery,
    response: slaResponse,
    responses: {
      200: "`{from, to, excluded, components: [{id, name, availability, hours, seenHours, upHours, unknownHours, excludedHours, downMinutes, incidents: [{id, title, openedAt, resolvedAt, minutes}]}]}`",
      404: "No such component, or no observed component with the tag",
    },
    handler: async ({ c, hub, query, now }) => {
      const model = hub.components();
      let components = model.filter((x) => x.observed);
      if (query.component !== undefined) {
        const spec = modelIndex(hub).byId.get(query.component);
        if (!spec) {
          const hint = closestId(query.component, modelIndex(hub).byId.keys());
          throw new ApiError(
            404,
            "not_found",
            `unknown component "${query.component}"${hint ? `; did you mean "${hint}"?` : ""}`,
            { path: "component" },
          );
        }
        components = [spec];
      }
      if (query.tag !== undefined) {
        const tagged = withTag(components, query.tag);
        if (typeof tagged === "string") throw new ApiError(404, "not_found", tagged, { path: "tag" });
        components = tagged;
      }
      // A component's own maintenance windows do not count against it.
      const exclude = maintenanceExclusions(hub.maintenance.windows(query.from, query.to));
      const report = await slaReport(hub, {
        from: query.from,
        to: query.to,
        components,
        model,
        exclude,
        now: now(),
      });
      return c.json(slaJson(report));
    },
  }),
];
