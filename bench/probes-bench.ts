/**
 * `npm run bench:probes [-- --minutes M] [-- --seconds S] [-- --only fresh] [-- --steady keep-alive]`: how many
 * HTTP(S) checks the agent runs, like for like, against servers on loopback addresses in child processes (plain
 * HTTP on 127.0.0.11..., HTTPS on 127.0.0.41... with a CA this bench makes with openssl). Each kind of check
 * is measured against baselines doing the same work in the same run:
 * - fresh HTTP (the default check): a bare loop doing net.connect + one request (the ceiling), and
 *   blackbox_exporter's http_2xx, which opens a new connection per probe too;
 * - fresh HTTPS: a bare loop doing tls.connect + one request with the same trust store (the ceiling), and
 *   blackbox_exporter's http_2xx over TLS, verifying against the same CA (tls_config.ca_file);
 * - keep-alive (`reuse: true`): a bare undici loop over kept connections (the ceiling), and the scheduler
 *   with a bare undici runner for comparison.
 * The agent's rows drive 1,000 (and for keep-alive 10,000) monitors past what they can do (achieved checks/s).
 * Run first: 10,000 fresh-HTTPS monitors every 60 s for M minutes (`--steady keep-alive`: the former 10,000
 * keep-alive HTTP monitors every 30 s): scheduling lag, CPU, memory per monitor, memory flat over time.
 * `--only fresh` runs just the fresh rows. Run with --expose-gc (the npm script does).
 */
import tls from "node:tls";
import { parseArgs } from "node:util";
import { Agent, request } from "undici";
import { startAgent } from "../src/probe/agent.js";
import type { CheckRunner } from "../src/probe/check-attempts.js";
import type { HttpCheck } from "../src/probe/check-types.js";
import { runCheck } from "../src/probe/run-check.js";
import {
  bareUndici,
  blackbox,
  ensureBlackbox,
  freshOnce,
  type LoopRun,
  measureLoop,
  ownCpu,
  sleep,
} from "./probe-baselines.js";
import { startTargets } from "./probe-targets.js";
import { startTlsTargets } from "./probe-tls-targets.js";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "2" },
    seconds: { type: "string", default: "15" },
    servers: { type: "string", default: "8" },
    only: { type: "string", default: "all" },
    steady: { type: "string", default: "fresh-https" },
  },
});
const minutes = Number(values.minutes);
const seconds = Number(values.seconds);
const servers = Number(values.servers);
if (values.only !== "all" && values.only !== "fresh") throw new Error("--only takes all or fresh");
if (values.steady !== "fresh-https" && values.steady !== "keep-alive")
  throw new Error("--steady takes fresh-https or keep-alive");
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

function checksFor(urls: string[], monitors: number, intervalMs: number, reuse: boolean): HttpCheck[] {
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
      ...(reuse ? { reuse: true } : {}),
    };
  });
}

/** Monitors every `intervalMs` through the real agent (scheduler, runner, observations, batches). */
function agentFor(checks: HttpCheck[], runner: CheckRunner = runCheck) {
  return startAgent({
    vantage: "probe/bench",
    checks,
    runner,
    publish: async () => {},
  });
}

/** What kind of check a row runs: its targets, keep-alive or not, and the runner (the probe policy's CA). */
interface Mode {
  /** What the row is called, before its monitor count. */
  label: string;
  urls: string[];
  reuse: boolean;
  runner?: CheckRunner;
}

