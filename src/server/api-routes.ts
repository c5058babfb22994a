/** The route table: every route the app serves, in one list the app registers and the OpenAPI document describes. */
import { type DiscoveryService, discoveryService } from "../discover/discovery-service.js";
import type { Subscriptions } from "../notify/subscriptions.js";
import { healthResponse, openApiResponse } from "./api-responses.js";
import { discoverRoutes } from "./discover-routes.js";
import { streamRoute } from "./event-stream.js";
import { historyRoutes } from "./history-routes.js";
import { incidentUpdateRoutes } from "./incident-update-routes.js";
import { loginRoutes } from "./login-routes.js";
import { maintenanceRoutes } from "./maintenance-routes.js";
import { modelRoutes } from "./model-routes.js";
import { openApiDocument } from "./openapi-document.js";
import { defineRoute, type Route } from "./route-table.js";
import { slaRoutes } from "./sla-routes.js";
import { badgeRoutes } from "./status-badges.js";
import { feedRoutes } from "./status-feeds.js";
import { historyRoute } from "./status-history.js";
import { statusRoutes } from "./status-routes.js";
import { subscriptionRoutes } from "./subscription-routes.js";
import { summaryRoutes } from "./summary-routes.js";
import { suspectedRoutes } from "./suspected-routes.js";
import { tokenRoutes } from "./token-routes.js";
import type { VantagePlace } from "./world-map.js";
import { worldRoutes } from "./world-routes.js";

export interface RouteOptions {
  /** Interval of the event stream's keep-alive comment, ms. */
  streamHeartbeatMs: number;
  /** How often an open event stream checks its token again, ms (default 2 s). */
  streamRecheckMs?: number;
  /** The config's server.publicUrl: the base of the absolute URLs the status JSON writes. */
  publicUrl?: string;
  /** Discovery for POST /api/v1/discover (default: the system's resolver, guarded certificate reads). */
  discovery?: DiscoveryService;
  /** The status page's subscriptions (src/notify/subscriptions.ts); without them every subscription is refused. */
  subscriptions?: Subscriptions;
  /** Where each vantage runs, for the world map (absent or missing a vantage: not placed). */
  vantagePlaces?: ReadonlyMap<string, VantagePlace>;
}

export function apiRoutes(options: RouteOptions): Route[] {
  let document: unknown;
  let discovery = options.discovery;
  const routes: Route[] = [
    defineRoute({
      method: "GET",
      path: "/healthz",
      access: "public",
      tag: "system",
      summary: "Liveness: the process answers",
      response: healthResponse,
      responses: { 200: '`{"status": "ok"}`' },
      handler: ({ c }) => c.json({ status: "ok" }),
    }),
    defineRoute({
      method: "GET",
      path: "/metrics",
      access: "viewer",
      tag: "system",
      summary: "Prometheus metrics: checks run, observations ingested, incidents open, localizer latency",
      produces: "text/plain; version=0.0.4",
      responses: { 200: "Prometheus text exposition format" },
      handler: async ({ c, hub }) =>
        c.body(await hub.metrics(), 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/v1/openapi.json",
      access: "public",
      tag: "system",
      summary: "This API's OpenAPI 3.1 document",
      response: openApiResponse,
      responses: { 200: "The document" },
      handler: ({ c }) => {
        document ??= openApiDocument(routes);
        return c.json(document);
      },
    }),
    ...modelRoutes,
    ...historyRoutes,
    ...incidentUpdateRoutes,
    streamRoute(options.streamHeartbeatMs, options.streamRecheckMs),
    ...tokenRoutes,
    ...loginRoutes(),
    ...summaryRoutes,
    ...worldRoutes(options.vantagePlaces ?? new Map()),
    ...suspectedRoutes,
    ...statusRoutes(options.publicUrl),
    ...badgeRoutes,
    ...feedRoutes(options.publicUrl),
    ...subscriptionRoutes(options.subscriptions),
    ...maintenanceRoutes(options.publicUrl),
    historyRoute(options.publicUrl),
    ...slaRoutes,
    ...discoverRoutes(() => {
      discovery ??= discoveryService();
      return discovery;
    }),
  ];
  return routes;
}
