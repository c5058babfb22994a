/**
 * Authorization on every route: each route of the table × anonymous (with and without anonymous reads),
 * viewer, editor, admin, expired and revoked tokens, against a real SQLite store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoveryService } from "../src/discover/discovery-service.js";
import { createToken, hashSecret } from "../src/server/auth-tokens.js";
import { hashPassword } from "../src/server/password-hash.js";
import { apiRoutes, createApp } from "../src/server/server-app.js";
import type { Role } from "../src/store/store.js";
import { HEARTBEAT_TOKEN, incident, observation, openServerHub, type ServerHub } from "./server-hub.js";
import { tableDns } from "./table-dns.js";

const DAY = 86_400_000;
let served: ServerHub;
let hub: ServerHub["hub"];
const secrets: Record<"viewer" | "editor" | "admin" | "expired" | "revoked", string> = {
  viewer: "",
  editor: "",
  admin: "",
  expired: "",
  revoked: "",
};

beforeAll(async () => {
  const now = Date.now();
  served = await openServerHub({
    incidents: [incident("inc-1", now - 60_000, null)],
    users: [
      {
        name: "dora",
        role: "viewer",
        passwordHash: await hashPassword("dora-pass-1", { N: 2 ** 14, r: 8, p: 1 }),
      },
    ],
  });
  hub = served.hub;
  for (const role of ["viewer", "editor", "admin"] as const)
    secrets[role] = (await createToken(served.store, { name: `${role}-token`, role, now })).secret;
  secrets.expired = (
    await createToken(served.store, { name: "old", role: "admin", now: now - 2 * DAY, expiresInMs: DAY })
  ).secret;
  const revoked = await createToken(served.store, { name: "gone", role: "admin", now });
  await served.store.revokeToken(revoked.token.id, now - 1000);
  secrets.revoked = revoked.secret;
});

afterAll(async () => {
  await served?.close();
});

interface Case {
  /** Status when allowed. */
  ok: number;
  /** The route uses up the caller's token (logout): send a fresh one of the caller's role instead. */
  spendsToken?: boolean;
  request: () => Promise<{ path: string; init?: RequestInit }>;
}

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

