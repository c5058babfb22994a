/**
 * Issue 8's last fault: a flood of observations (far more than 10x the configured rate) from one agent. A
 * real `epicenter serve` (SQLite, in-process bus) watches 200 components checked every 30 s from one vantage
 * (≈ 7 observations/s); writers for that vantage post batches of 500 without pause for 20 s while a prober
 * asks GET /healthz and GET /api/v1/incidents every 50 ms. The hub must answer every probe, keep its memory
 * bounded, store exactly what it acknowledged, and push back with 503 + Retry-After rather than die. On
 * SQLite a commit never waits on I/O, so ingests do not overlap and the backlog stays empty: the hub simply
 * keeps up (~200,000 observations/s). On PostgreSQL commits overlap, and with the bound lowered
 * (EPICENTER_INGEST_BACKLOG) the flood fills it: refusals must be seen. Probe latency is printed, not
 * asserted (bench:flood measures it).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONFIGURED_RATE,
  FLOOD_COMPONENTS,
  FLOOD_VANTAGE,
  flood,
  floodConfig,
  floodObservation,
  probe,
  quantile,
  watchRss,
} from "../bench/flood-load.js";
import { compileServe, type ServeChild, startServeChild } from "./serve-child.js";
import { postgresUnreachable, postgresUrl } from "./store-postgres-env.js";

const SECONDS = 20;
const BATCH = 500;
/**
 * The PostgreSQL case's back-pressure bound: four batches. 8 writers of 500 cannot fill the default 50,000;
 * with this bound, five batches waiting for their commit at once fill it.
 */
const BACKLOG = 4 * BATCH;
/** Generous: the hub holds at most its backlog bound (a few tens of MB) beyond its usual footprint. */
const RSS_BOUND_MB = 600;

let dir: string;
let entry: string;
let child: ServeChild | null = null;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-flood-"));
  writeFileSync(join(dir, "epicenter.yaml"), floodConfig());
  entry = compileServe("epicenter-hub-flood");
}, 180_000);

afterAll(() => {
  child?.proc.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Every time stored for one component from the flood's vantage, paging back from the newest. */
async function storedTimes(url: string, token: string, component: string): Promise<number[]> {
  const out: number[] = [];
  let to = "";
  for (;;) {
    const q = `component=${component}&vantage=${FLOOD_VANTAGE}&limit=10000${to}`;
    const res = await fetch(`${url}/api/v1/observations?${q}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const { observations } = (await res.json()) as { observations: { at: string }[] };
    for (const o of observations) out.push(Date.parse(o.at));
    if (observations.length < 10_000) return out;
    to = `&to=${Math.min(...out)}`;
  }
}

const missing = await postgresUnreachable();

/** Runs `work` on a fresh PostgreSQL database of its own, dropped after. */
async function withDatabase(work: (url: string) => Promise<void>): Promise<void> {
  const name = `epicenter_flood_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    await work(url.href);
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

interface Flooded {
  refused: number;
}

/** Floods a fresh `serve` with `env`; asserts what holds on every store; returns what differs. */
async function floodServe(data: string, env: Record<string, string>): Promise<Flooded> {
  const hub = await startServeChild(entry, ["--config", join(dir, "epicenter.yaml"), "--data", data], env);
  child = hub;
  try {
    return await floodAndCheck(hub);
  } finally {
    hub.proc.kill("SIGKILL");
    await hub.exited;
  }
}

async function floodAndCheck(hub: ServeChild): Promise<Flooded> {
  const token = hub.token!;
  expect(token).toMatch(/^ept_/);
  const rss = watchRss(hub.proc.pid!);
  const t0 = Date.now();
  const until = t0 + SECONDS * 1000;
  const [writes, probes] = await Promise.all([
    flood({ url: hub.url, token, t0, writers: 8, batch: BATCH, until }),
    probe(hub.url, token, 50, until),
  ]);
  const peakMb = rss.stop();
  const seconds = (Date.now() - t0) / 1000;
  console.log(
    `flood: ${Math.round(writes.accepted / seconds)} obs/s accepted, ${Math.round(writes.refused / seconds)} obs/s refused ` +
      `(configured ${CONFIGURED_RATE.toFixed(1)}/s); probes ${probes.ms.length}, p50 ${quantile(probes.ms, 0.5).toFixed(1)} ms, ` +
      `p99 ${quantile(probes.ms, 0.99).toFixed(1)} ms; peak RSS ${peakMb.toFixed(0)} MB`,
  );

  expect(hub.proc.exitCode).toBeNull();
  expect(probes.failures).toEqual([]);
  expect(probes.ms.length).toBeGreaterThan(SECONDS * 10);
  expect(writes.errors).toEqual([]);
  expect(writes.accepted / seconds).toBeGreaterThan(10 * CONFIGURED_RATE);
  expect(writes.refusedWithRetryAfter).toBe(writes.refused);
  expect(peakMb).toBeLessThan(RSS_BOUND_MB);

  // Exactly the acknowledged batches are stored: none lost, nothing of a refused batch taken.
  const expected = new Map<string, Set<number>>();
  for (const first of writes.acknowledged)
    for (let seq = first; seq < first + BATCH; seq++) {
      const o = floodObservation(seq, t0);
      const times = expected.get(o.component) ?? new Set<number>();
      expected.set(o.component, times.add(o.at));
    }
  for (let k = 0; k < FLOOD_COMPONENTS; k++) {
    const component = `acme/svc-${k}`;
    const stored = (await storedTimes(hub.url, token, component)).sort((a, b) => a - b);
    expect(stored, component).toEqual([...(expected.get(component) ?? [])].sort((a, b) => a - b));
  }
  return { refused: writes.refused };
}

describe("a flood of observations from one agent", () => {
  it("SQLite: the hub keeps up (default bound), answers every probe, bounds memory, stores what it acknowledged", async () => {
    await floodServe(join(dir, "sqlite"), {});
  }, 120_000);

  it.skipIf(missing !== null)(
    `PostgreSQL: inserts overlap, the backlog fills, the hub refuses with 503 + Retry-After${missing ? ` (skipped: ${missing})` : ""}`,
    async () => {
      await withDatabase(async (url) => {
        const { refused } = await floodServe(join(dir, "pg"), {
          EPICENTER_DATABASE_URL: url,
          EPICENTER_BUS_URL: "",
          EPICENTER_INGEST_BACKLOG: String(BACKLOG),
        });
        expect(refused).toBeGreaterThan(0);
      });
    },
    120_000,
  );
});
