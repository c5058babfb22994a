/**
 * "An observation the hub acknowledged survives kill -9 and restart", at the hub's front door: a real
 * `epicenter serve` process takes batches over HTTP (202 = committed), is killed with SIGKILL mid-stream,
 * and a restarted one serves every acknowledged observation. On SQLite and on PostgreSQL (a database of its
 * own, dropped after). The CLI is compiled with tsc first (its import closure, into node_modules/.cache).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileForChild } from "./compile-child.js";
import { postgresUnreachable, postgresUrl } from "./store-postgres-env.js";

let entry: string;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-serve-crash-"));
  const out = compileForChild("epicenter-serve-crash", "test/fixtures/serve-entry.ts");
  entry = join(out, "test", "fixtures", "serve-entry.js");
  writeFileSync(
    join(dir, "epicenter.yaml"),
    "catalog: false\nvantages: [vantage/a]\ncomponents:\n  - { id: acme/api, observed: true }\n",
  );
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Hub {
  proc: ChildProcess;
  url: string;
  token: string | null;
}

/** Starts `epicenter serve` and reads its URL (and first token) from the banner. */
async function startServe(data: string, env: Record<string, string>): Promise<Hub> {
  const proc = spawn(
    process.execPath,
    [entry, "serve", "--config", join(dir, "epicenter.yaml"), "--port", "0", "--data", data],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } },
  );
  let stderr = "";
  proc.stderr!.on("data", (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: proc.stdout! });
  let url = "";
  let token: string | null = null;
  for await (const line of lines) {
    const u = /hub on (http:\/\/\S+)/.exec(line);
    if (u) url = u[1]!;
    const t = /^\s+(ept_\S+)$/.exec(line);
    if (t) token = t[1]!;
    if (line.startsWith("───") && url) break;
  }
  if (!url) throw new Error(`serve did not start: ${stderr}`);
  return { proc, url, token };
}

function batch(n: number) {
  return Array.from({ length: 100 }, (_, i) => ({
    id: `vantage/a:acme/api#1:${1_700_000_000_000 + n * 100 + i}`,
    at: 1_700_000_000_000 + n * 100 + i,
    vantage: "vantage/a",
    component: "acme/api",
    check: "acme/api#1",
    status: i % 7 === 0 ? "down" : "up",
    latencyMs: i,
    errorClass: i % 7 === 0 ? "http-5xx" : null,
  }));
}

async function crashAndCount(data: string, env: Record<string, string>): Promise<void> {
  const first = await startServe(data, env);
  expect(first.token).toMatch(/^ept_/);
  const auth = { authorization: `Bearer ${first.token}`, "content-type": "application/json" };
  const acknowledged: number[] = [];
  const exited = new Promise((r) => first.proc.on("exit", r));
  // Several writers at once, so the kill lands with requests in flight.
  let next = 0;
  let killed = false;
  const writer = async () => {
    while (!killed) {
      const n = next++;
      try {
        const res = await fetch(`${first.url}/api/v1/observations`, {
          method: "POST",
          headers: auth,
          body: JSON.stringify({ observations: batch(n) }),
        });
        if (res.status === 202) acknowledged.push(n);
        else throw new Error(`status ${res.status}: ${await res.text()}`);
      } catch (error) {
        if (!killed) throw error;
      }
      if (acknowledged.length >= 40 && !killed) {
        killed = true;
        first.proc.kill("SIGKILL");
      }
    }
  };
  await Promise.all([writer(), writer(), writer(), writer()]);
  await exited;

  const second = await startServe(data, env);
  try {
    expect(second.token).toBeNull(); // the first token is still there: the store survived
    const res = await fetch(`${second.url}/api/v1/observations?component=acme/api&limit=10000`, {
      headers: auth,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { observations: { id: string }[] };
    const stored = new Set(body.observations.map((o) => o.id));
    const missing = acknowledged.flatMap((n) => batch(n).map((o) => o.id)).filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);
  } finally {
    second.proc.kill("SIGKILL");
  }
}

describe("kill -9 of a serving hub", () => {
  it("loses no acknowledged observation on SQLite", async () => {
    await crashAndCount(join(dir, "sqlite"), { EPICENTER_DATABASE_URL: "" });
  }, 120_000);

  it("loses no acknowledged observation on PostgreSQL", async (ctx) => {
    const reason = await postgresUnreachable();
    if (reason) return ctx.skip(reason);
    const db = `epicenter_crash_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${db}`);
    try {
      const url = new URL(postgresUrl);
      url.pathname = `/${db}`;
      await crashAndCount(join(dir, "unused"), { EPICENTER_DATABASE_URL: url.href });
    } finally {
      await admin.query(`drop database if exists ${db} with (force)`);
      await admin.end();
    }
  }, 120_000);
});
