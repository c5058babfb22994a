/**
 * Who is calling and whether they may: `Authorization: Bearer <token>` (or, on the event stream only,
 * `?access_token=`, because a browser's EventSource cannot set headers; query strings end up in logs, so no
 * other route takes it). 401 when a token is needed and missing or bad, 403 when its role is too low. An agent
 * token reaches only the ingest (AGENT_ROUTE), whose handler refuses observations of any other vantage.
 */
import type { Context } from "hono";
import type { Hub } from "../hub/hub-api.js";
import type { StoredToken, TokenRole } from "../store/store.js";
import { ApiError } from "./api-errors.js";
import { AGENT_ROUTE, roleAtLeast, verifyHash, verifySecret } from "./auth-tokens.js";
import type { Caller, Route } from "./route-table.js";
import { sessionStanding } from "./session-users.js";

/** What authorization reads from the hub: the tokens and the running config's users (sessions follow them). */
export type AuthSource = Pick<Hub, "tokens" | "users">;

export interface AuthOptions {
  /** Let callers without a token use viewer routes (reads). Writes and admin routes always need a token. */
  anonymousRead: boolean;
}

const ANONYMOUS: Caller = { role: "viewer", name: "anonymous", tokenId: null, tokenHash: null };

const REASONS = {
  malformed: "not an Epicenter token (they look like ept_ followed by 43 characters)",
  unknown: "unknown token",
  expired: "token expired",
  revoked: "token revoked",
  removed: "session ended: its user is no longer in the config's server.users",
} as const;

/**
 * The role `token` acts with now, or "removed" for a session whose user the config no longer lists. Such a
 * session is also revoked in the store, so listing the name again later does not bring it back.
 */
async function currentRole(
  source: AuthSource,
  token: StoredToken,
  now: number,
): Promise<TokenRole | "removed"> {
  const standing = sessionStanding(token.name, source.users());
  if (standing.kind === "token") return token.role;
  if (standing.kind === "user") return standing.role;
  await source.tokens.revokeToken(token.id, now);
  return "removed";
}

function unauthorized(message: string, error?: string): ApiError {
  const challenge = error ? `Bearer realm="epicenter", error="${error}"` : 'Bearer realm="epicenter"';
  return new ApiError(401, "unauthorized", message, { headers: { "WWW-Authenticate": challenge } });
}

function presentedSecret(c: Context, route: Route): string | undefined {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const m = /^Bearer +([^\s]+) *$/i.exec(header);
    if (!m) throw unauthorized("the Authorization header must be `Bearer <token>`", "invalid_request");
    return m[1];
  }
  const fromQuery = c.req.query("access_token");
  if (fromQuery !== undefined && !route.queryToken)
    throw unauthorized(
      "access_token in the query is accepted only by /api/v1/stream; send `Authorization: Bearer <token>`",
      "invalid_request",
    );
  return fromQuery;
}

/** The caller of `route`, or null for a public route; throws the 401/403 ApiError otherwise. */
export async function authorize(
  c: Context,
  route: Route,
  source: AuthSource,
  auth: AuthOptions,
  now: number,
): Promise<Caller | null> {
  if (route.access === "public") return null;
  const secret = presentedSecret(c, route);
  if (secret === undefined) {
    if (route.access === "viewer" && auth.anonymousRead) return ANONYMOUS;
    throw unauthorized(
      `authentication required: send \`Authorization: Bearer <token>\` with a ${route.access} token ` +
        `(make one with \`epicenter token create --role ${route.access}\`)`,
    );
  }
  const verified = await verifySecret(source.tokens, secret, now);
  if (!verified.ok) throw unauthorized(REASONS[verified.reason], "invalid_token");
  const { token } = verified;
  const role = await currentRole(source, token, now);
  if (role === "removed") throw unauthorized(REASONS.removed, "invalid_token");
  if (role === "agent") return agentCaller(token, route);
  if (!roleAtLeast(role, route.access))
    throw new ApiError(
      403,
      "forbidden",
      `this needs the ${route.access} role; token "${token.name}" has ${role}`,
      { headers: INSUFFICIENT },
    );
  return { role, name: token.name, tokenId: token.id, tokenHash: token.hash };
}

const INSUFFICIENT = { "WWW-Authenticate": 'Bearer realm="epicenter", error="insufficient_scope"' };

/** An agent token on the one route it may call; 403 with what it may do on any other. */
function agentCaller(token: StoredToken, route: Route): Caller {
  const vantage = token.vantage;
  if (vantage === null)
    throw new ApiError(
      403,
      "forbidden",
      `agent token "${token.name}" has no vantage; revoke it and make another`,
      {
        headers: INSUFFICIENT,
      },
    );
  if (route.method !== AGENT_ROUTE.method || route.path !== AGENT_ROUTE.path)
    throw new ApiError(
      403,
      "forbidden",
      `agent token "${token.name}" may only post observations of vantage "${vantage}" ` +
        `(${AGENT_ROUTE.method} ${AGENT_ROUTE.path}); this needs the ${route.access} role`,
      { headers: INSUFFICIENT },
    );
  return { role: "agent", vantage, name: token.name, tokenId: token.id, tokenHash: token.hash };
}

/**
 * Null while the caller may still go on (anonymous callers always may, as far as tokens go); otherwise why
 * not, in the words a 401 would use. The live stream asks this every few seconds, so a revoked, expired or
 * logged-out token (or a session whose user was removed) stops receiving within seconds, not when the client
 * reconnects.
 */
export async function callerRevoked(
  source: AuthSource,
  caller: Caller | null,
  now: number,
): Promise<string | null> {
  if (caller?.tokenHash == null) return null;
  const verified = await verifyHash(source.tokens, caller.tokenHash, now);
  if (!verified.ok) return REASONS[verified.reason];
  return (await currentRole(source, verified.token, now)) === "removed" ? REASONS.removed : null;
}
