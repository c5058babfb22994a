/**
 * `npm run bench:probes [-- --minutes M] [-- --seconds S]`: how many HTTP checks the agent runs, against
 * keep-alive HTTP servers on loopback addresses in a child process. In the same run and against the same
 * servers: a bare undici loop (the ceiling), 1,000 and 10,000 monitors driven past what they can do (achieved
 * checks/s), blackbox_exporter probing the same targets, then 10,000 monitors every 30 s for M minutes
 * (scheduling lag, CPU, memory per monitor, memory flat over time). Run with --expose-gc (the npm script does).
 */
import { parseArgs } from "node:util";
import { Agent, request } from "undici";
import { startAgent } from "../src/probe/agent.js";
import type { CheckRunner } from "../src/probe/check-attempts.js";
import type { HttpCheck } from "../src/probe/check-types.js";
import { runCheck } from "../src/probe/run-check.js";
import { bareUndici, blackbox, ensureBlackbox, type LoopRun, ownCpu, sleep } from "./probe-baselines.js";
import { startTargets } from "./probe-targets.js";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "2" },
    seconds: { type: "string", default: "15" },
    servers: { type: "string", default: "8" },
  },
});
const minutes = Number(values.minutes);
const seconds = Number(values.seconds);
const servers = Number(values.servers);
const PER_HOST = 10; // the scheduler's default per-host limit
const concurrency = servers * PER_HOST;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) process.stderr.write("note: run with node --expose-gc for memory figures\n");
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Row {
  run: string;
  checks: number;
  failed: number;
  seconds: number;
  cpuSeconds: number;
  lagP50?: number | null;
  lagP99?: number | null;
  note?: string;
}

function checksFor(urls: string[], monitors: number, intervalMs: number): HttpCheck[] {
  return Array.from({ length: monitors }, (_, i) => {
    const component = `site/s${String(i).padStart(5, "0")}`;
    return {
      type: "http",
      id: `${component}#1`,
      component,
      url: `${urls[i % urls.length]!}?m=${i}`,
      method: "GET",
      headers: {},
      expectStatus: [[200, 399]],
      followRedirects: true,
      maxRedirects: 5,
      tlsVerify: true,
      intervalMs,
      timeoutMs: 5000,
      vantages: [],
      confirm: 1,
    };
  });
}

/** Monitors every `intervalMs` through the real agent (scheduler, runner, observations, batches). */
function agentFor(checks: HttpCheck[], runner: CheckRunner = runCheck) {
  let published = 0;
  const agent = startAgent({
    vantage: "probe/bench",
    checks,
    runner,
    publish: async (batch) => {
      published += batch.length;
    },
  });
  return { agent, published: () => published };
}

/** Monitors due 1.5 times as often as the ceiling can serve: what the agent achieves flat out. */
async function overload(urls: string[], monitors: number, ceiling: number, bare?: CheckRunner): Promise<Row> {
  const intervalMs = Math.max(10, Math.round((monitors / (1.5 * ceiling)) * 1000));
  const { agent } = agentFor(checksFor(urls, monitors, intervalMs), bare);
  await sleep(Math.max(3000, 2 * intervalMs));
  const s0 = agent.stats();
  const cpu0 = ownCpu();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const s1 = agent.stats();
  const row: Row = {
    run: `${bare ? "for comparison: scheduler + agent with a bare undici runner" : "epicenter agent"}, ${monitors.toLocaleString("en-US")} monitors every ${intervalMs} ms`,
    checks: s1.checksRun - s0.checksRun,
    failed: s1.failures - s0.failures,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: ownCpu() - cpu0,
    lagP50: s1.lagP50Ms,
    lagP99: s1.lagP99Ms,
    note: `${s1.skipped - s0.skipped} slots skipped (previous run still waiting)`,
  };
  await agent.stop(5000);
  return row;
}

interface Sample {
  t: number;
  checks: number;
  cpu: number;
  heap: number;
  rss: number;
  lagP50: number | null;
  lagP99: number | null;
}

/** 10,000 monitors every 30 s for `minutes`: lag, CPU and memory sampled every 30 s. */
async function steady(
  urls: string[],
  monitors: number,
): Promise<{ samples: Sample[]; heap0: number; rss0: number; cpu0: number }> {
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  const cpu0 = ownCpu();
  const { agent } = agentFor(checksFor(urls, monitors, 30_000));
  const t0 = performance.now();
  const samples: Sample[] = [];
  for (let t = 30; t <= minutes * 60; t += 30) {
    await sleep(t0 + t * 1000 - performance.now());
    const s = agent.stats();
    const cpu = ownCpu();
    gc?.();
    const m = process.memoryUsage();
    samples.push({
      t,
      checks: s.checksRun,
      cpu,
      heap: m.heapUsed,
      rss: m.rss,
      lagP50: s.lagP50Ms,
      lagP99: s.lagP99Ms,
    });
    log(
      `  steady ${t}s: ${s.checksRun} checks, lag p99 ${s.lagP99Ms?.toFixed(1)} ms, heap ${mb(m.heapUsed)}`,
    );
  }
  await agent.stop(5000);
  return { samples, heap0, rss0, cpu0 };
}

