/**
 * Routes the dashboard reads instead of raw data: the Now summary (counts, open incidents with how many
 * services each hits, one page of services worst first, each with its state per vantage) and the
 * concentration ranking. With 5,000 services the Now page fetches one page of 100, never every observation.
 */
import * as z from "zod";
import type { Hub } from "../hub/hub-api.js";
import { compileGraph } from "../model/graph.js";
import { groupOf } from "../model/group-rule.js";
import type { ComponentSpec } from "../model/model-types.js";
import { type ConcentrationReport, concentration } from "../whatif/concentration.js";
import { iso, renderIncident } from "./api-render.js";
import { concentrationResponse, summaryResponse } from "./api-responses.js";
import { groupFilters, inGroupFilters } from "./api-schemas.js";
import { serviceGroups } from "./group-status.js";
import { modelIndex } from "./model-routes.js";
import { defineRoute, type Route } from "./route-table.js";
import { type ServiceStatus, STATUS_ORDER, serviceStatus, servicesHit } from "./service-status.js";

const count = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: "must be a whole number" })
    .transform(Number)
    .pipe(z.number().int().min(0).max(max))
    .optional()
    .transform((v) => v ?? fallback);

const summaryQuery = z.strictObject({
  offset: count(1_000_000, 0).meta({ description: "Skip this many services (paging; default 0)" }),
  limit: count(1_000, 100).meta({ description: "At most this many services (0 to 1,000; default 100)" }),
  q: z.string().max(200).optional().meta({ description: "Only services whose id or name contains this" }),
  status: z
    .enum(["up", "degraded", "partial", "down", "unknown", "impaired"])
    .optional()
    .meta({ description: "Only services in this state; impaired: down, partial or degraded" }),
  ...groupFilters,
  order: z.enum(["status", "group"]).optional().meta({
    description: "status (default): worst first; group: by group, worst group first, then worst first",
  }),
});

const concentrationQuery = z.strictObject({
  limit: count(500, 20).meta({ description: "How many candidates and providers to list (default 20)" }),
});

/** Per components() array (the hub hands out the same one until a reload): the report is computed once. */
const reports = new WeakMap<ComponentSpec[], ConcentrationReport>();

function concentrationOf(hub: Hub): ConcentrationReport {
  const components = hub.components();
  let report = reports.get(components);
  if (!report) {
    report = concentration(compileGraph({ components }, { includeHidden: false }));
    reports.set(components, report);
  }
  return report;
}

export const summaryRoutes: Route[] = [
  defineRoute({
    method: "GET",
    path: "/api/v1/summary",
    access: "viewer",
    tag: "dashboard",
    summary:
      "The Now page in one call: counts by state, open incidents (with how many services each hits), and a page of services worst first with their state per vantage",
    query: summaryQuery,
    response: summaryResponse,
    responses: {
      200: "`{at, counts, vantages, incidents: [{…, servicesHit}], groups: [{name, status, rule, k?, services}], services: {total, offset, limit, items: [{id, name, status, belief, incidentId, observed, group, tags}]}}`",
    },
    handler: async ({ c, hub, query, now }) => {
      const { byId } = modelIndex(hub);
      const states = new Map(hub.states().map((s) => [s.component, s]));
      const counts: Record<ServiceStatus, number> = { up: 0, degraded: 0, partial: 0, down: 0, unknown: 0 };
      const needle = query.q?.toLowerCase();
      const items = [];
      const all = [];
      for (const spec of hub.components()) {
        if (!spec.observed) continue;
        const state = states.get(spec.id);
        const status = serviceStatus(state);
        counts[status]++;
        all.push({ spec, status });
        if (!inGroupFilters(spec, query)) continue;
        const impaired = status !== "up" && status !== "unknown";
        if (query.status === "impaired" ? !impaired : query.status && query.status !== status) continue;
        if (
          needle &&
          !spec.id.toLowerCase().includes(needle) &&
          !(spec.name ?? "").toLowerCase().includes(needle)
        )
          continue;
        items.push({
          id: spec.id,
          name: spec.name ?? null,
          status,
          belief: state?.belief ?? "up",
          incidentId: state?.incidentId ?? null,
          observed: (state?.observed ?? []).map((o) => ({ ...o, at: iso(o.at) })),
          group: groupOf(spec),
          tags: spec.tags ?? [],
        });
      }
      const groups = serviceGroups(all, hub.groupRules()).sort(
        (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || (a.name < b.name ? -1 : 1),
      );
      const groupRank = new Map(groups.map((g, i) => [g.name, i]));
      items.sort(
        (a, b) =>
          (query.order === "group" ? groupRank.get(a.group)! - groupRank.get(b.group)! : 0) ||
          STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
          (a.id < b.id ? -1 : 1),
      );
      const open = await hub.incidents({ open: true, limit: 100 });
      return c.json({
        at: iso(now()),
        counts: { services: Object.values(counts).reduce((a, b) => a + b, 0), ...counts },
        vantages: hub.vantages(),
        incidents: open.map((i) => ({
          ...renderIncident(i, false),
          servicesHit: servicesHit(i, byId).length,
        })),
        groups: groups.map((g) => ({
          name: g.name,
          status: g.status,
          rule: g.rule.rule,
          ...(g.rule.rule === "atLeast" ? { k: g.rule.k } : {}),
          services: g.members.length,
        })),
        services: {
          total: items.length,
          offset: query.offset,
          limit: query.limit,
          items: items.slice(query.offset, query.offset + query.limit),
        },
      });
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/concentration",
    access: "viewer",
    tag: "dashboard",
    summary:
      "Which shared components (providers, regions, cloud services, CDNs, DNS) most monitored services hang on, and hosting concentration among providers",
    query: concentrationQuery,
    response: concentrationResponse,
    responses: {
      200: "`{observed, candidateCount, spofCount, candidates: [{id, kind, down, degraded}], hosting: {hhi, hosted, unhosted, providers: [{id, share, observed}]}}`",
    },
    handler: ({ c, hub, query }) => {
      const report = concentrationOf(hub);
      return c.json({
        observed: report.observed,
        candidateCount: report.candidateCount,
        spofCount: report.spofs.length,
        candidates: report.candidates.slice(0, query.limit),
        hosting: { ...report.hosting, providers: report.hosting.providers.slice(0, query.limit) },
      });
    },
  }),
];
