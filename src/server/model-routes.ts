/** Routes over the model the hub runs: components, the graph, checks, current states and beliefs, what-if. */
import type { Hub } from "../hub/hub-api.js";
import { closestId } from "../model/ids.js";
import { type ComponentSpec, itemMembers } from "../model/model-types.js";
import { ApiError } from "./api-errors.js";
import { redactCheck, renderFailure, renderState } from "./api-render.js";
import {
  checksResponse,
  componentResponse,
  componentsResponse,
  graphResponse,
  statesResponse,
  whatIfResponse,
} from "./api-responses.js";
import { componentsQuery, inGroupFilters, statesQuery, whatIfBody } from "./api-schemas.js";
import { roleAtLeast } from "./auth-tokens.js";
import { defineRoute, type Route } from "./route-table.js";

interface ModelIndex {
  byId: Map<string, ComponentSpec>;
  /** Direct dependents of each component, in model order. */
  dependents: Map<string, string[]>;
}

/** Per components() array: the hub hands out the same array until a reload, so this is built once per model. */
const indexes = new WeakMap<ComponentSpec[], ModelIndex>();

export function modelIndex(hub: Hub): ModelIndex {
  const components = hub.components();
  let index = indexes.get(components);
  if (!index) {
    const byId = new Map(components.map((c) => [c.id, c]));
    const dependents = new Map<string, string[]>();
    for (const c of components)
      for (const id of new Set(c.requires.flatMap(itemMembers))) {
        const list = dependents.get(id);
        if (list) list.push(c.id);
        else dependents.set(id, [c.id]);
      }
    index = { byId, dependents };
    indexes.set(components, index);
  }
  return index;
}

/** `unknown component "aws/us-east-7"; did you mean "aws/us-east-1"?` */
function unknownMessage(what: string, id: string, known: Iterable<string>): string {
  const hint = closestId(id, known);
  return `unknown ${what} "${id}"${hint ? `; did you mean "${hint}"?` : ""}`;
}

export const modelRoutes: Route[] = [
  defineRoute({
    method: "GET",
    path: "/api/v1/components",
    access: "viewer",
    tag: "model",
    summary: "Components of the model the hub runs (the user's and the catalog's)",
    query: componentsQuery,
    response: componentsResponse,
    responses: { 200: "`{components: [{id, kind, name?, observed, requires, tags?, group?}]}`" },
    handler: ({ c, hub, query }) => {
      const components = hub
        .components()
        .filter(
          (x) =>
            (query.kind === undefined || x.kind === query.kind) &&
            (query.observed ?? x.observed) === x.observed &&
            inGroupFilters(x, query),
        );
      return c.json({ components });
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/components/{id}",
    access: "viewer",
    tag: "model",
    summary: "One component: its spec, direct dependencies and dependents, and its current state",
    params: { id: { description: "Component id; slashes are part of it (aws/us-east-1/s3)", slashes: true } },
    response: componentResponse,
    responses: {
      200: "`{component, dependencies, dependents, state, lastFailures: [{vantage, at, check, status, errorClass, message?, phases?}]}`: lastFailures is each vantage's last down or degraded check since the hub started, newest first, with its phases (dns, connect, tls, firstByte, total ms)",
      404: "No such component",
    },
    handler: ({ c, hub, params }) => {
      const index = modelIndex(hub);
      const id = params.id!;
      const component = index.byId.get(id);
      if (!component)
        throw new ApiError(404, "not_found", unknownMessage("component", id, index.byId.keys()));
      const state = hub.states().find((s) => s.component === id);
      return c.json({
        component,
        dependencies: [...new Set(component.requires.flatMap(itemMembers))],
        dependents: index.dependents.get(id) ?? [],
        state: state ? renderState(state) : null,
        lastFailures: hub.lastFailures(id).map(renderFailure),
      });
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/graph",
    access: "viewer",
    tag: "model",
    summary: "The model as nodes and edges for drawing; an edge goes from a dependent to a dependency",
    response: graphResponse,
    responses: {
      200: "`{nodes: [{id, kind, name, observed, belief, incidentId}], edges: [{from, to, type, group, k?}]}`",
    },
    handler: ({ c, hub }) => {
      const states = new Map(hub.states().map((s) => [s.component, s]));
      const nodes = hub.components().map((x) => ({
        id: x.id,
        kind: x.kind,
        name: x.name ?? null,
        observed: x.observed,
        belief: states.get(x.id)?.belief ?? "up",
        incidentId: states.get(x.id)?.incidentId ?? null,
      }));
      const edges = hub.components().flatMap((x) =>
        x.requires.flatMap((item, i) =>
          itemMembers(item).map((to) => ({
            from: x.id,
            to,
            type: item.type,
            // Members of one anyOf/atLeast item share a group: `<component>#<item position>`.
            group: `${x.id}#${i}`,
            ...(item.type === "atLeast" ? { k: item.k } : {}),
          })),
        ),
      );
      return c.json({ nodes, edges });
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/checks",
    access: "viewer",
    tag: "model",
    summary:
      "Configured checks; secrets in them (heartbeat tokens, headers, URL credentials) are shown to admins only",
    response: checksResponse,
    responses: { 200: "`{checks: [...]}`" },
    handler: ({ c, hub, caller }) => {
      const admin = caller !== null && roleAtLeast(caller.role, "admin");
      return c.json({ checks: admin ? hub.checks() : hub.checks().map(redactCheck) });
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/states",
    access: "viewer",
    tag: "model",
    summary: "Current state of each component: latest status per vantage and the localizer's belief",
    query: statesQuery,
    response: statesResponse,
    responses: {
      200: "`{states: [{component, observed: [{vantage, status, at, errorClass}], belief, incidentId}]}`",
    },
    handler: ({ c, hub, query }) => {
      const { byId } = modelIndex(hub);
      const states = hub
        .states()
        .filter(
          (s) =>
            (query.belief === undefined || s.belief === query.belief) &&
            inGroupFilters(byId.get(s.component), query),
        );
      return c.json({ states: states.map(renderState) });
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/whatif",
    access: "viewer",
    tag: "model",
    summary: "What goes down or degrades if these components fail (reads only: viewers may ask)",
    body: whatIfBody,
    response: whatIfResponse,
    responses: { 200: "`{failed, down, degraded, observedHit}`, ids sorted" },
    handler: ({ c, hub, body }) => {
      const index = modelIndex(hub);
      const unknown = body.failed.flatMap((id, i) => (index.byId.has(id) ? [] : [i]));
      if (unknown.length > 0)
        throw new ApiError(
          400,
          "unknown_component",
          unknown.map((i) => unknownMessage("component", body.failed[i]!, index.byId.keys())).join("; "),
          { path: `failed[${unknown[0]}]` },
        );
      return c.json(hub.whatIf(body.failed));
    },
  }),
];
