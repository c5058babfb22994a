/**
 * Issue 13 #14, against a real `serve` (hub, HTTP server, SQLite store): agent tokens are bound to one
 * vantage and reach only the ingest; no token posts as the hub's own vantage; a batch posted again is
 * acknowledged but reaches the localizer's states once. And `epicenter token` makes and lists agent tokens.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { type HubProcess, startHubProcess } from "../src/cli/serve-process.js";
import type { Observation } from "../src/model/observation.js";
import { apiRoutes } from "../src/server/api-routes.js";
import { captureIo } from "./capture-io.js";

let dir: string;
let served: HubProcess;
let agent: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-agent-tokens-"));
  // Nothing to probe: the only network check is for another vantage; the heartbeat makes "hub" a vantage.
  writeFileSync(
    join(dir, "epicenter.yaml"),
    [
      "catalog: false",
      "vantages: [probe/a, probe/b]",
      "components:",
      "  - id: acme/api",
      "    checks:",
      "      - http: http://127.0.0.1:9/health",
      "        interval: 1h",
      "        vantages: [probe/b]",
      "  - id: acme/nightly",
      "    checks:",
      "      - heartbeat: { token: hb-agent-tokens-1, grace: 1h }",
      "",
    ].join("\n"),
  );
  served = await startHubProcess({
    configFile: join(dir, "epicenter.yaml"),
    dataDir: join(dir, "data"),
    vantage: "probe/a",
    port: 0,
    host: "127.0.0.1",
    log: () => {},
    warn: () => {},
  });
  const made = await api("/api/v1/tokens", admin(), {
    method: "POST",
    body: JSON.stringify({ name: "eu-west agent", role: "agent", vantage: "probe/b" }),
  });
  expect(made.status, await made.clone().text()).toBe(201);
  const body = (await made.json()) as { token: { role: string; vantage: string }; secret: string };
  expect(body.token).toMatchObject({ role: "agent", vantage: "probe/b" });
  agent = body.secret;
});

afterAll(async () => {
  await served?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function admin(): string {
  return served.firstToken!;
}

function api(path: string, secret: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${served.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
  });
}

function observation(at: number, over: Partial<Observation> = {}): Observation {
  const vantage = over.vantage ?? "probe/b";
  return {
    id: `${vantage}:acme/api#1:${at}`,
    at,
    vantage,
    component: "acme/api",
    check: "acme/api#1",
    status: "down",
    latencyMs: null,
    errorClass: "connect-refused",
    ...over,
  };
}

function post(secret: string, observations: Observation[]): Promise<Response> {
  return api("/api/v1/observations", secret, { method: "POST", body: JSON.stringify({ observations }) });
}

interface ErrorAnswer {
  error: { code: string; message: string; path?: string; refusals?: { index: number; path: string }[] };
}

/** The `epicenter_checks_run_total` the hub counts per observation it takes (its states and localizer). */
async function checksRun(vantage: string): Promise<number> {
  const text = await (await api("/metrics", admin())).text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("epicenter_checks_run_total{") && line.includes(`vantage="${vantage}"`))
      total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