let seq = 0;
/** A valid request for each route, keyed `METHOD path` as the route table writes it. */
const CASES: Record<string, Case> = {
  "GET /healthz": { ok: 200, request: async () => ({ path: "/healthz" }) },
  "GET /metrics": { ok: 200, request: async () => ({ path: "/metrics" }) },
  "GET /api/v1/openapi.json": { ok: 200, request: async () => ({ path: "/api/v1/openapi.json" }) },
  "GET /api/v1/components": { ok: 200, request: async () => ({ path: "/api/v1/components?kind=saas" }) },
  "GET /api/v1/components/{id}": {
    ok: 200,
    request: async () => ({ path: "/api/v1/components/aws/us-east-1" }),
  },
  "GET /api/v1/graph": { ok: 200, request: async () => ({ path: "/api/v1/graph" }) },
  "GET /api/v1/checks": { ok: 200, request: async () => ({ path: "/api/v1/checks" }) },
  "GET /api/v1/states": { ok: 200, request: async () => ({ path: "/api/v1/states" }) },
  "GET /api/v1/summary": { ok: 200, request: async () => ({ path: "/api/v1/summary?limit=5" }) },
  "GET /api/v1/concentration": { ok: 200, request: async () => ({ path: "/api/v1/concentration" }) },
  "GET /api/v1/world": { ok: 200, request: async () => ({ path: "/api/v1/world" }) },
  "GET /api/v1/suspected-dependencies": {
    ok: 200,
    request: async () => ({ path: "/api/v1/suspected-dependencies?minScore=0.5" }),
  },
  "GET /status/api/v2/summary.json": {
    ok: 200,
    request: async () => ({ path: "/status/api/v2/summary.json" }),
  },
  "GET /status/api/v2/incidents.json": {
    ok: 200,
    request: async () => ({ path: "/status/api/v2/incidents.json" }),
  },
  "GET /status/api/v2/status.json": {
    ok: 200,
    request: async () => ({ path: "/status/api/v2/status.json" }),
  },
  "GET /status/api/v2/components.json": {
    ok: 200,
    request: async () => ({ path: "/status/api/v2/components.json" }),
  },
  "GET /status/api/v2/incidents/unresolved.json": {
    ok: 200,
    request: async () => ({ path: "/status/api/v2/incidents/unresolved.json" }),
  },
  "GET /status/api/v2/uptime.json": {
    ok: 200,
    request: async () => ({ path: "/status/api/v2/uptime.json" }),
  },
  "GET /status/feed.atom": { ok: 200, request: async () => ({ path: "/status/feed.atom" }) },
  "GET /api/v1/maintenances": { ok: 200, request: async () => ({ path: "/api/v1/maintenances" }) },
  "POST /api/v1/maintenances": {
    ok: 201,
    request: async () => ({
      path: "/api/v1/maintenances",
      init: json({
        title: "Planned",
        components: ["acme/api"],
        start: new Date(Date.now()).toISOString(),
        end: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    }),
  },
  "DELETE /api/v1/maintenances/{id}": {
    ok: 200,
    request: async () => {
      const at = Date.now();
      const made = await hub.maintenance.create({
        title: "To end",
        components: ["acme/api"],
        start: at,
        end: at + 3_600_000,
        by: "test",
      });
      return { path: `/api/v1/maintenances/${made!.id}`, init: { method: "DELETE" } };
    },
  },
  "GET /status/api/v2/scheduled-maintenances.json": {
    ok: 200,
    request: async () => ({ path: "/status/api/v2/scheduled-maintenances.json" }),
  },
  "GET /status/api/v2/scheduled-maintenances/upcoming.json": {
    ok: 200,
    request: async () => ({ path: "/status/api/v2/scheduled-maintenances/upcoming.json" }),
  },
  "GET /status/api/v2/scheduled-maintenances/active.json": {
    ok: 200,
    request: async () => ({ path: "/status/api/v2/scheduled-maintenances/active.json" }),
  },
  "GET /status/feed.rss": { ok: 200, request: async () => ({ path: "/status/feed.rss" }) },
  "GET /status/badge/{component}.svg": {
    ok: 200,
    request: async () => ({ path: "/status/badge/acme/api.svg" }),
  },
  "GET /status/badge/{component}/uptime.svg": {
    ok: 200,
    request: async () => ({ path: "/status/badge/acme/api/uptime.svg?days=7" }),
  },
  "POST /api/v1/discover": {
    ok: 200,
    request: async () => ({ path: "/api/v1/discover", init: json({ domains: ["shop.example"] }) }),
  },
  "POST /api/v1/whatif": {
    ok: 200,
    request: async () => ({ path: "/api/v1/whatif", init: json({ failed: ["aws/us-east-1"] }) }),
  },
  "GET /api/v1/observations": {
    ok: 200,
    request: async () => ({ path: "/api/v1/observations?component=acme/api" }),
  },
  "POST /api/v1/observations": {
    ok: 202,
    request: async () => ({
      path: "/api/v1/observations",
      init: json({ observations: [observation(`auth-${++seq}`, Date.now())] }),
    }),
  },
  "GET /api/v1/rollups": { ok: 200, request: async () => ({ path: "/api/v1/rollups?resolution=1m" }) },
  "GET /api/v1/reports/sla": {
    ok: 200,
    request: async () => ({ path: "/api/v1/reports/sla?from=2026-11-01&to=2026-11-02" }),
  },
  "GET /api/v1/incidents": { ok: 200, request: async () => ({ path: "/api/v1/incidents?open=true" }) },
  "GET /api/v1/incidents/{id}": { ok: 200, request: async () => ({ path: "/api/v1/incidents/inc-1" }) },
  "POST /api/v1/incidents/{id}/ack": {
    ok: 200,
    request: async () => ({ path: "/api/v1/incidents/inc-1/ack", init: { method: "POST" } }),
  },
  "POST /api/v1/incidents/{id}/updates": {
    ok: 201,
    request: async () => ({
      path: "/api/v1/incidents/inc-1/updates",
      init: json({ status: "identified", message: "Found it", public: true }),
    }),
  },
  "GET /status/api/subscriptions": { ok: 200, request: async () => ({ path: "/status/api/subscriptions" }) },
  // Subscriptions are off in this app: public, and refused alike for every caller.
  "POST /status/api/subscriptions": {
    ok: 404,
    request: async () => ({ path: "/status/api/subscriptions", init: json({ email: "ops@acme.example" }) }),
  },
  "GET /status/subscriptions/confirm": {
    ok: 404,
    request: async () => ({ path: `/status/subscriptions/confirm?token=${"a".repeat(43)}` }),
  },
  "GET /status/subscriptions/unsubscribe": {
    ok: 404,
    request: async () => ({ path: `/status/subscriptions/unsubscribe?token=${"a".repeat(43)}` }),
  },
  "POST /status/subscriptions/unsubscribe": {
    ok: 404,
    request: async () => ({
      path: `/status/subscriptions/unsubscribe?token=${"a".repeat(43)}`,
      init: { method: "POST" },
    }),
  },
  "POST /api/v1/heartbeats/{token}": {
    ok: 200,
    request: async () => ({ path: `/api/v1/heartbeats/${HEARTBEAT_TOKEN}`, init: { method: "POST" } }),
  },
  "GET /api/v1/heartbeats/{token}": {
    ok: 200,
    request: async () => ({ path: `/api/v1/heartbeats/${HEARTBEAT_TOKEN}` }),
  },
  "GET /api/v1/stream": { ok: 200, request: async () => ({ path: "/api/v1/stream" }) },
  "GET /api/v1/tokens": { ok: 200, request: async () => ({ path: "/api/v1/tokens" }) },
  "POST /api/v1/tokens": {
    ok: 201,
    request: async () => ({ path: "/api/v1/tokens", init: json({ name: "made", role: "viewer" }) }),
  },
  "POST /api/v1/login": {
    ok: 200,
    request: async () => ({ path: "/api/v1/login", init: json({ name: "dora", password: "dora-pass-1" }) }),
  },
  "POST /api/v1/logout": {
    ok: 204,
    spendsToken: true,
    request: async () => ({ path: "/api/v1/logout", init: { method: "POST" } }),
  },
  "DELETE /api/v1/tokens/{id}": {
    ok: 204,
    request: async () => {
      const victim = await createToken(served.store, { name: "victim", role: "viewer", now: Date.now() });
      return { path: `/api/v1/tokens/${victim.token.id}`, init: { method: "DELETE" } };
    },
  },
};

type CallerKind = "anonymous" | "anonymous-read" | Role | "expired" | "revoked";
const CALLERS: CallerKind[] = [
  "anonymous",
  "anonymous-read",
  "viewer",
  "editor",
  "admin",
  "expired",
  "revoked",
];
const RANK = { viewer: 0, editor: 1, admin: 2 } as const;

const ROUTES = apiRoutes({ streamHeartbeatMs: 15_000 });

function expected(access: string, caller: CallerKind, ok: number): number {
  if (access === "public") return ok;
  if (caller === "expired" || caller === "revoked") return 401;
  if (caller === "anonymous") return 401;
  if (caller === "anonymous-read") return access === "viewer" ? ok : 401;
  return RANK[caller] >= RANK[access as Role] ? ok : 403;
}

/** Discovery over a resolver that knows no names: the route runs for real, without the network. */
const discovery = discoveryService({ dns: tableDns({}), tls: null });

describe("authorization on every route", () => {
  it("has a case for every route of the table, and no case for a route that does not exist", () => {
    expect(Object.keys(CASES).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  const rows = ROUTES.flatMap((route) =>
    CALLERS.map((caller) => ({ key: `${route.method} ${route.path}`, access: route.access, caller })),
  );
  it.each(rows)("$key as $caller", async ({ key, access, caller }) => {
    const app = createApp({ hub, auth: { anonymousRead: caller === "anonymous-read" }, discovery });
    const c = CASES[key]!;
    const { path, init = {} } = await c.request();
    const headers = new Headers(init.headers);
    if (caller in secrets) {
      const fresh = c.spendsToken && caller in RANK;
      const secret = fresh
        ? (await createToken(served.store, { name: "spent", role: caller as Role, now: Date.now() })).secret
        : secrets[caller as keyof typeof secrets];
      headers.set("authorization", `Bearer ${secret}`);
    }
    const res = await app.request(path, { ...init, headers });
    const want = expected(access, caller, c.ok);
    if (res.status !== want) throw new Error(`${key} as ${caller}: ${res.status} ${await res.text()}`);
    if (want === 401) {
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="epicenter"/);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("unauthorized");
      if (caller === "expired") expect(body.error.message).toBe("token expired");
      if (caller === "revoked") expect(body.error.message).toBe("token revoked");
    } else if (want === 403) {
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error).toMatchObject({ code: "forbidden" });
      expect(body.error.message).toContain(`needs the ${access} role`);
    } else await res.body?.cancel();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("tokens", () => {
  it("stores only the SHA-256 of the secret, never the secret", async () => {
    const { token, secret } = await createToken(served.store, { name: "x", role: "viewer", now: Date.now() });
    expect(secret).toMatch(/^ept_[A-Za-z0-9_-]{43}$/);
    const stored = await served.store.findTokenByHash(hashSecret(secret));
    expect(stored?.id).toBe(token.id);
    expect(JSON.stringify(await served.store.listTokens())).not.toContain(secret);
  });

  it("an admin creates a token over the API whose secret then works, and revoking it shuts it out", async () => {
    const app = createApp({ hub, auth: { anonymousRead: false } });
    const admin = { authorization: `Bearer ${secrets.admin}`, "content-type": "application/json" };
    const made = await app.request("/api/v1/tokens", {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ name: "agent-1", role: "editor", expiresIn: "30d" }),
    });
    expect(made.status).toBe(201);
    const { token, secret } = (await made.json()) as {
      token: { id: string; expiresAt: string };
      secret: string;
    };
    expect(Date.parse(token.expiresAt) - Date.now()).toBeGreaterThan(29 * DAY);
    const listed = await (await app.request("/api/v1/tokens", { headers: admin })).text();
    expect(listed).toContain(token.id);
    expect(listed).not.toContain(secret);
    expect(listed).not.toContain(hashSecret(secret));

    const ack = () =>
      app.request("/api/v1/incidents/inc-1/ack", {
        method: "POST",
        headers: { authorization: `Bearer ${secret}` },
      });
    const acked = await ack();
    expect(acked.status).toBe(200);
    expect(((await acked.json()) as { incident: { acknowledgedBy: string } }).incident.acknowledgedBy).toBe(
      "agent-1",
    );

    expect(
      (await app.request(`/api/v1/tokens/${token.id}`, { method: "DELETE", headers: admin })).status,
    ).toBe(204);
    expect((await ack()).status).toBe(401);
    expect(
      (await app.request(`/api/v1/tokens/${token.id}x`, { method: "DELETE", headers: admin })).status,
    ).toBe(404);
  });

  it("refuses an expiry beyond 10 years with the reason, and lists a stored out-of-range one as invalid", async () => {
    const app = createApp({ hub, auth: { anonymousRead: false } });
    const admin = { authorization: `Bearer ${secrets.admin}`, "content-type": "application/json" };
    const create = (expiresIn: string) =>
      app.request("/api/v1/tokens", {
        method: "POST",
        headers: admin,
        body: JSON.stringify({ name: "forever", role: "viewer", expiresIn }),
      });
    const huge = await create("100000000d");
    expect(huge.status).toBe(400);
    expect(await huge.json()).toEqual({
      error: {
        code: "invalid_request",
        message: "expiresIn must be at most 3650d (10 years); leave it out for a token that never expires",
        path: "expiresIn",
      },
    });
    expect((await create("3650d")).status).toBe(201);
    // A row stored before the bound (or by another tool): the list shows it, with its expiry invalid.
    const { token } = await createToken(served.store, { name: "legacy", role: "viewer", now: Date.now() });
    await served.store.createToken({
      ...token,
      id: `${token.id}x`,
      hash: `${token.hash}x`,
      expiresAt: 8.64e18,
    });
    const listed = await app.request("/api/v1/tokens", { headers: admin });
    expect(listed.status).toBe(200);
    const rows = ((await listed.json()) as { tokens: Record<string, unknown>[] }).tokens;
    expect(rows.find((t) => t.id === `${token.id}x`)).toMatchObject({
      name: "legacy",
      expiresAt: null,
      invalid: ["expiresAt"],
    });
    expect(rows.find((t) => t.id === token.id)).not.toHaveProperty("invalid");
  });

  it("rejects a malformed Authorization header and a query token outside the stream", async () => {
    const app = createApp({ hub, auth: { anonymousRead: true } });
    const basic = await app.request("/api/v1/states", { headers: { authorization: "Basic dXNlcjpwdw==" } });
    expect(basic.status).toBe(401);
    expect(basic.headers.get("www-authenticate")).toContain('error="invalid_request"');
    const garbage = await app.request("/api/v1/states", { headers: { authorization: "Bearer nonsense" } });
    expect(garbage.status).toBe(401);
    const query = await app.request(`/api/v1/states?access_token=${secrets.viewer}`);
    expect(query.status).toBe(401);
    expect(await query.text()).toContain("only by /api/v1/stream");
    const stream = await app.request(`/api/v1/stream?access_token=${secrets.viewer}`);
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
  });

  it("shows check secrets to admins only", async () => {
    const app = createApp({ hub, auth: { anonymousRead: true } });
    const anonymous = await (await app.request("/api/v1/checks")).text();
    for (const secret of ["hunter2", "s3cret", HEARTBEAT_TOKEN, "q-k3y-1", "q-t0k-2"])
      expect(anonymous).not.toContain(secret);
    // The query's other values stay, so the check can still be told apart.
    expect(anonymous).toContain("api_key=redacted&region=eu&Auth_Token=redacted");
    const editor = await (
      await app.request("/api/v1/checks", { headers: { authorization: `Bearer ${secrets.editor}` } })
    ).text();
    expect(editor).not.toContain(HEARTBEAT_TOKEN);
    const admin = await (
      await app.request("/api/v1/checks", { headers: { authorization: `Bearer ${secrets.admin}` } })
    ).text();
    expect(admin).toContain(HEARTBEAT_TOKEN);
  });
});
