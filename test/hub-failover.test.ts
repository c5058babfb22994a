/**
 * Hub replicas on NATS JetStream and PostgreSQL (issue 8's leader fault test): two real `epicenter serve`
 * processes share a NATS server of the test's own and a fresh PostgreSQL database. Replica A leads; B runs
 * the vantage's agent and stands by. During an outage A is killed with SIGKILL; B takes over within
 * seconds and continues the same incident: one "opened" and one "resolved" notification in all.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileForChild } from "./compile-child.js";
import { type NatsServer, natsServerMissing, startNatsServer } from "./nats-env.js";
import { postgresUnreachable, postgresUrl } from "./store-postgres-env.js";

const missing = natsServerMissing() ?? (await postgresUnreachable());

interface Replica {
  proc: ChildProcess;
  lines: string[];
  url: string;
}

async function until<T>(what: string, probe: () => T | undefined, ms: number, log: () => string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = probe();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(missing)(`hub replicas${missing ? ` (skipped: ${missing})` : ""}`, () => {
  let dir: string;
  let entry: string;
  let nats: NatsServer;
  let target: Server;
  let hook: Server;
  let failing = false;
  const notices: { event: string; id: string; top: string }[] = [];
  const db = `epicenter_failover_${process.pid}_${Date.now()}`;
  let databaseUrl: string;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "epicenter-failover-"));
    entry = join(
      compileForChild("epicenter-failover", "test/fixtures/serve-entry.ts"),
      "test",
      "fixtures",
      "serve-entry.js",
    );
    nats = await startNatsServer();
    await nats.start();
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${db}`);
    await admin.end();
    const url = new URL(postgresUrl);
    url.pathname = `/${db}`;
    databaseUrl = url.href;
    // shop/d runs in another region and stays up: with one vantage, everything failing would look like
    // the vantage's own fault.
    target = createServer((req, res) => {
      const down = failing && !req.url?.endsWith("/shop/d");
      res.statusCode = down ? 503 : 200;
      res.end(down ? "down" : "ok");
    });
    hook = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => {
        body += d;
      });
      req.on("end", () => {
        const n = JSON.parse(body) as {
          event: string;
          incident: { id: string; epicenter: { component: string }[] };
        };
        notices.push({ event: n.event, id: n.incident.id, top: n.incident.epicenter[0]?.component ?? "" });
        res.end("ok");
      });
    });
    for (const s of [target, hook]) await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s: Server) => (s.address() as AddressInfo).port;
    const service = (id: string) => `  - id: ${id}
    requires: [${id === "shop/d" ? "cloud/r2" : "cloud/r1"}]
    checks:
      - { http: "http://127.0.0.1:${port(target)}/${id}", interval: 5s, timeout: 2s, confirm: 0 }
`;
    writeFileSync(
      join(dir, "epicenter.yaml"),
      `catalog: false
vantages: [vantage/x]
components:
  - { id: cloud/r1, kind: region }
  - { id: cloud/r2, kind: region }
${["shop/a", "shop/b", "shop/c", "shop/d"].map(service).join("")}notifications:
  - { name: hook, type: webhook, url: "http://127.0.0.1:${port(hook)}/", secret: failover-test }
`,
    );
  }, 180_000);

  afterAll(async () => {
    for (const r of replicas) r.proc.kill("SIGKILL");
    await nats?.dispose();
    for (const s of [target, hook]) s?.close();
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${db} with (force)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startReplica(name: string, extra: string[]): Promise<Replica> {
    const proc = spawn(
      process.execPath,
      [
        entry,
        "serve",
        "--config",
        join(dir, "epicenter.yaml"),
        "--port",
        "0",
        "--bus",
        nats.url,
        "--replica",
        name,
        ...extra,
      ],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, EPICENTER_DATABASE_URL: databaseUrl } },
    );
    const replica: Replica = { proc, lines: [], url: "" };
    proc.stderr!.on("data", (d: Buffer) => replica.lines.push(`stderr: ${d}`));
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      replica.lines.push(line);
      const u = /hub on (http:\/\/\S+)/.exec(line);
      if (u) replica.url = u[1]!;
    });
    replicas.push(replica);
    await until(
      `replica ${name} to start`,
      () => (replica.url ? true : undefined),
      30_000,
      () => replica.lines.join("\n"),
    );
    return replica;
  }

  it("a killed leader is replaced within seconds and its incident goes on: one opened, one resolved", async () => {
    const a = await startReplica("a", []);
    expect(a.lines.join("\n")).toContain("this replica leads");
    const b = await startReplica("b", ["--vantage", "vantage/x"]);
    expect(b.lines.join("\n")).toContain("stands by");
    const logs = () => [...a.lines.map((l) => `a: ${l}`), ...b.lines.map((l) => `b: ${l}`)].join("\n");

    await new Promise((r) => setTimeout(r, 12_000)); // a few healthy rounds
    failing = true;
    const opened = await until(
      "the opening notification",
      () => notices.find((n) => n.event === "opened"),
      60_000,
      logs,
    );
    expect(opened.top).toBe("cloud/r1");

    a.proc.kill("SIGKILL");
    const killedAt = Date.now();
    await until(
      "B to take over",
      () => (b.lines.some((l) => l.includes("now leads")) ? true : undefined),
      15_000,
      logs,
    );
    const takeover = Date.now() - killedAt;
    expect(takeover).toBeLessThan(10_000 + 2000); // the lock's TTL (6 s) plus ticks, with margin for a busy CI

    await new Promise((r) => setTimeout(r, 10_000)); // the outage goes on under B
    failing = false;
    await until("the resolve notification", () => notices.find((n) => n.event === "resolved"), 90_000, logs);
    await new Promise((r) => setTimeout(r, 3000));
    expect(notices.filter((n) => n.event === "opened")).toHaveLength(1);
    expect(notices.filter((n) => n.event === "resolved")).toHaveLength(1);
    expect(new Set(notices.map((n) => n.id))).toEqual(new Set([opened.id]));
    const list = (await (
      await fetch(`${b.url}/api/v1/incidents`, { headers: { authorization: `Bearer ${firstToken(a)}` } })
    ).json()) as {
      incidents: { id: string; resolvedAt: string | null }[];
    };
    expect(list.incidents.map((i) => i.id)).toEqual([opened.id]);
    expect(list.incidents[0]!.resolvedAt).not.toBeNull();
  }, 240_000);
});

function firstToken(r: Replica): string {
  const line = r.lines.find((l) => /^\s+ept_/.test(l));
  if (!line) throw new Error("the first replica printed no admin token");
  return line.trim();
}
