/** Routes for API tokens (admins only): list, create (the secret is shown once), revoke. */
import { parseDuration } from "../model/duration.js";
import { ApiError } from "./api-errors.js";
import { renderToken } from "./api-render.js";
import { tokenCreatedResponse, tokensResponse } from "./api-responses.js";
import { tokenBody } from "./api-schemas.js";
import { createToken, lifetimeProblem, vantageProblem } from "./auth-tokens.js";
import { defineRoute, type Route } from "./route-table.js";

export const tokenRoutes: Route[] = [
  defineRoute({
    method: "GET",
    path: "/api/v1/tokens",
    access: "admin",
    tag: "tokens",
    summary: "API tokens, newest first (never their secrets or hashes)",
    response: tokensResponse,
    responses: {
      200: "`{tokens: [{id, name, role, vantage, createdAt, expiresAt, revokedAt, invalid?}]}`; `vantage` is an agent token's (null for other roles); `invalid` names stored times that are no date (shown as null)",
    },
    handler: async ({ c, hub }) => {
      const tokens = await hub.tokens.listTokens();
      return c.json({ tokens: tokens.map(renderToken) });
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/tokens",
    access: "admin",
    tag: "tokens",
    summary:
      "Create a token; the response is the only time its secret is shown. An agent token (`role: agent`) needs `vantage`, the only one it may post observations as",
    body: tokenBody,
    response: tokenCreatedResponse,
    responses: { 201: "`{token, secret}`: send the secret as `Authorization: Bearer <secret>`" },
    handler: async ({ c, hub, body, now }) => {
      const seconds = body.expiresIn === undefined ? undefined : parseDuration(body.expiresIn)!;
      const expiresInMs = seconds === undefined ? undefined : Math.round(seconds * 1000);
      const problem = expiresInMs === undefined ? undefined : lifetimeProblem(expiresInMs);
      if (problem !== undefined)
        throw new ApiError(400, "invalid_request", `expiresIn ${problem}`, { path: "expiresIn" });
      const mismatch = vantageProblem(body.role, body.vantage);
      if (mismatch !== undefined)
        throw new ApiError(400, "invalid_request", `vantage: ${mismatch}`, { path: "vantage" });
      const { token, secret } = await createToken(hub.tokens, {
        name: body.name,
        role: body.role,
        ...(body.vantage === undefined ? {} : { vantage: body.vantage }),
        now: now(),
        ...(expiresInMs === undefined ? {} : { expiresInMs }),
      });
      return c.json({ token: renderToken(token), secret }, 201);
    },
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/tokens/{id}",
    access: "admin",
    tag: "tokens",
    summary: "Revoke a token at once (it stays listed, with revokedAt)",
    params: { id: { description: "Token id (tok_…)" } },
    responses: { 204: "Revoked", 404: "No such token" },
    handler: async ({ c, hub, params, now }) => {
      if (!(await hub.tokens.revokeToken(params.id!, now())))
        throw new ApiError(404, "not_found", `no token "${params.id}"`);
      return c.body(null, 204);
    },
  }),
];