/** Monitors due 1.5 times as often as the ceiling can serve: what the agent achieves flat out. */
async function overload(monitors: number, ceiling: number, mode: Mode): Promise<Row> {
  const intervalMs = Math.max(10, Math.round((monitors / (1.5 * ceiling)) * 1000));
  const agent = agentFor(checksFor(mode.urls, monitors, intervalMs, mode.reuse), mode.runner);
  await sleep(Math.max(3000, 2 * intervalMs));
  const s0 = agent.stats();
  const cpu0 = ownCpu();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const s1 = agent.stats();
  const row: Row = {
    run: `${mode.label}, ${monitors.toLocaleString("en-US")} monitors every ${intervalMs} ms`,
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

interface Steady {
  title: string;
  samples: Sample[];
  heap0: number;
  rss0: number;
  cpu0: number;
}

const MONITORS = 10_000;
const SAMPLE_S = 30;

/** MONITORS monitors every `intervalMs` for `minutes`: lag, CPU and memory sampled every 30 s. */
async function steady(mode: Mode, intervalMs: number): Promise<Steady> {
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  const cpu0 = ownCpu();
  const agent = agentFor(checksFor(mode.urls, MONITORS, intervalMs, mode.reuse), mode.runner);
  const t0 = performance.now();
  const samples: Sample[] = [];
  for (let t = SAMPLE_S; t <= minutes * 60; t += SAMPLE_S) {
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
  const failures = agent.stats().failures;
  await agent.stop(5000);
  const title = `${MONITORS.toLocaleString("en-US")} ${mode.label} monitors every ${intervalMs / 1000} s`;
  return { title: `${title} (${failures} failed)`, samples, heap0, rss0, cpu0 };
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
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;

/** The exporter's row over `urls` (its CPU from /proc), or null when it could not be installed. */
async function blackboxRow(urls: string[], what: string, missing: string | null, caFile?: string) {
  if (missing) {
    log(`blackbox_exporter skipped: ${missing}`);
    return null;
  }
  log(`blackbox_exporter, ${what}, ${concurrency} concurrent /probe ...`);
  const bb = await blackbox(urls, concurrency, seconds, caFile);
  const version = bb.version.replace(/^.*version /, "").split(" ")[0];
  return {
    run: `blackbox_exporter ${version}, ${what}: http_2xx, ${concurrency} concurrent /probe`,
    ...bb,
    note: "CPU of the exporter process only",
  };
}

interface Kind {
  name: "HTTP" | "HTTPS";
  urls: string[];
  what: string;
  once: (i: number) => Promise<boolean>;
  runner?: CheckRunner;
  caFile?: string;
  /** The goal: our checks per CPU second at least this many times the exporter's. */
  timesBlackbox: number;
}

/** Fresh HTTP and fresh HTTPS: the bare loop, the agent (1,000 monitors, flat out), blackbox_exporter. */
async function freshRows(kinds: Kind[], missing: string | null): Promise<{ rows: Row[]; goals: string[] }> {
  const rows: Row[] = [];
  const goals: string[] = [];
  for (const kind of kinds) {
    log(`bare loop, fresh ${kind.name} (${kind.what} + request), ${concurrency} concurrent ...`);
    const bare = await measureLoop(concurrency, seconds, 2, ownCpu, kind.once);
    rows.push({
      run: `bare loop, fresh ${kind.name}: ${kind.what} + one request, ${concurrency} concurrent (ceiling)`,
      ...bare,
    });
    log(`epicenter agent, fresh ${kind.name}, 1000 monitors ...`);
    const ours = await overload(1000, rate(bare), {
      label: `epicenter agent, fresh ${kind.name} (default)`,
      urls: kind.urls,
      reuse: false,
      ...(kind.runner ? { runner: kind.runner } : {}),
    });
    rows.push(ours);
    const bb = await blackboxRow(kind.urls, `fresh ${kind.name}`, missing, kind.caFile);
    if (bb) rows.push(bb);
    goals.push(
      `goal fresh ${kind.name} >= 60% of its bare ${kind.what} loop: ${verdict(rate(ours) >= 0.6 * rate(bare))} ` +
        `(${pct(rate(ours), rate(bare))}; ${rate(ours).toFixed(0)} against ${rate(bare).toFixed(0)} checks/s; ` +
        `per CPU s ${perCpu(ours).toFixed(0)} against ${perCpu(bare).toFixed(0)}, ${pct(perCpu(ours), perCpu(bare))})`,
    );
    const x = kind.timesBlackbox;
    goals.push(
      bb
        ? `goal fresh ${kind.name} >= ${x}x blackbox_exporter's checks per CPU second: ${verdict(perCpu(ours) >= x * perCpu(bb))} ` +
            `(${(perCpu(ours) / perCpu(bb)).toFixed(2)}x: ${perCpu(ours).toFixed(0)} against ${perCpu(bb).toFixed(0)}; ` +
            `the bare loop ${(perCpu(bare) / perCpu(bb)).toFixed(2)}x)`
        : `goal fresh ${kind.name} >= ${x}x blackbox_exporter's checks per CPU second: not measured (exporter unavailable)`,
    );
  }
  return { rows, goals };
}

/** Keep-alive: the bare undici ceiling, the agent at 1,000 and 10,000 monitors, the bare-runner comparison. */
async function keepAliveRows(urls: string[]): Promise<{ rows: Row[]; goals: string[] }> {
  const rows: Row[] = [];
  log(`bare undici loop, ${concurrency} concurrent ...`);
  const bare = await bareUndici(urls, concurrency, seconds);
  rows.push({ run: `bare undici loop, keep-alive, ${concurrency} concurrent (ceiling)`, ...bare });
  const ceiling = rate(bare);
  const runs: Row[] = [];
  for (const monitors of [1000, 10_000]) {
    log(`epicenter agent, keep-alive, ${monitors} monitors ...`);
    runs.push(
      await overload(monitors, ceiling, {
        label: "epicenter agent, keep-alive (reuse: true)",
        urls,
        reuse: true,
      }),
    );
  }
  rows.push(...runs);
  log("scheduler + agent with a bare undici runner, 1000 monitors ...");
  rows.push(
    await overload(1000, ceiling, {
      label: "for comparison: scheduler + agent with a bare undici runner",
      urls,
      reuse: true,
      runner: bareRunner(),
    }),
  );
  const worst = Math.min(...runs.map(rate)); // the real agent's two runs, not the bare-runner comparison
  const goal =
    `goal keep-alive >= 60% of the bare-undici ceiling: ${verdict(worst >= 0.6 * ceiling)} ` +
    `(${pct(worst, ceiling)} at the lower of the two runs; ceiling ${ceiling.toFixed(0)} checks/s)`;
  return { rows, goals: [goal] };
}

function printRows(rows: Row[]): void {
  console.log(
    "| run | checks | failed | seconds | checks/s | CPU s / 1000 checks | checks per CPU s | lag p50 | lag p99 | note |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const r of rows)
    console.log(
      `| ${r.run} | ${r.checks} | ${r.failed} | ${r.seconds.toFixed(1)} | ${rate(r).toFixed(0)} | ` +
        `${((r.cpuSeconds / r.checks) * 1000).toFixed(3)} | ${perCpu(r).toFixed(0)} | ${ms(r.lagP50)} | ${ms(r.lagP99)} | ${r.note ?? ""} |`,
    );
}

/** The steady run's table and its goal lines. */
function printSteady({ title, samples, heap0, rss0, cpu0 }: Steady): string[] {
  console.log(`steady: ${title} (lag over the last minute of runs; heap after a full GC)`);
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
  const late = samples.filter((s) => s.t >= 60);
  if (late.length === 0) return [`goal ${title}: not measured (run at least one minute)`];
  const first = late[0]!;
  const last = samples.at(-1)!;
  const worst = (list: Sample[]) => Math.max(...list.map((s) => s.lagP99 ?? 0));
  // Steady: the samples whose one-minute lag window starts after the first minute (the agent's start-up, a
  // cold JIT and the first TLS context, fills every per-host slot for a few seconds). Both are printed.
  const settled = samples.filter((s) => s.t >= 120);
  const p99 = worst(settled.length > 0 ? settled : samples);
  const cpuUse = (last.cpu - cpu0) / last.t;
  const growth = (last.heap - first.heap) / first.heap;
  const lagText =
    settled.length > 0
      ? `worst p99 ${p99.toFixed(1)} ms from 120 s on, ${worst(samples).toFixed(1)} ms with the first minute`
      : `worst p99 ${p99.toFixed(1)} ms, the first minute included (run 2 minutes or more to leave it out)`;
  return [
    `goal ${title.replace(/ \(.*/, "")} on one core, p99 lag < 1 s, flat memory: ${verdict(p99 < 1000 && cpuUse < 1 && growth < 0.1)} ` +
      `(${lagText}; ${(cpuUse * 100).toFixed(1)}% of a core; heap ${mb(first.heap)} at ${first.t} s, ${mb(last.heap)} at ${last.t} s)`,
    `memory per monitor: ${((first.heap - heap0) / MONITORS / 1024).toFixed(2)} KiB heap, ${((first.rss - rss0) / MONITORS / 1024).toFixed(2)} KiB RSS (at ${first.t} s, over the process before the monitors)`,
  ];
}

async function main(): Promise<void> {
  const targets = await startTargets(servers);
  const tlsTargets = await startTlsTargets(servers);
  const host = (u: string | undefined) => new URL(u ?? "").host;
  console.log(
    `bench:probes: ${servers} HTTP servers on ${host(targets.urls[0])} ... ${host(targets.urls.at(-1))}, ` +
      `${servers} HTTPS servers on ${host(tlsTargets.urls[0])} ... ${host(tlsTargets.urls.at(-1))} (a child process each), ` +
      `Node ${process.version}, ${seconds} s per throughput run` +
      (values.only === "fresh" ? "" : `, steady run ${minutes} min`),
  );
  // Epicenter trusts Node's roots plus the policy's CAs; the bare loop is given the same store, the exporter the CA.
  const policy = { deny: [], allow: [], ca: [tlsTargets.ca] };
  const httpsRunner: CheckRunner = (check, ctx) => runCheck(check, { ...ctx, policy });
  const trust = tls.createSecureContext({ ca: [...tls.rootCertificates, tlsTargets.ca] });
  const missing = ensureBlackbox(log);

  let steadyRun: Steady | null = null;
  if (values.only === "all") {
    // The steady run first, so memory per monitor is measured over a process nothing else has grown.
    const keepAlive = values.steady === "keep-alive";
    const mode: Mode = keepAlive
      ? { label: "keep-alive HTTP", urls: targets.urls, reuse: true }
      : { label: "fresh HTTPS", urls: tlsTargets.urls, reuse: false, runner: httpsRunner };
    const intervalMs = keepAlive ? 30_000 : 60_000;
    log(`steady: ${MONITORS} ${mode.label} monitors every ${intervalMs / 1000} s for ${minutes} min ...`);
    steadyRun = await steady(mode, intervalMs);
  }
  const fresh = await freshRows(
    [
      {
        name: "HTTP",
        urls: targets.urls,
        what: "net.connect",
        once: freshOnce(targets.urls.map((u) => new URL(u))),
        timesBlackbox: 3,
      },
      {
        name: "HTTPS",
        urls: tlsTargets.urls,
        what: "tls.connect",
        once: freshOnce(
          tlsTargets.urls.map((u) => new URL(u)),
          trust,
        ),
        runner: httpsRunner,
        caFile: tlsTargets.caFile,
        timesBlackbox: 2,
      },
    ],
    missing,
  );
  const kept = values.only === "all" ? await keepAliveRows(targets.urls) : { rows: [], goals: [] };
  await targets.stop();
  await tlsTargets.stop();

  console.log("");
  printRows([...fresh.rows, ...kept.rows]);
  let steadyGoals: string[] = [];
  if (steadyRun) {
    console.log("");
    steadyGoals = printSteady(steadyRun);
  }
  console.log("");
  for (const goal of [...fresh.goals, ...kept.goals, ...steadyGoals]) console.log(goal);
}

await main();
process.exit(0);
