/**
 * The API contract cannot drift: every JSON route's real answer, from the real app over a real hub on SQLite
 * (incidents, suspected dependencies, rollups and heartbeats made by its own rounds), parses with the response
 * schema its route declares, the schema the OpenAPI document and the dashboard's types come from. Every such
 * route is called; a JSON route without a schema fails the test too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { discoveryService } from "../src/discover/discovery-service.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import { Subscriptions } from "../src/notify/subscriptions.js";
import type { Check } from "../src/probe/check-types.js";
import { errorResponse } from "../src/server/api-responses.js";
import { createToken } from "../src/server/auth-tokens.js";
import { hashPassword } from "../src/server/password-hash.js";
import { pathPattern, type Route } from "../src/server/route-table.js";
import { apiRoutes, createApp } from "../src/server/server-app.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";
import { type FakeClock, LONE, outage, round, SITES, suspectedModel } from "./suspected-fixture.js";
import { tableDns } from "./table-dns.js";

const T0 = 1_800_000_000_000;
const HEARTBEAT = "hb-contract-token-1";
const base = { intervalMs: 10_000, timeoutMs: 3000, vantages: [], confirm: 0 };
/** One check of every type besides the fixture's http checks, so each branch of the checks schema is read. */
const moreChecks: Check[] = [
  { ...base, type: "tcp", id: "shop/a#2", component: "shop/a", host: "127.0.0.1", port: 1 },
  {
    ...base,
    type: "dns",
    id: "shop/b#2",
    component: "shop/b",
    name: "shop.test",
    recordType: "A",
    expect: "non-empty",
  },
  {
    ...base,
    type: "tls",
    id: "shop/c#2",
    component: "shop/c",
    host: "127.0.0.1",
    port: 1,
    degradedUnderDays: 7,
  },
  { ...base, type: "heartbeat", id: "shop/d#2", component: "shop/d", token: HEARTBEAT, graceMs: 5000 },
  {
    ...base,
    type: "statuspage",
    id: "shop/e#2",
    component: "shop/e",
    url: "http://127.0.0.1:1/api/v2/summary.json",
    format: "statuspage",
    components: { API: "shop/e" },
  },
  // The formats and options added after the schema was written: the checks schema must describe them.
  {
    ...base,
    type: "statuspage",
    id: "shop/e#3",
    component: "shop/e",
    url: "http://127.0.0.1:1/data.json",
    format: "aws-health",
    components: {},
  },
  {
    ...base,
    type: "http",
    id: "shop/f#2",
    component: "shop/f",
    url: "http://127.0.0.1:1/health",
    method: "GET",
    headers: {},
    expectStatus: [[200, 399]],
    followRedirects: true,
    maxRedirects: 5,
    tlsVerify: true,
    reuse: true,
  },
];

let dir: string;
let store: Store;
let hub: ReplicatedHub;
let app: ReturnType<typeof createApp>;
let admin: string;
const clock: FakeClock = { now: T0 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-contract-"));
  store = await openStore({ dataDir: dir });
  const passwordHash = await hashPassword("alice-pass-1", { N: 2 ** 14, r: 8, p: 1 });
  hub = new ReplicatedHub({
    store,
    bus: new MemoryBus(),
    model: {
      ...suspectedModel,
      checks: [...suspectedModel.checks, ...moreChecks],
      users: [{ name: "alice", role: "admin", passwordHash }],
    },
    clock: () => clock.now,
    tickMs: 3_600_000, // the rounds tick by hand
  });
  await hub.start();
  // A resolved incident with a suspected dependency, then an open one.
  await outage(hub, clock);
  for (let k = 0; k < 6; k++) await round(hub, clock, false);
  for (let k = 0; k < 3; k++) await round(hub, clock, true);
  const dns = tableDns({
    "cdn.test": { NS: ["anna.ns.cloudflare.com", "bob.ns.cloudflare.com"] },
    "www.cdn.test": { CNAME: "d111abc.cloudfront.net" },
    "d111abc.cloudfront.net": { A: ["13.224.0.5"] },
  });
  app = createApp({
    hub,
    auth: { anonymousRead: false },
    now: () => clock.now,
    webRoot: null,
    discovery: discoveryService({ dns, tls: null }),
    subscriptions: new Subscriptions({
      settings: { email: null, webhooks: true, max: 10 },
      store,
      baseUrl: () => "http://status.test",
    }),
  });
  admin = (await createToken(store, { name: "ci", role: "admin", now: clock.now })).secret;
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const routes = apiRoutes({ streamHeartbeatMs: 1000 });

function routeOf(method: string, path: string): Route {
  const found = routes.find((r) => r.method === method && pathPattern(r).test(path.split("?")[0]!));
  if (!found) throw new Error(`no route for ${method} ${path}`);
  return found;
}

async function call(method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${admin}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: res.status === 204 ? undefined : ((await res.json()) as unknown) };
}

