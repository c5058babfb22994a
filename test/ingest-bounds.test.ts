/**
 * Issue 13, the ingest's bounds against a real `serve` (hub, HTTP server, SQLite or PostgreSQL store): a
 * vantage's own health is taken like any observation; a time far ahead of the hub's clock is refused per
 * observation with its reason; a far-future row already stored breaks no read and is removed by retention.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type HubProcess, startHubProcess } from "../src/cli/serve-process.js";
import type { Observation } from "../src/model/observation.js";
import { postgresUnreachable, postgresUrl } from "./store-postgres-env.js";

let dir: string;
let running: HubProcess | null = null;
const lines: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-ingest-bounds-"));
  // Nothing to probe: the hub's own agent runs no check here (the only check is for another vantage).
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
      "",
    ].join("\n"),
  );
});
afterEach(async () => {
  await running?.stop();
  running = null;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serve(data: string, databaseUrl?: string): Promise<HubProcess> {
  running = await startHubProcess({
    configFile: join(dir, "epicenter.yaml"),
    dataDir: join(dir, data),
    ...(databaseUrl ? { databaseUrl } : {}),
    vantage: "probe/a",
    port: 0,
    host: "127.0.0.1",
    log: (l) => lines.push(l),
    warn: (l) => lines.push(`warning: ${l}`),
  });
  return running;
}

function observation(at: number, over: Partial<Observation> = {}): Observation {
  return {
    id: `probe/b:acme/api#1:${at}`,
    at,
    vantage: "probe/b",
    component: "acme/api",
    check: "acme/api#1",
    status: "up",
    latencyMs: 3,
    errorClass: null,
    ...over,
  };
}

function post(hub: HubProcess, observations: Observation[]) {
  return fetch(`${hub.url}/api/v1/observations`, {
    method: "POST",
    headers: { authorization: `Bearer ${hub.firstToken}`, "content-type": "application/json" },
    body: JSON.stringify({ observations }),
  });
}

const READS = [
  "/api/v1/observations",
  "/api/v1/observations?component=acme/api",
  "/api/v1/observations?vantage=probe/b&limit=5",
  "/api/v1/rollups?resolution=1m",
  "/api/v1/states",
  "/api/v1/summary",
  "/api/v1/components/acme/api",
  "/status/api/v2/summary.json",
];

/** What every store must do; `databaseUrl` absent: SQLite in the data folder. */
function boundsSuite(data: string, databaseUrl: () => Promise<string | undefined>) {
  it("takes a vantage's own health (component = its vantage), as the hub's own agent reports it", async () => {
    const hub = await serve(`${data}-health`, await databaseUrl());
    const at = Date.now();
    const health = observation(at, {
      id: `probe/b:anchor#1:${at}`,
      component: "probe/b",
      check: "anchor#1",
      message: "1 of 1 anchors reachable (latest: anchor#1 up)",
    });
    const res = await post(hub, [health]);
    expect(res.status, await res.clone().text()).toBe(202);
    expect(await hub.store.queryObservations({ component: "probe/b" })).toEqual([health]);
  });

  it("refuses times more than 5 minutes ahead of its clock, per observation with the reason; takes the rest of the future", async () => {
    const hub = await serve(`${data}-future`, await databaseUrl());
    const now = Date.now();
    const res = await post(hub, [
      observation(now),
      observation(Number.MAX_SAFE_INTEGER),
      observation(now + 10 * 60_000),
    ]);
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as {
      error: { code: string; message: string; path: string; refusals: { index: number; path: string }[] };
    };
    expect(error.code).toBe("future_time");
    expect(error.path).toBe("observations[1].at");
    expect(error.message).toMatch(/ahead of the hub's clock/);
    expect(error.refusals.map((r) => r.path)).toEqual(["observations[1].at", "observations[2].at"]);
    // All or nothing: the good one was not taken either (the agent splits the batch and sends it again).
    expect(await hub.store.queryObservations({ component: "acme/api" })).toEqual([]);

    // The hub's own ingest (its local agents, the heartbeats) keeps the same bound.
    await expect(hub.hub.ingest([observation(Number.MAX_SAFE_INTEGER)])).rejects.toMatchObject({
      name: "HubInputError",
      code: "E_FUTURE_TIME",
    });

    const soon = observation(now + 60_000);
    expect((await post(hub, [soon])).status).toBe(202);
    expect(await hub.store.queryObservations({ component: "acme/api" })).toEqual([soon]);
    for (const path of READS) expect((await fetch(`${hub.url}${path}`, authed(hub))).status, path).toBe(200);
  });

  it("a far-future row already stored makes no read fail, and retention deletes it", async () => {
    const hub = await serve(`${data}-stored`, await databaseUrl());
    const now = Date.now();
    const good = observation(now - 1000);
    // Written before the bound existed (straight into the store, as an older hub did).
    await hub.store.insertObservations([
      good,
      observation(Number.MAX_SAFE_INTEGER),
      observation(now + 86_400_000),
    ]);
    for (const path of READS) {
      const res = await fetch(`${hub.url}${path}`, authed(hub));
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    }
    const listed = (await (await fetch(`${hub.url}/api/v1/observations`, authed(hub))).json()) as {
      observations: { id: string }[];
    };
    expect(listed.observations.map((o) => o.id)).toEqual([good.id]);

    const deleted = await hub.store.applyRetention(now);
    expect(deleted.raw).toBe(2);
    expect(await hub.store.queryObservations({})).toEqual([good]);
  });
}

function authed(hub: HubProcess) {
  return { headers: { authorization: `Bearer ${hub.firstToken}` } };
}

describe("ingest bounds, SQLite", () => {
  boundsSuite("sqlite", async () => undefined);
});

const missing = await postgresUnreachable();
describe.skipIf(missing !== null)(
  `ingest bounds, PostgreSQL${missing ? ` (skipped: ${missing})` : ""}`,
  () => {
    const made: string[] = [];
    /** A fresh database per test, dropped after all. */
    const fresh = async () => {
      const name = `epicenter_bounds_${process.pid}_${Date.now()}_${made.length}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      made.push(name);
      const u = new URL(postgresUrl);
      u.pathname = `/${name}`;
      return u.href;
    };
    afterAll(async () => {
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      for (const name of made) await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    });
    boundsSuite("pg", fresh);
  },
);
