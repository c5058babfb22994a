/**
 * Suspected dependencies: what the model probably lacks, learned from outages (components that failed and
 * recovered with a cause they have no known path to). `epicenter model suggest` reads the same from the store.
 */
import * as z from "zod";
import type { SuspectedDependency } from "../localize/suspected-dependencies.js";
import { idSchema } from "../model/component-schema.js";
import { iso } from "./api-render.js";
import { suspectedResponse } from "./api-responses.js";
import { defineRoute, type Route } from "./route-table.js";

const suspectedQuery = z.strictObject({
  component: idSchema.optional().meta({ description: "Only this component's suspected dependencies" }),
  cause: idSchema
    .optional()
    .meta({ description: "Only the components suspected of depending on this cause" }),
  minScore: z
    .string()
    .regex(/^(\d+(\.\d*)?|\.\d+)$/, { error: "must be a number from 0 to 1, like 0.75" })
    .transform(Number)
    .pipe(z.number().min(0, { error: "must be at least 0" }).max(1, { error: "must be at most 1" }))
    .optional()
    .meta({ description: "Only pairs scoring at least this (0 to 1)" }),
});

export function renderSuspected(p: SuspectedDependency) {
  return { ...p, incidents: [...p.incidents], firstSeen: iso(p.firstSeen), lastSeen: iso(p.lastSeen) };
}

export const suspectedRoutes: Route[] = [
  defineRoute({
    method: "GET",
    path: "/api/v1/suspected-dependencies",
    access: "viewer",
    tag: "model",
    summary:
      "Dependencies the model probably lacks: components that failed (and recovered) with a cause they have no known path to, with the incidents and a score; best score first",
    query: suspectedQuery,
    response: suspectedResponse,
    responses: {
      200: "`{suspected: [{component, cause, incidents, onsets, recoveries, score, firstSeen, lastSeen}]}`",
    },
    handler: async ({ c, hub, query }) => {
      const pairs = (await hub.suspectedDependencies()).filter(
        (p) =>
          (query.component === undefined || p.component === query.component) &&
          (query.cause === undefined || p.cause === query.cause) &&
          (query.minScore === undefined || p.score >= query.minScore),
      );
      return c.json({ suspected: pairs.map(renderSuspected) });
    },
  }),
];
