/**
 * `npm run bench:flood [-- --seconds N --baseline N --writers N --batch N --pg URL]`: issue 8's flood. A real
 * `epicenter serve` (the built CLI) watching 200 components checked every 30 s from one vantage (≈ 7
 * observations/s configured) is probed with GET /healthz and GET /api/v1/incidents every 50 ms, first quiet
 * (the baseline), then while writers in a worker thread post batches for that vantage without pause,
 * ignoring Retry-After. Reports the probes' p50/p99 in both phases (goal under flood: p99 < 200 ms),
 * observations accepted and refused per second, and the hub's peak RSS. On SQLite and, when reachable, on
 * PostgreSQL (a fresh database, dropped after; `--pg off` skips it), each with the default back-pressure bound.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import pg from "pg";
import {
  CONFIGURED_RATE,
  floodConfig,
  type ProbeReport,
  probe,
  quantile,
  type WriterOptions,
  type WriterReport,
  watchRss,
} from "./flood-load.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    baseline: { type: "string", default: "10" },
    writers: { type: "string", default: "8" },
    batch: { type: "string", default: "500" },
    pg: {
      type: "string",
      default: process.env.EPICENTER_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    },
  },
});
const SECONDS = Number(values.seconds);
const BASELINE = Number(values.baseline);
const PROBE_MS = 50;
const cli = fileURLToPath(new URL("../../bin/epicenter.js", import.meta.url));

interface Hub {
  proc: ChildProcess;
  url: string;
  token: string;
}

/** Starts the built `epicenter serve` on a spare port; its URL and first admin token come from the banner. */
async function startHub(config: string, data: string, env: Record<string, string>): Promise<Hub> {
  const proc = spawn(process.execPath, [cli, "serve", "--config", config, "--port", "0", "--data", data], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  let url = "";
  let token = "";
  for await (const line of createInterface({ input: proc.stdout! })) {
    url = /hub on (http:\/\/\S+)/.exec(line)?.[1] ?? url;
    token = /^\s+(ept_\S+)$/.exec(line)?.[1] ?? token;
    if (line.startsWith("───") && url) break;
  }
  if (!url || !token) throw new Error("serve did not print its URL and first token");
  return { proc, url, token };
}

function writeInWorker(options: WriterOptions): Promise<WriterReport> {
  const worker = new Worker(new URL("./flood-writer.js", import.meta.url), { workerData: options });
  return new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

const ms = (r: ProbeReport, q: number) => quantile(r.ms, q).toFixed(1);

async function run(name: string, config: string, data: string, env: Record<string, string>): Promise<void> {
  const hub = await startHub(config, data, env);
  try {
    const quiet = await probe(hub.url, hub.token, PROBE_MS, Date.now() + BASELINE * 1000);
    const rss = watchRss(hub.proc.pid!, 50);
    const t0 = Date.now();
    const until = t0 + SECONDS * 1000;
    const [writes, loud] = await Promise.all([
      writeInWorker({
        url: hub.url,
        token: hub.token,
        t0,
        writers: Number(values.writers),
        batch: Number(values.batch),
        until,
      }),
      probe(hub.url, hub.token, PROBE_MS, until),
    ]);
    const peak = rss.stop();
    const s = (Date.now() - t0) / 1000;
    const alive = hub.proc.exitCode === null ? "alive" : `EXITED ${hub.proc.exitCode}`;
    console.log(
      `\n${name}: ${values.writers} writers x ${values.batch} observations, ${SECONDS} s; hub ${alive}`,
    );
    console.log(
      `  API probes quiet:  ${quiet.ms.length} answered, p50 ${ms(quiet, 0.5)} ms, p99 ${ms(quiet, 0.99)} ms`,
    );
    console.log(
      `  API probes flood:  ${loud.ms.length} answered, p50 ${ms(loud, 0.5)} ms, p99 ${ms(loud, 0.99)} ms, ` +
        `max ${ms(loud, 1)} ms; ${loud.failures.length} unanswered${loud.failures.length ? ` (${loud.failures[0]})` : ""}` +
        `  [goal p99 < 200 ms: ${quantile(loud.ms, 0.99) < 200 ? "met" : "MISSED"}]`,
    );
    console.log(
      `  observations:      ${Math.round(writes.accepted / s)}/s accepted, ${Math.round(writes.refused / s)}/s refused ` +
        `(503, ${writes.refusedWithRetryAfter === writes.refused ? "all" : "NOT all"} with Retry-After); ` +
        `${(writes.accepted / s / CONFIGURED_RATE).toFixed(0)}x the configured ${CONFIGURED_RATE.toFixed(1)}/s; ` +
        `${writes.errors.length} errors${writes.errors.length ? ` (${writes.errors[0]})` : ""}`,
    );
    console.log(`  hub peak RSS:      ${peak.toFixed(0)} MB`);
  } finally {
    hub.proc.kill("SIGKILL");
  }
}

const dir = mkdtempSync(join(tmpdir(), "epicenter-flood-bench-"));
const config = join(dir, "epicenter.yaml");
writeFileSync(config, floodConfig());
try {
  await run("SQLite", config, join(dir, "sqlite"), { EPICENTER_DATABASE_URL: "", EPICENTER_BUS_URL: "" });
  const admin = new pg.Client({ connectionString: values.pg, connectionTimeoutMillis: 3000 });
  const skipped =
    values.pg === "off"
      ? "--pg off"
      : await admin.connect().then(
          () => null,
          (e: Error) => `${values.pg} unreachable (${e.message})`,
        );
  if (skipped) console.log(`\nPostgreSQL skipped: ${skipped}`);
  else {
    const name = `epicenter_flood_bench_${process.pid}`;
    await admin.query(`create database ${name}`);
    const url = new URL(values.pg);
    url.pathname = `/${name}`;
    try {
      await run("PostgreSQL", config, join(dir, "pg"), {
        EPICENTER_DATABASE_URL: url.href,
        EPICENTER_BUS_URL: "",
      });
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
