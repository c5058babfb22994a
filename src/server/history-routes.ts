/** Routes over what happened: observations (read and the agents' ingest), rollups, incidents, heartbeats. */
import { refuseObservations, throwIfRefused } from "../hub/observation-admission.js";
import { MAX_AHEAD_MS } from "../model/observation.js";
import { ApiError } from "./api-errors.js";
import { iso, renderIncident, renderObservation, renderRollup } from "./api-render.js";
import {
  heartbeatResponse,
  incidentResponse,
  incidentsResponse,
  ingestResponse,
  observationsResponse,
  rollupsResponse,
} from "./api-responses.js";
import { incidentsQuery, ingestBody, observationsQuery, rollupsQuery } from "./api-schemas.js";
import { humanUpdatesJson } from "./incident-update-routes.js";
import { vendorJson } from "./incident-vendor.js";
import { newObservations, throwIfForbidden, vantageRefusals } from "./ingest-rights.js";
import { modelIndex } from "./model-routes.js";
import { defineRoute, type Route } from "./route-table.js";

const incidentParam = { id: { description: "Incident id" } };

/** The agents' batches: 10,000 observations of ~300 bytes fit well within this. */
const INGEST_BODY_LIMIT = 5 * 1024 * 1024;

/** Heartbeat tokens are URL-safe; anything else cannot be one (answered 404 like an unknown token). */
const HEARTBEAT_TOKEN = /^[A-Za-z0-9._~-]{1,200}$/;

function heartbeatRoute(method: "GET" | "POST"): Route {
  return defineRoute({
    method,
    path: "/api/v1/heartbeats/{token}",
    access: "public",
    tag: "ingest",
    summary: `A heartbeat from a job (${method}); the secret token in the URL is the credential`,
    params: { token: { description: "The heartbeat check's secret token" } },
    response: heartbeatResponse,
    responses: { 200: "`{ok: true, at}`", 404: "No heartbeat check has this token" },
    handler: async ({ c, hub, params, now }) => {
      const token = params.token!;
      const at = now();
      if (!HEARTBEAT_TOKEN.test(token) || !(await hub.heartbeat(token, at)))
        throw new ApiError(404, "not_found", "no heartbeat check has this token");
      return c.json({ ok: true, at: iso(at) });
    },
  });
}