describe("agent tokens", () => {
  it("post observations of their own vantage, and are refused others with a reason naming the observation", async () => {
    const now = Date.now();
    expect((await post(agent, [observation(now - 5000)])).status).toBe(202);

    const res = await post(agent, [observation(now - 4000), observation(now - 4000, { vantage: "probe/a" })]);
    expect(res.status).toBe(403);
    const { error } = (await res.json()) as ErrorAnswer;
    expect(error.code).toBe("forbidden");
    expect(error.path).toBe("observations[1].vantage");
    expect(error.message).toContain('posts as vantage "probe/b" only, not "probe/a"');
    expect(error.refusals?.map((r) => r.index)).toEqual([1]);
    // All or nothing, as for the 422: the allowed one was not taken either.
    const stored = await served.store.queryObservations({ component: "acme/api" });
    expect(stored.map((o) => o.at)).toEqual([now - 5000]);
  });

  it("reach no other route: each answers 403 saying what an agent token may do", async () => {
    const routes = apiRoutes({ streamHeartbeatMs: 15_000 }).filter(
      (r) => r.access !== "public" && !(r.method === "POST" && r.path === "/api/v1/observations"),
    );
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const path = route.path.replace(/\{\w+\}/g, "x");
      const res = await api(path, agent, {
        method: route.method,
        ...(route.method === "POST" ? { body: "{}" } : {}),
      });
      const text = await res.text();
      expect(res.status, `${route.method} ${route.path}: ${text}`).toBe(403);
      expect(text, route.path).toContain("may only post observations of vantage");
    }
  });

  it("an editor or admin token posts as any vantage but the hub's own", async () => {
    const now = Date.now();
    expect((await post(admin(), [observation(now - 3000, { vantage: "probe/a" })])).status).toBe(202);
    const hub = await post(admin(), [
      observation(now - 3000, { vantage: "hub", component: "acme/nightly", check: "acme/nightly#1" }),
    ]);
    expect(hub.status).toBe(403);
    const { error } = (await hub.json()) as ErrorAnswer;
    expect(error.path).toBe("observations[0].vantage");
    expect(error.message).toContain(`vantage "hub" is the hub's own`);
    // The hub's own verdicts on the heartbeat are stored under "hub"; the posted one is not among them.
    const own = await served.store.queryObservations({ vantage: "hub" });
    expect(own.filter((o) => o.at === now - 3000)).toEqual([]);
  });

  it("are made over the API only with a vantage, and other roles only without one; the list shows it", async () => {
    const create = (body: unknown) =>
      api("/api/v1/tokens", admin(), { method: "POST", body: JSON.stringify(body) });
    for (const [body, message] of [
      [{ name: "a", role: "agent" }, "an agent token needs the vantage it posts as"],
      [{ name: "a", role: "editor", vantage: "probe/a" }, "only agent tokens are bound to a vantage"],
      [{ name: "a", role: "agent", vantage: "hub" }, `"hub" is the hub's own vantage`],
    ] as const) {
      const res = await create(body);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as ErrorAnswer;
      expect(error.path).toBe("vantage");
      expect(error.message).toContain(message);
    }
    const list = (await (await api("/api/v1/tokens", admin())).json()) as {
      tokens: { name: string; role: string; vantage: string | null }[];
    };
    expect(list.tokens.find((t) => t.name === "eu-west agent")).toMatchObject({
      role: "agent",
      vantage: "probe/b",
    });
    expect(list.tokens.find((t) => t.role === "admin")?.vantage).toBeNull();
  });
});

describe("a batch posted again", () => {
  it("is acknowledged (202) but its observations reach the hub's states and localizer once", async () => {
    const now = Date.now();
    const batch = [observation(now - 2000), observation(now - 1500), observation(now - 1000)];
    const before = await checksRun("probe/b");
    expect((await post(agent, batch)).status).toBe(202);
    // The agent's retry after a lost answer, and a batch repeating one of its own observations.
    const again = await post(agent, batch);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ accepted: 3 });
    expect((await post(agent, [batch[0]!, observation(now - 500), observation(now - 500)])).status).toBe(202);
    expect((await checksRun("probe/b")) - before).toBe(4);
    const stored = await served.store.queryObservations({ component: "acme/api", from: now - 2000 });
    expect(stored.map((o) => o.at)).toEqual([now - 500, now - 1000, now - 1500, now - 2000]);
  });
});

describe("epicenter token, agents", () => {
  async function token(...args: string[]) {
    const { io, out, err } = captureIo(dir, {});
    const status = await run(["token", ...args, "--data", "cli"], io);
    return { status, out: out.join("\n"), err: err.join("\n") };
  }

  it("creates an agent token for one vantage and lists the vantage; refuses a role and vantage that do not go together", async () => {
    const made = await token("create", "--role", "agent", "--vantage", "probe/eu-west", "--name", "eu");
    expect(made.status, made.err).toBe(0);
    expect(made.out).toMatch(
      /^Created agent token tok_[0-9a-f]+ "eu" for vantage probe\/eu-west, never expires\.$/m,
    );
    const listed = await token("list");
    expect(listed.out).toMatch(/^id\s+name\s+role\s+vantage\s+created\s+status$/m);
    expect(listed.out).toMatch(/\beu\s+agent\s+probe\/eu-west\s/);
    const json = JSON.parse((await token("list", "--json")).out) as { tokens: { vantage: string | null }[] };
    expect(json.tokens.map((t) => t.vantage)).toEqual(["probe/eu-west"]);

    for (const [args, message] of [
      [["--role", "agent"], "an agent token needs the vantage it posts as"],
      [["--role", "viewer", "--vantage", "probe/a"], "only agent tokens are bound to a vantage"],
      [["--role", "agent", "--vantage", "hub"], `"hub" is the hub's own vantage`],
      [["--role", "agent", "--vantage", "Probe EU"], "is no id"],
    ] as const) {
      const refused = await token("create", ...args);
      expect(refused.status, args.join(" ")).toBe(2);
      expect(refused.err).toContain(message);
    }
  });
});
