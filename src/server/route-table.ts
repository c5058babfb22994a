/**
 * The shape of one API route: method, path, who may call it, its input schemas and its handler. The app
 * registers routes from the table and the OpenAPI document is built from the same table, so they cannot drift.
 */
import type { Context } from "hono";
import type * as z from "zod";
import type { Hub } from "../hub/hub-api.js";
import type { Role, TokenRole } from "../store/store.js";

/**
 * Who may call a route. `public`: anyone (health, the API's description, heartbeat URLs whose secret path is
 * the credential). A role: a token with that role or a higher one; `viewer` routes also admit anonymous callers
 * when the app is configured with `anonymousRead`. Writes are never anonymous.
 */
export type Access = "public" | Role;

/** Who is calling: a token's holder, or an anonymous reader (role viewer, no token). */
export interface Caller {
  role: TokenRole;
  /** An agent token's vantage: the only one it may post observations as. */
  vantage?: string;
  name: string;
  tokenId: string | null;
  /** The stored hash of the caller's token, to check it again during a long response (the live stream). */
  tokenHash: string | null;
}

export interface RouteInput<Q, B> {
  c: Context;
  hub: Hub;
  caller: Caller | null;
  params: Record<string, string>;
  query: Q;
  body: B;
  now: () => number;
}

export interface Route {
  method: "GET" | "POST" | "DELETE";
  /** OpenAPI form: `/api/v1/incidents/{id}`. */
  path: string;
  access: Access;
  summary: string;
  tag: string;
  /** Path parameters; `slashes` lets one take `/` (component ids). */
  params?: Record<string, { description: string; slashes?: boolean }>;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Largest body accepted, bytes (default 64 KiB). */
  bodyLimit?: number;
  /** Accept `?access_token=` as the token (only the event stream: EventSource cannot send headers). */
  queryToken?: boolean;
  /** Status → description, for the document; errors of auth and validation are added from `access` and inputs. */
  responses: Record<number, string>;
  /**
   * The schema of the success answer's JSON (api-responses.ts): the document's response schema and the
   * dashboard's type; test/api-contract.test.ts parses each route's real answer with it. Absent for 204 and
   * non-JSON answers.
   */
  response?: z.ZodType;
  /** The content type of the 200 response, when not JSON. */
  produces?: string;
  handler: (input: RouteInput<unknown, unknown>) => Response | Promise<Response>;
}

/** Declares a route with its handler typed by its schemas' outputs. */
export function defineRoute<Q extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(
  route: Omit<Route, "query" | "body" | "handler"> & {
    query?: Q;
    body?: B;
    handler: (input: RouteInput<z.output<Q>, z.output<B>>) => Response | Promise<Response>;
  },
): Route {
  return route as Route;
}

/**
 * The route's path as Hono writes it: `{id}` → `:id`, or `:id{.+}` for a parameter that takes slashes. Hono
 * never matches a slashes parameter followed by more text in its segment (`:id{.+}.svg`), so that text joins
 * its pattern (`:id{.+\.svg}`) and the value the handler gets ends with it.
 */
export function honoPath(route: Route): string {
  return route.path.replace(/\{(\w+)\}([^/{]*)/g, (_, name: string, rest: string) => {
    if (!route.params?.[name]?.slashes) return `:${name}${rest}`;
    return rest === "" ? `:${name}{.+}` : `:${name}{.+${rest.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}}`;
  });
}

/** A matcher for the route's path (to answer 405 for a known path with another method). */
export function pathPattern(route: Route): RegExp {
  const body = route.path
    .split(/(\{\w+\})/)
    .map((part) => {
      const m = /^\{(\w+)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return route.params?.[m[1]!]?.slashes ? ".+" : "[^/]+";
    })
    .join("");
  return new RegExp(`^${body}$`);
}