/** Just the request, as the bare loop makes it: shows what the scheduler and agent cost apart from the runner. */
function bareRunner(): CheckRunner {
  const dispatcher = new Agent({ keepAliveTimeout: 60_000, connections: null });
  return async (check, ctx) => {
    const started = performance.now();
    const { statusCode, body } = await request((check as HttpCheck).url, { dispatcher, signal: ctx.signal });
    await body.text();
    const total = performance.now() - started;
    const up = statusCode === 200;
    return {
      status: up ? "up" : "down",
      errorClass: up ? null : "http-5xx",
      latencyMs: total,
      phases: { total },
    };
  };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const ms = (v: number | null | undefined) => (v === null || v === undefined ? "-" : `${v.toFixed(1)} ms`);
const rate = (r: Row | LoopRun) => r.checks / r.seconds;
const perCpu = (r: Row | LoopRun) => r.checks / r.cpuSeconds;

async function main(): Promise<void> {
  const blackboxMissing = ensureBlackbox(log);
  const targets = await startTargets(servers);
  const hosts = targets.urls.map((u) => new URL(u).host);
  console.log(
    `bench:probes: ${servers} keep-alive HTTP servers on ${hosts[0]} ... ${hosts.at(-1)} (one child process), ` +
      `Node ${process.version}, ${seconds} s per throughput run, steady run ${minutes} min`,
  );
  // The steady run first, so memory per monitor is measured over a process nothing else has grown.
  log(`steady: 10,000 monitors every 30 s for ${minutes} min ...`);
  const { samples, heap0, rss0, cpu0 } = await steady(targets.urls, 10_000);
  const rows: Row[] = [];
  log(`bare undici loop, ${concurrency} concurrent ...`);
  const bare = await bareUndici(targets.urls, concurrency, seconds);
  rows.push({ run: `bare undici loop, ${concurrency} concurrent (ceiling)`, ...bare });
  const ceiling = rate(bare);
  const runs: Row[] = [];
  for (const monitors of [1000, 10_000]) {
    log(`epicenter agent, ${monitors} monitors ...`);
    runs.push(await overload(targets.urls, monitors, ceiling));
  }
  rows.push(...runs);
  log("scheduler + agent with a bare undici runner, 1000 monitors ...");
  rows.push(await overload(targets.urls, 1000, ceiling, bareRunner()));
  let bb: (LoopRun & { version: string }) | null = null;
  if (blackboxMissing) log(`blackbox_exporter skipped: ${blackboxMissing}`);
  else {
    log(`blackbox_exporter, ${concurrency} concurrent /probe ...`);
    bb = await blackbox(targets.urls, concurrency, seconds);
    rows.push({
      run: `blackbox_exporter ${bb.version.replace(/^.*version /, "").split(" ")[0]}, ${concurrency} concurrent /probe`,
      ...bb,
      note: "CPU of the exporter process only",
    });
  }
  await targets.stop();

  console.log("");
  console.log(
    "| run | checks | failed | seconds | checks/s | CPU s / 1000 checks | checks per CPU s | lag p50 | lag p99 | note |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const r of rows)
    console.log(
      `| ${r.run} | ${r.checks} | ${r.failed} | ${r.seconds.toFixed(1)} | ${rate(r).toFixed(0)} | ` +
        `${((r.cpuSeconds / r.checks) * 1000).toFixed(3)} | ${perCpu(r).toFixed(0)} | ${ms(r.lagP50)} | ${ms(r.lagP99)} | ${r.note ?? ""} |`,
    );

  console.log("");
  console.log("steady: 10,000 monitors every 30 s (lag over the last minute of runs; heap after a full GC)");
  console.log("| time | checks | checks/s since previous | CPU use | lag p50 | lag p99 | heap used | RSS |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
  let prev = { t: 0, checks: 0, cpu: cpu0 };
  for (const s of samples) {
    const dt = s.t - prev.t;
    const cpuUse = `${(((s.cpu - prev.cpu) / dt) * 100).toFixed(1)}%`;
    console.log(
      `| ${s.t} s | ${s.checks} | ${((s.checks - prev.checks) / dt).toFixed(0)} | ${cpuUse} | ${ms(s.lagP50)} | ${ms(s.lagP99)} | ${mb(s.heap)} | ${mb(s.rss)} |`,
    );
    prev = s;
  }

  console.log("");
  const worst = Math.min(...runs.map(rate)); // the real agent's two runs, not the bare-runner comparison
  console.log(
    `goal >= 60% of the bare-undici ceiling: ${verdict(worst >= 0.6 * ceiling)} (${((worst / ceiling) * 100).toFixed(0)}% at the lower of the two runs; ceiling ${ceiling.toFixed(0)} checks/s)`,
  );
  if (bb) {
    const ours = Math.min(...runs.map(perCpu));
    console.log(
      `goal >= 3x blackbox_exporter's checks per CPU second: ${verdict(ours >= 3 * perCpu(bb))} (${(ours / perCpu(bb)).toFixed(1)}x: ${ours.toFixed(0)} against ${perCpu(bb).toFixed(0)})`,
    );
  } else
    console.log("goal >= 3x blackbox_exporter's checks per CPU second: not measured (exporter unavailable)");
  const late = samples.filter((s) => s.t >= 60);
  if (late.length > 0) {
    const first = late[0]!;
    const last = samples.at(-1)!;
    const p99 = Math.max(...samples.map((s) => s.lagP99 ?? 0));
    const cpuUse = (last.cpu - cpu0) / last.t;
    const growth = (last.heap - first.heap) / first.heap;
    console.log(
      `goal 10,000 monitors every 30 s on one core, p99 lag < 1 s, flat memory: ${verdict(p99 < 1000 && cpuUse < 1 && growth < 0.1)} ` +
        `(worst minute p99 ${p99.toFixed(1)} ms; ${(cpuUse * 100).toFixed(1)}% of a core; heap ${mb(first.heap)} at ${first.t} s, ${mb(last.heap)} at ${last.t} s)`,
    );
    console.log(
      `memory per monitor: ${((first.heap - heap0) / 10_000 / 1024).toFixed(2)} KiB heap, ${((first.rss - rss0) / 10_000 / 1024).toFixed(2)} KiB RSS (at ${first.t} s, over the process before the monitors)`,
    );
  }
}

const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

await main();
process.exit(0);
