/**
 * `npm run bench:scale [-- --seconds N --rate N --pg URL]`: issue 8's scale-out figures. Five simulated agents
 * publish (together `--rate` observations/s, default 60,000, a little over the goal; 0: as fast as they can)
 * through NATS JetStream (a nats-server of the bench's own: spare port, tmp store) to two hub replicas (worker
 * threads) on a fresh PostgreSQL database: observations per second end to end (published until all stored and
 * taken by both localizers), the latency from publication to the localizer (p50, p99), and a failover (the
 * leader's thread terminated without a word, timed until the standby leads). Baseline in the same run: the
 * embedded single process (in-memory bus, SQLite). Needs nats-server on PATH (or NATS_SERVER).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { openBus } from "../src/bus/open-bus.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import { openStore } from "../src/store/open-store.js";
import { benchBatch, benchModel, SERVICES, VANTAGES, type WorkerReport } from "./scale-world.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    pipeline: { type: "string", default: "1" },
    rate: { type: "string", default: "60000" },
    pg: {
      type: "string",
      default: process.env.EPICENTER_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    },
  },
});
const SECONDS = Number(values.seconds);
/** Batches each agent keeps in flight (an agent's batcher publishes the next while one is acknowledged). */
const PIPELINE = Number(values.pipeline);
/**
 * Observations per second the agents offer together (0: as fast as they can). Unpaced, publishing outruns
 * the replicas and the latency measured is the backlog's; paced, it is the latency at that load.
 */
const RATE = Number(values.rate);

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function summary(latencies: number[]): { p50: number; p99: number; n: number } {
  const sorted = Float64Array.from(latencies).sort();
  return { p50: quantile([...sorted], 0.5), p99: quantile([...sorted], 0.99), n: sorted.length };
}

/** Per vantage, a publication time that only rises (see benchBatch). */
function stamper(): () => number {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return last;
  };
}

async function embeddedBaseline(): Promise<{ rate: number; p50: number; p99: number; total: number }> {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-scale-embedded-"));
  const store = await openStore({ dataDir: dir });
  const bus = new MemoryBus();
  const latencies: number[] = [];
  let taken = 0;
  const hub = new ReplicatedHub({
    store,
    bus,
    model: benchModel(),
    onTaken: (batch, at) => {
      taken += batch.length;
      for (let i = 0; i < batch.length; i += 16) latencies.push(at - batch[i]!.at);
    },
  });
  await hub.start();
  let published = 0;
  const start = Date.now();
  const end = start + SECONDS * 1000;
  await Promise.all(
    VANTAGES.map(async (v) => {
      const stamp = stamper();
      while (Date.now() < end) {
        await hub.ingest(benchBatch(v, stamp()));
        published += SERVICES;
      }
    }),
  );
  while (taken < published) await new Promise((r) => setTimeout(r, 5));
  const elapsed = (Date.now() - start) / 1000;
  await hub.stop();
  await bus.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { rate: published / elapsed, total: published, ...summary(latencies) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function startNats(dir: string): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(
    process.env.NATS_SERVER ?? "nats-server",
    ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", join(dir, "nats")],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  await new Promise<void>((resolve, reject) => {
    proc.stderr!.on("data", (d: Buffer) => {
      log += d;
      if (log.includes("Server is ready")) resolve();
    });
    proc.on("error", reject);
    proc.on("exit", (code) => reject(new Error(`nats-server exited (${code}): ${log}`)));
  });
  return { url: `nats://127.0.0.1:${port}`, proc };
}

interface Replica {
  name: string;
  worker: Worker;
  leading: boolean;
  taken: number;
  latencies: number[];
  ready: Promise<void>;
  onLead: ((at: number) => void) | null;
}

function startReplica(name: string, busUrl: string, databaseUrl: string, dataDir: string): Replica {
  const worker = new Worker(new URL("./scale-hub-worker.js", import.meta.url), {
    workerData: { busUrl, databaseUrl, replica: name, dataDir },
  });
  let ready = () => {};
  const r: Replica = {
    name,
    worker,
    leading: false,
    taken: 0,
    latencies: [],
    ready: new Promise<void>((resolve) => {
      ready = resolve;
    }),
    onLead: null,
  };
  worker.on("message", (m: WorkerReport) => {
    if (m.type === "taken") {
      r.taken = m.taken;
      r.latencies.push(...m.latencies);
      return;
    }
    r.leading = m.leading;
    if (m.type === "ready") ready();
    if (m.leading) r.onLead?.(m.at);
  });
  worker.on("error", (e) => console.error(`replica ${name}:`, e));
  return r;
}

