/**
 * The HTTP API as a value: `createApp({ hub, auth })` returns a Hono app that tests call with `app.request()`
 * and `listen` (serve-http.ts) puts on a socket. It only translates HTTP to the Hub's calls: authorization,
 * validation, ISO times, one error shape. Routes come from api-routes.ts, the same table the OpenAPI document
 * at /api/v1/openapi.json is built from.
 */

import type { Context } from "hono";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { DiscoveryService } from "../discover/discovery-service.js";
import { type Hub, HubInputError } from "../hub/hub-api.js";
import { HubBusyError } from "../hub/hub-busy-error.js";
import type { Subscriptions } from "../notify/subscriptions.js";
import { ApiError } from "./api-errors.js";
import { apiRoutes } from "./api-routes.js";
import { DEFAULT_STREAM_HEARTBEAT_MS } from "./event-stream.js";
import { hostRefusal } from "./host-policy.js";
import { type AuthOptions, authorize } from "./request-auth.js";
import { DEFAULT_BODY_LIMIT, parseBody, parseQuery } from "./request-input.js";
import { honoPath, pathPattern } from "./route-table.js";
import { defaultWebRoot, mountStaticFiles } from "./static-files.js";
import type { VantagePlace } from "./world-map.js";

export interface AppOptions {
  hub: Hub;
  auth: AuthOptions;
  /** The clock for token expiry, heartbeats and revocation times (default Date.now). */
  now?: () => number;
  /** Interval of the event stream's keep-alive comment (default 15 s). */
  streamHeartbeatMs?: number;
  /** How often an open event stream checks its token again (default 2 s; tests shorten it). */
  streamRecheckMs?: number;
  /** Discovery behind POST /api/v1/discover (default: the system's resolver). */
  discovery?: DiscoveryService;
  /** The status page's e-mail and webhook subscriptions; absent: off. */
  subscriptions?: Subscriptions;
  /** Told of unexpected errors (answered 500 without details); default console.error. */
  onUnexpectedError?: (error: unknown) => void;
  /**
   * The config's server.publicUrl: absolute URLs use it, and a request naming another Host gets 421 (except
   * loopback names on a loopback connection, and /healthz); absent, every Host is answered.
   */
  publicUrl?: string;
  /** The dashboard's build folder (default: the package's dist/web); null serves no dashboard. */
  webRoot?: string | null;
  /** Where each vantage runs (a point or a region), for the world map; absent: vantages are not placed. */
  vantagePlaces?: ReadonlyMap<string, VantagePlace>;
}

export { apiRoutes };

function errorResponse(c: Context, error: ApiError): Response {
  return c.json(error.body(), error.status as 400, error.headers);
}

export function createApp(options: AppOptions): Hono {
  const { hub, auth } = options;
  const now = options.now ?? Date.now;
  const report = options.onUnexpectedError ?? ((error: unknown) => console.error(error));
  const routes = apiRoutes({
    streamHeartbeatMs: options.streamHeartbeatMs ?? DEFAULT_STREAM_HEARTBEAT_MS,
    ...(options.streamRecheckMs === undefined ? {} : { streamRecheckMs: options.streamRecheckMs }),
    ...(options.discovery ? { discovery: options.discovery } : {}),
    ...(options.subscriptions ? { subscriptions: options.subscriptions } : {}),
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    ...(options.vantagePlaces ? { vantagePlaces: options.vantagePlaces } : {}),
  });
  const app = new Hono();

  app.use("*", async (c, next) => {
    await next();
    c.res.headers.set("X-Content-Type-Options", "nosniff");
    // Heartbeat URLs and the stream's access_token are secrets in the URL: never pass them on as a referrer.
    c.res.headers.set("Referrer-Policy", "no-referrer");
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  });

  const publicUrl = options.publicUrl;
  if (publicUrl !== undefined)
    app.use("*", async (c, next) => {
      // A load balancer's health probe names the replica's own address, and the answer tells nothing.
      if (c.req.path === "/healthz") return next();
      const env = c.env as { incoming?: { socket?: { localAddress?: string } } } | undefined;
      const refusal = hostRefusal(c.req.header("host"), publicUrl, {
        address: env?.incoming?.socket?.localAddress,
      });
      if (refusal === undefined) return next();
      return errorResponse(c, new ApiError(421, "misdirected_request", refusal));
    });

  for (const route of routes)
    app.on(route.method, honoPath(route), async (c) => {
      const at = now();
      const caller = await authorize(c, route, hub, auth, at);
      const query = route.query ? parseQuery(c, route.query) : undefined;
      const body = route.body
        ? await parseBody(c, route.body, route.bodyLimit ?? DEFAULT_BODY_LIMIT)
        : undefined;
      return route.handler({
        c,
        hub,
        caller,
        params: c.req.param() as Record<string, string>,
        query,
        body,
        now,
      });
    });
  if (options.webRoot !== null) mountStaticFiles(app, options.webRoot ?? defaultWebRoot());

  app.notFound((c) => {
    const allowed = routes.filter((r) => pathPattern(r).test(c.req.path)).map((r) => r.method);
    if (allowed.length > 0)
      return errorResponse(
        c,
        new ApiError(
          405,
          "method_not_allowed",
          `${c.req.method} is not allowed here; use ${allowed.join(", ")}`,
          {
            headers: { Allow: allowed.join(", ") },
          },
        ),
      );
    return errorResponse(
      c,
      new ApiError(404, "not_found", `no route ${c.req.method} ${c.req.path}; see /api/v1/openapi.json`),
    );
  });

  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof HubInputError) return errorResponse(c, hubInputError(error));
    if (error instanceof HubBusyError)
      return errorResponse(
        c,
        new ApiError(503, "busy", error.message, {
          headers: { "Retry-After": String(error.retryAfterSeconds) },
        }),
      );
    if (error instanceof HTTPException && error.status < 500)
      return errorResponse(c, new ApiError(error.status, "bad_request", error.message || "bad request"));
    report(error);
    return errorResponse(
      c,
      new ApiError(500, "internal", "internal error; the server's log has the details"),
    );
  });

  return app;
}

/** Refusals listed in a 422, at most this many (a batch holds up to 10,000; the agent asks again for the rest). */
const LISTED_REFUSALS = 1000;

/** The hub's refusal as the API's 422: code `unknown_component`, `future_time`, ...; each refused observation. */
function hubInputError(error: HubInputError): ApiError {
  const code = (c: string) => c.replace(/^E_/, "").toLowerCase();
  return new ApiError(422, code(error.code), error.message, {
    path: error.path,
    ...(error.refusals.length > 0
      ? {
          refusals: error.refusals
            .slice(0, LISTED_REFUSALS)
            .map((r) => ({ index: r.index, path: r.path, code: code(r.code), message: r.message })),
        }
      : {}),
  });
}
