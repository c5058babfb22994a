/**
 * Issue 8's database fault: PostgreSQL drops the hub's connections (pg_terminate_backend) several times
 * during ingest. The hub must survive and keep its promise: every batch it acknowledged (202, memory bus) or
 * that reached JetStream (NATS bus) is in the store at the end. Writers retry what was not acknowledged, as
 * agents do. Real `epicenter serve` processes, a fresh PostgreSQL database each, a NATS server of the test's own.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBus } from "../src/bus/open-bus.js";
import type { Observation } from "../src/model/observation.js";
import { natsServerMissing, startNatsServer } from "./nats-env.js";
import { compileServe, type ServeChild, startServeChild } from "./serve-child.js";
import { postgresUnreachable, postgresUrl } from "./store-postgres-env.js";

const missing = await postgresUnreachable();
const BATCH = 200;
const KILLS = 5;

let dir: string;
let entry: string;
const children: ServeChild[] = [];
const databases: string[] = [];

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function freshDatabase(tag: string): Promise<{ name: string; url: string }> {
  const name = `epicenter_pgfault_${tag}_${process.pid}_${Date.now()}`;
  await admin((c) => c.query(`create database ${name}`));
  databases.push(name);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return { name, url: url.href };
}

/** Terminates every connection to `db` but this one; returns how many were cut. */
async function terminateBackends(db: string): Promise<number> {
  return admin(async (c) => {
    const r = await c.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [db],
    );
    return r.rowCount ?? 0;
  });
}

/** The times stored (one series here, so a time names an observation; canonical ids are not stored). */
async function storedTimes(url: string): Promise<Set<number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ at: string }>("select at from observations");
    return new Set(r.rows.map((row) => Number(row.at)));
  } finally {
    await client.end();
  }
}

function batch(n: number): Observation[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const at = 1_700_000_000_000 + n * BATCH + i;
    return {
      id: `vantage/a:acme/api#1:${at}`,
      at,
      vantage: "vantage/a",
      component: "acme/api",
      check: "acme/api#1",
      status: i % 7 === 0 ? ("down" as const) : ("up" as const),
      latencyMs: i,
      errorClass: i % 7 === 0 ? ("http-5xx" as const) : null,
    };
  });
}

/** Cuts the database's connections KILLS times, ~300 ms apart; returns how many each time cut. */
async function killLoop(db: string): Promise<number[]> {
  const cut: number[] = [];
  while (cut.length < KILLS) {
    await new Promise((r) => setTimeout(r, 300));
    cut.push(await terminateBackends(db));
  }
  return cut;
}

function missingIds(sent: number[], stored: Set<number>): string[] {
  return sent.flatMap((n) =>
    batch(n)
      .filter((o) => !stored.has(o.at))
      .map((o) => o.id),
  );
}

describe.skipIf(missing)(
  `PostgreSQL drops connections during ingest${missing ? ` (skipped: ${missing})` : ""}`,
  () => {
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "epicenter-pgfault-"));
      entry = compileServe("epicenter-pg-faults");
      writeFileSync(
        join(dir, "epicenter.yaml"),
        "catalog: false\nvantages: [vantage/a]\ncomponents:\n  - { id: acme/api, observed: true }\n",
      );
    }, 180_000);

    afterAll(async () => {
      for (const c of children) c.proc.kill("SIGKILL");
      await Promise.all(children.map((c) => c.exited));
      for (const db of databases) await admin((c) => c.query(`drop database if exists ${db} with (force)`));
      rmSync(dir, { recursive: true, force: true });
    });

    it("memory bus: every batch answered 202 is stored; the hub keeps serving", async () => {
      const db = await freshDatabase("mem");
      const hub = await startServeChild(entry, ["--config", join(dir, "epicenter.yaml"), "--data", dir], {
        EPICENTER_DATABASE_URL: db.url,
        EPICENTER_BUS_URL: "",
      });
      children.push(hub);
      const headers = { authorization: `Bearer ${hub.token}`, "content-type": "application/json" };
      const acknowledged: number[] = [];
      const refused: number[] = [];
      let next = 0;
      let killing = true;
      // Writers go on until the kills are done and a few more batches went through, retrying refusals.
      const writer = async () => {
        while (killing || acknowledged.length < 20) {
          const n = next++;
          for (let attempt = 0; ; attempt++) {
            const res = await fetch(`${hub.url}/api/v1/observations`, {
              method: "POST",
              headers,
              body: JSON.stringify({ observations: batch(n) }),
            }).catch((error: Error) => {
              throw new Error(`${error.message}; the hub printed:\n${hub.lines.join("\n")}`);
            });
            await res.arrayBuffer();
            if (res.status === 202) {
              acknowledged.push(n);
              break;
            }
            expect(res.status).toBeGreaterThanOrEqual(500); // a refusal to retry, never a 4xx
            refused.push(res.status);
            if (attempt > 50) throw new Error(`batch ${n} refused ${attempt} times (${res.status})`);
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      };
      const kills = killLoop(db.name).finally(() => {
        killing = false;
      });
      const [cut] = await Promise.all([kills, writer(), writer(), writer(), writer()]);

      expect(cut.length).toBe(KILLS);
      expect(cut.some((n) => n > 0)).toBe(true); // the hub's pool really was cut
      expect(hub.proc.exitCode, hub.lines.join("\n")).toBeNull(); // and it survived
      expect(missingIds(acknowledged, await storedTimes(db.url))).toEqual([]);
      const health = await fetch(`${hub.url}/healthz`);
      expect(health.status).toBe(200);
    }, 120_000);

    it("NATS bus: every observation JetStream took is stored, through the store group's retries", async (ctx) => {
      const noNats = natsServerMissing();
      if (noNats) return ctx.skip(noNats);
      const nats = await startNatsServer();
      try {
        const db = await freshDatabase("nats");
        const hub = await startServeChild(
          entry,
          ["--config", join(dir, "epicenter.yaml"), "--data", dir, "--bus", nats.url, "--replica", "a"],
          { EPICENTER_DATABASE_URL: db.url },
        );
        children.push(hub);
        const publisher = await openBus({ url: nats.url, nats: { manage: false } });
        const published: number[] = [];
        let killing = true;
        const publishing = (async () => {
          for (let n = 0; killing || published.length < 20; n++) {
            await publisher.bus.publish(batch(n));
            published.push(n);
            await new Promise((r) => setTimeout(r, 10));
          }
        })();
        const kills = killLoop(db.name).finally(() => {
          killing = false;
        });
        const [cut] = await Promise.all([kills, publishing]);
        await publisher.close();
        expect(cut.some((n) => n > 0)).toBe(true);

        const deadline = Date.now() + 60_000;
        let missingNow = missingIds(published, await storedTimes(db.url));
        while (missingNow.length > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 500));
          missingNow = missingIds(published, await storedTimes(db.url));
        }
        expect(hub.proc.exitCode, hub.lines.join("\n")).toBeNull();
        expect(missingNow).toEqual([]);
      } finally {
        await nats.dispose();
      }
    }, 180_000);
  },
);