interface ScaleFigures {
  published: number;
  publishRate: number;
  stored: number;
  endToEndRate: number;
  endToEndSeconds: number;
  p50: number;
  p99: number;
  samples: number;
  failoverMs: number;
}

async function scaleOut(): Promise<ScaleFigures> {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-scale-"));
  const nats = await startNats(dir);
  const db = `epicenter_scale_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: values.pg });
  await admin.connect();
  await admin.query(`create database ${db}`);
  const url = new URL(values.pg);
  url.pathname = `/${db}`;
  const replicas: Replica[] = [];
  try {
    replicas.push(startReplica("a", nats.url, url.href, dir));
    await replicas[0]!.ready;
    replicas.push(startReplica("b", nats.url, url.href, dir));
    await replicas[1]!.ready;
    const agents = await Promise.all(VANTAGES.map(() => openBus({ url: nats.url, nats: { manage: false } })));
    let published = 0;
    const start = Date.now();
    const end = start + SECONDS * 1000;
    await Promise.all(
      agents.map(async (agent, i) => {
        const stamp = stamper();
        let offered = 0; // this agent's observations, for pacing
        const lane = async () => {
          while (Date.now() < end) {
            if (RATE > 0) {
              const due = start + (offered / (RATE / agents.length)) * 1000;
              offered += SERVICES;
              if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
            }
            await agent.bus.publish(benchBatch(VANTAGES[i]!, stamp()));
            published += SERVICES;
          }
        };
        await Promise.all(Array.from({ length: PIPELINE }, lane));
      }),
    );
    const publishSeconds = (Date.now() - start) / 1000;
    await Promise.all(agents.map((a) => a.close()));
    const storeClient = new pg.Client({ connectionString: url.href });
    await storeClient.connect();
    const stored = async () =>
      Number((await storeClient.query("select count(*) as n from observations")).rows[0].n);
    let storedNow = 0;
    const drainBy = Date.now() + 300_000;
    while (Date.now() < drainBy) {
      storedNow = await stored();
      if (storedNow >= published && replicas.every((r) => r.taken >= published)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const endToEnd = (Date.now() - start) / 1000;
    await storeClient.end();
    const lat = summary(replicas.flatMap((r) => r.latencies));

    // Failover: the leader's thread ends without releasing its lock (as a kill -9 would).
    const leader = replicas.find((r) => r.leading)!;
    const standby = replicas.find((r) => r !== leader)!;
    const took = new Promise<number>((resolve) => {
      standby.onLead = resolve;
    });
    const killedAt = Date.now();
    await leader.worker.terminate();
    const ledAt = await took;
    return {
      published,
      publishRate: published / publishSeconds,
      stored: storedNow,
      endToEndRate: published / endToEnd,
      endToEndSeconds: endToEnd,
      p50: lat.p50,
      p99: lat.p99,
      samples: lat.n,
      failoverMs: ledAt - killedAt,
    };
  } finally {
    for (const r of replicas) await r.worker.terminate();
    nats.proc.kill("SIGKILL");
    await admin.query(`drop database if exists ${db} with (force)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
console.log(
  `bench:scale: ${SECONDS} s of publishing per setup, 5 agents x ${SERVICES} observations per batch, ${RATE > 0 ? `paced at ${fmt(RATE)} obs/s in all` : "unpaced"}`,
);
const base = await embeddedBaseline();
console.log(
  `embedded (memory bus, SQLite): ${fmt(base.rate)} obs/s end to end (${fmt(base.total)}), ingest-to-localizer p50 ${base.p50} ms, p99 ${base.p99} ms`,
);
const s = await scaleOut();
console.log(
  `NATS + 2 replicas + PostgreSQL: published ${fmt(s.publishRate)} obs/s; ${fmt(s.endToEndRate)} obs/s end to end (${fmt(s.published)} published, ${fmt(s.stored)} stored, ${s.endToEndSeconds.toFixed(1)} s until stored and taken by both)`,
);
console.log(
  `  publish-to-localizer: p50 ${s.p50} ms, p99 ${s.p99} ms (${fmt(s.samples)} samples, both replicas)`,
);
console.log(`  failover: leader terminated -> standby leads in ${fmt(s.failoverMs)} ms (lock TTL 6 s)`);
const goals = [
  [`end to end >= 50,000 obs/s`, s.endToEndRate >= 50_000],
  ["p99 < 2 s", s.p99 < 2000],
  ["failover < 10 s", s.failoverMs < 10_000],
] as const;
for (const [goal, met] of goals) console.log(`  goal ${goal}: ${met ? "met" : "NOT met"}`);
process.exit(0);