export const historyRoutes: Route[] = [
  defineRoute({
    method: "GET",
    path: "/api/v1/observations",
    access: "viewer",
    tag: "history",
    summary: "Raw observations by component, vantage and time range [from, to), newest first",
    query: observationsQuery,
    response: observationsResponse,
    responses: {
      200: "`{observations: [{id, at, vantage, component, check, status, latencyMs, errorClass}]}`",
    },
    handler: async ({ c, hub, query, now }) => {
      // Rows from beyond the ingest's bound (stored before it existed, or by a skewed writer) are skipped:
      // they are not news, and a time past year 275760 has no ISO form. Retention deletes them.
      const horizon = now() + MAX_AHEAD_MS + 1;
      const to = query.to === undefined ? horizon : Math.min(query.to, horizon);
      const observations = await hub.observations({ ...query, to });
      return c.json({ observations: observations.map(renderObservation) });
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/observations",
    access: "editor",
    tag: "ingest",
    summary:
      "The agents' ingest: a batch of observations, accepted once committed to the store; an agent token posts observations of its own vantage only",
    body: ingestBody,
    bodyLimit: INGEST_BODY_LIMIT,
    response: ingestResponse,
    responses: {
      202: "`{accepted: n}`: committed; observations already stored (same vantage, check, component and time), or repeated in the batch, are acknowledged but taken once",
      403: "An observation of another vantage than an agent token's own, or of the hub's own vantage `hub` (from any token); `refusals` lists each (nothing of the batch was taken)",
      422: "A component or vantage the model does not know (named, with a suggestion), or a time more than 5 minutes ahead of the hub's clock; `refusals` lists each refused observation (nothing of the batch was taken)",
      503: "Back-pressure: the hub is taking in too much at once; nothing was taken, retry after Retry-After",
    },
    handler: async ({ c, hub, body, caller, now }) => {
      throwIfForbidden(vantageRefusals(body.observations, caller!));
      // The hub's own rules, checked here too so that any Hub behind the API answers the same 422.
      const { byId } = modelIndex(hub);
      throwIfRefused(
        refuseObservations(body.observations, {
          vantages: new Set(hub.vantages()),
          components: byId,
          now: now(),
        }),
      );
      // A batch the agent sends again (its answer was lost) is news to nobody: only what is new goes on.
      // This read skips what is stored already (on a durable bus, also past the stream's de-duplication
      // window); two posts racing past it both reach the hub, whose ingest feeds on only the rows its store
      // wrote (or the stream's message-id de-duplication drops the second).
      const fresh = newObservations(body.observations, await hub.storedObservations(body.observations));
      if (fresh.length > 0) await hub.ingest(fresh);
      return c.json({ accepted: body.observations.length }, 202);
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/rollups",
    access: "viewer",
    tag: "history",
    summary: "Per-minute or per-hour counts and latencies by component, vantage and time range, newest first",
    query: rollupsQuery,
    response: rollupsResponse,
    responses: {
      200: "`{rollups: [{component, vantage, resolution, at, up, degraded, down, latencyMeanMs, latencyMaxMs}]}`",
    },
    handler: async ({ c, hub, query }) => {
      const rollups = await hub.rollups(query);
      return c.json({ rollups: rollups.map(renderRollup) });
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/incidents",
    access: "viewer",
    tag: "incidents",
    summary:
      "Incidents, newest first; ?open=true for the open ones; page with ?before=<openedAt of the last>",
    query: incidentsQuery,
    response: incidentsResponse,
    responses: {
      200: "`{incidents: [{id, openedAt, resolvedAt, epicenter: [{component, confidence}], affected, …}]}`",
    },
    handler: async ({ c, hub, query }) => {
      const incidents = await hub.incidents(query);
      return c.json({ incidents: incidents.map((i) => renderIncident(i, false)) });
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/incidents/{id}",
    access: "viewer",
    tag: "incidents",
    summary:
      "One incident with its history (each change of the ranked epicenters), affected components, and the updates people wrote",
    params: incidentParam,
    response: incidentResponse,
    responses: {
      200: "`{incident: {…, history: [{at, epicenter}], updates: [{at, status, message, public, author}], humanStatus, maintenance: [{id, title}]}}`",
      404: "No such incident",
    },
    handler: async ({ c, hub, params, now }) => {
      const incident = await hub.incident(params.id!);
      if (!incident) throw new ApiError(404, "not_found", `no incident "${params.id}"`);
      const vendor = await vendorJson(hub, incident, now());
      const human = await humanUpdatesJson(hub, incident);
      const maintenance = hub.maintenance.marks(incident);
      return c.json({ incident: { ...renderIncident(incident, true), vendor, ...human, maintenance } });
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/incidents/{id}/ack",
    access: "editor",
    tag: "incidents",
    summary: "Acknowledge an incident (recorded with the token's name); no body",
    params: incidentParam,
    response: incidentResponse,
    responses: { 200: "`{incident}` as acknowledged", 404: "No such incident" },
    handler: async ({ c, hub, params, caller, now }) => {
      const incident = await hub.acknowledge(params.id!, caller!.name);
      if (!incident) throw new ApiError(404, "not_found", `no incident "${params.id}"`);
      const vendor = await vendorJson(hub, incident, now());
      const human = await humanUpdatesJson(hub, incident);
      const maintenance = hub.maintenance.marks(incident);
      return c.json({ incident: { ...renderIncident(incident, true), vendor, ...human, maintenance } });
    },
  }),
  heartbeatRoute("POST"),
  heartbeatRoute("GET"),
];
