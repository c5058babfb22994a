/**
 * User/password login for the dashboard: `POST /api/v1/login` checks the password against the config's
 * scrypt hash and answers with a session token, an ordinary API token of the user's role named
 * `session:<name>` that expires in 12 h, so every route authorizes it as it does any token, except that it acts
 * with its user's role in the running config and ends when the user is removed (session-users.ts).
 * `POST /api/v1/logout` revokes the caller's own token. Failed logins are throttled per (address, name), per
 * address and, much more loosely, per name (login-throttle.ts); an unknown name and a wrong password get the
 * same answer after the same scrypt work.
 */
import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { ApiError } from "./api-errors.js";
import { renderToken } from "./api-render.js";
import { tokenCreatedResponse } from "./api-responses.js";
import { loginBody } from "./api-schemas.js";
import { createToken } from "./auth-tokens.js";
import { LoginThrottle } from "./login-throttle.js";
import { hashPassword, verifyPassword } from "./password-hash.js";
import { defineRoute, type Route } from "./route-table.js";
import { sessionName } from "./session-users.js";

export const SESSION_MS = 12 * 3_600_000;

/**
 * The peer's address from @hono/node-server's bindings; "unknown" without a socket (app.request in tests).
 * Proxy headers such as X-Forwarded-For are not trusted: any client could send them to dodge the throttle.
 */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

export function loginRoutes(throttle = new LoginThrottle()): Route[] {
  // A hash no password matches, checked when the name is unknown so that costs as much as a wrong password.
  let decoy: Promise<string> | null = null;
  return [
    defineRoute({
      method: "POST",
      path: "/api/v1/login",
      access: "public",
      tag: "tokens",
      summary: "Log in with a name and password of the config's server.users; answers a 12 h session token",
      body: loginBody,
      bodyLimit: 4096,
      response: tokenCreatedResponse,
      responses: {
        200: '`{token: {id, name: "session:<name>", role, expiresAt, …}, secret}`: send the secret as `Authorization: Bearer <secret>`',
        401: "Unknown name or wrong password (the same answer for both)",
        429: "Too many failed logins (a minute: 5 for this name from this address, 20 from this address, 100 for this name); Retry-After says when to try again",
      },
      handler: async ({ c, hub, body, now }) => {
        const at = now();
        const attempt = { address: clientAddress(c), name: body.name };
        const wait = throttle.retryAfterMs(attempt, at);
        if (wait > 0) {
          const seconds = Math.ceil(wait / 1000);
          throw new ApiError(429, "too_many_requests", `too many failed logins; try again in ${seconds} s`, {
            headers: { "Retry-After": String(seconds) },
          });
        }
        // Counted before the (slow) check, so parallel guesses cannot slip past the limit; taken back on success.
        throttle.fail(attempt, at);
        const user = hub.users().find((u) => u.name === body.name);
        decoy ??= hashPassword(randomBytes(32).toString("base64url"));
        const ok = await verifyPassword(body.password, user?.passwordHash ?? (await decoy));
        if (!user || !ok)
          throw new ApiError(401, "unauthorized", "unknown user or wrong password", {
            headers: { "WWW-Authenticate": 'Bearer realm="epicenter"' },
          });
        throttle.succeeded(attempt, at);
        const { token, secret } = await createToken(hub.tokens, {
          name: sessionName(user.name),
          role: user.role,
          expiresInMs: SESSION_MS,
          now: at,
        });
        return c.json({ token: renderToken(token), secret });
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/v1/logout",
      access: "viewer",
      tag: "tokens",
      summary: "Revoke the token this request carries (a session's or any other); without one, nothing to do",
      responses: { 204: "Revoked (or no token was sent)" },
      handler: async ({ c, hub, caller, now }) => {
        if (caller?.tokenId) await hub.tokens.revokeToken(caller.tokenId, now());
        return c.body(null, 204);
      },
    }),
  ];
}