/** The answer, parsed by its route's schema; fails with zod's account of each mismatch. */
function parsed<S extends z.ZodType>(schema: S, json: unknown, what: string): z.output<S> {
  const result = schema.safeParse(json);
  if (!result.success)
    throw new Error(`${what} does not match its schema:\n${z.prettifyError(result.error)}`);
  return result.data;
}

const called = new Set<Route>();

// biome-ignore lint/suspicious/noExplicitAny: the parsed answers' shapes vary by route; the schema checked them.
async function answer(method: string, path: string, body?: unknown): Promise<any> {
  const route = routeOf(method, path);
  const { status, json } = await call(method, path, body);
  expect(status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
  expect(
    route.response,
    `${method} ${route.path} answers JSON but declares no response schema`,
  ).toBeDefined();
  called.add(route);
  return parsed(route.response!, json, `${method} ${path}`);
}

describe("every JSON route's answer parses with its response schema", () => {
  it("model, states and what-if", async () => {
    expect((await answer("GET", "/healthz")).status).toBe("ok");
    expect((await answer("GET", "/api/v1/openapi.json")).openapi).toBe("3.1.0");
    expect((await answer("GET", "/api/v1/components")).components.length).toBe(
      suspectedModel.components.length,
    );
    const detail = await answer("GET", `/api/v1/components/${SITES[0]}`);
    expect(detail.state).not.toBeNull();
    expect(detail.lastFailures.length).toBeGreaterThan(0);
    expect((await answer("GET", "/api/v1/graph")).edges.length).toBeGreaterThan(0);
    const types = (await answer("GET", "/api/v1/checks")).checks.map((c: Check) => c.type);
    expect(new Set(types)).toEqual(new Set(["http", "tcp", "dns", "tls", "heartbeat", "statuspage"]));
    const states = (await answer("GET", "/api/v1/states")).states;
    expect(states.some((s: { belief: string }) => s.belief === "failing")).toBe(true);
    expect((await answer("POST", "/api/v1/whatif", { failed: ["cloud/r1"] })).down).toContain(SITES[0]);
  });

  it("history, incidents and heartbeats", async () => {
    expect((await answer("GET", "/api/v1/observations?limit=50")).observations.length).toBe(50);
    expect((await answer("GET", "/api/v1/rollups?resolution=1m")).rollups.length).toBeGreaterThan(0);
    const incidents = (await answer("GET", "/api/v1/incidents")).incidents;
    expect(incidents.map((i: { resolvedAt: string | null }) => i.resolvedAt === null)).toEqual([true, false]);
    const open = incidents[0].id as string;
    expect((await answer("GET", `/api/v1/incidents/${open}`)).incident.history.length).toBeGreaterThan(0);
    expect((await answer("POST", `/api/v1/incidents/${open}/ack`)).incident.acknowledgedBy).toBe("ci");
    const update = { status: "monitoring", message: "Fix deployed", public: true };
    expect((await answer("POST", `/api/v1/incidents/${open}/updates`, update)).update.author).toBe("ci");
    expect((await answer("GET", `/api/v1/incidents/${open}`)).incident.humanStatus).toBe("monitoring");
    expect((await answer("POST", `/api/v1/heartbeats/${HEARTBEAT}`)).ok).toBe(true);
    expect((await answer("GET", `/api/v1/heartbeats/${HEARTBEAT}`)).ok).toBe(true);
    const at = clock.now;
    const batch = suspectedModel.vantages.map((vantage) => ({
      id: `contract:${vantage}`,
      at,
      vantage,
      component: LONE,
      check: `${LONE}#1`,
      status: "up",
      latencyMs: 5,
      errorClass: null,
    }));
    expect((await answer("POST", "/api/v1/observations", { observations: batch })).accepted).toBe(2);
  });

  it("the dashboard's summaries and suspected dependencies", async () => {
    const summary = await answer("GET", "/api/v1/summary");
    expect(summary.incidents.length).toBe(1);
    expect(summary.services.items.length).toBe(SITES.length + 1);
    expect((await answer("GET", "/api/v1/concentration")).observed).toBe(SITES.length + 1);
    const world = await answer("GET", "/api/v1/world");
    expect(world.epicenters.map((e: { incidentId: string }) => e.incidentId)).toEqual([
      summary.incidents[0].id,
    ]);
    expect(world.vantages.map((v: { id: string }) => v.id)).toEqual(summary.vantages);
    const suspected = (await answer("GET", "/api/v1/suspected-dependencies")).suspected;
    expect(suspected.map((p: { component: string }) => p.component)).toContain(LONE);
  });

  it("the status page's Statuspage JSON", async () => {
    const summary = await answer("GET", "/status/api/v2/summary.json");
    expect(summary.components.some((c: { group: boolean }) => c.group)).toBe(true);
    expect(summary.incidents.length).toBe(1);
    expect((await answer("GET", "/status/api/v2/incidents.json")).incidents.length).toBe(2);
    expect((await answer("GET", "/status/api/v2/incidents/unresolved.json")).incidents.length).toBe(1);
    expect((await answer("GET", "/status/api/v2/status.json")).status).toEqual(summary.status);
    expect((await answer("GET", "/status/api/v2/components.json")).components).toEqual(summary.components);
    const uptime = await answer("GET", "/status/api/v2/uptime.json");
    expect(uptime.components.length).toBe(SITES.length + 1);
    expect(uptime.components[0].days).toHaveLength(90);
  });

  it("the status page's subscriptions", async () => {
    expect(await answer("GET", "/status/api/subscriptions")).toEqual({ email: false, webhook: true });
    // A webhook target that answers the challenge with its value.
    const target = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      req.on("end", () => res.writeHead(200).end(body));
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
      const made = await answer("POST", "/status/api/subscriptions", { webhook: url, components: [LONE] });
      expect(made.subscription.status).toBe("confirmed");
    } finally {
      await new Promise<void>((resolve) => target.close(() => resolve()));
    }
  });

  it("maintenance windows and the Statuspage scheduled maintenances", async () => {
    const made = await answer("POST", "/api/v1/maintenances", {
      title: "Planned",
      components: [LONE],
      start: new Date(clock.now).toISOString(),
      end: new Date(clock.now + 3_600_000).toISOString(),
    });
    expect(
      (await answer("GET", "/api/v1/maintenances")).maintenances.map((m: { id: string }) => m.id),
    ).toContain(made.maintenance.id);
    for (const path of ["", "/upcoming", "/active"])
      await answer("GET", `/status/api/v2/scheduled-maintenances${path}.json`);
    expect(
      (await answer("DELETE", `/api/v1/maintenances/${made.maintenance.id}`)).maintenance.endedAt,
    ).not.toBeNull();
  });

  it("the SLA report", async () => {
    const day = new Date(T0).toISOString().slice(0, 10);
    const next = new Date(T0 + 86_400_000).toISOString().slice(0, 10);
    const sla = await answer("GET", `/api/v1/reports/sla?from=${day}&to=${next}`);
    expect(sla.components.length).toBe(SITES.length + 1);
    expect(sla.components.some((c: { seenHours: number }) => c.seenHours > 0)).toBe(true);
  });

  it("tokens, login and discovery", async () => {
    const created = await answer("POST", "/api/v1/tokens", {
      name: "short",
      role: "viewer",
      expiresIn: "1h",
    });
    expect(created.secret).toMatch(/^ept_/);
    expect((await answer("GET", "/api/v1/tokens")).tokens.length).toBe(2);
    const login = await answer("POST", "/api/v1/login", { name: "alice", password: "alice-pass-1" });
    expect(login.token.name).toBe("session:alice");
    const found = await answer("POST", "/api/v1/discover", { domains: ["cdn.test"] });
    expect(found.domains[0].requires).toContain("cloudflare/dns");
  });

  it("errors parse with the error schema", async () => {
    const bad = [
      await call("GET", "/api/v1/incidents/no-such"),
      await call("GET", "/api/v1/observations?limit=zero"),
      await call("POST", "/api/v1/observations", {
        observations: [
          {
            id: "x",
            at: clock.now,
            vantage: "vantage/nowhere",
            component: LONE,
            check: "c",
            status: "up",
            latencyMs: 1,
            errorClass: null,
          },
        ],
      }),
    ];
    expect(bad.map((r) => r.status)).toEqual([404, 400, 422]);
    for (const r of bad) parsed(errorResponse, r.json, `error ${r.status}`);
    expect((bad[2]!.json as { error: { refusals: unknown[] } }).error.refusals).toHaveLength(1);
  });

  it("called every route that answers JSON", () => {
    const json = routes.filter(
      (r) => r.produces === undefined && Object.keys(r.responses).some((s) => Number(s) < 300 && s !== "204"),
    );
    const missed = json.filter((r) => !called.has(r)).map((r) => `${r.method} ${r.path}`);
    expect(missed).toEqual([]);
  });
});
