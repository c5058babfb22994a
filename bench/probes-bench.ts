/**
 * `npm run bench:probes [-- --minutes M] [-- --seconds S] [-- --only fresh]`: how many HTTP checks the agent
 * runs, against HTTP servers on loopback addresses in a child process. In the same run and against the same
 * servers: keep-alive (`reuse: true`) monitors against a bare undici loop (the ceiling), 1,000 and 10,000
 * monitors driven past what they can do (achieved checks/s), blackbox_exporter probing the same targets,
 * then 10,000 monitors every 30 s for M minutes (scheduling lag, CPU, memory per monitor, memory flat over
 * time). Then fresh connections (the default): fresh HTTP against a bare loop doing net.connect + one
 * request, and fresh HTTPS, served over TLS by a second child with a CA this bench makes (openssl), against a
 * bare loop doing tls.connect + one request with the same trust store. `--only fresh` runs just those.
 * Run with --expose-gc (the npm script does).
 */
import { execFileSync, fork } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { fileURLToPath } from "node:url";
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
  type LoopRun,
  measureLoop,
  ownCpu,
  sleep,
} from "./probe-baselines.js";
import { startTargets } from "./probe-targets.js";

const serving = process.argv[2] === "--serve-tls";
const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "2" },
    seconds: { type: "string", default: "15" },
    servers: { type: "string", default: "8" },
    only: { type: "string", default: "all" },
  },
  // The TLS targets' child takes its addresses as positionals.
  allowPositionals: serving,
  strict: !serving,
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

interface Mode {
  /** What the row is called, before its monitor count. */
  label: string;
  reuse: boolean;
  runner?: CheckRunner;
}

const KEEP_ALIVE: Mode = { label: "epicenter agent, keep-alive (reuse: true)", reuse: true };

/** Monitors due 1.5 times as often as the ceiling can serve: what the agent achieves flat out. */
async function overload(urls: string[], monitors: number, ceiling: number, mode: Mode): Promise<Row> {
  const intervalMs = Math.max(10, Math.round((monitors / (1.5 * ceiling)) * 1000));
  const { agent } = agentFor(checksFor(urls, monitors, intervalMs, mode.reuse), mode.runner);
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

/** 10,000 monitors every 30 s for `minutes`: lag, CPU and memory sampled every 30 s. */
async function steady(
  urls: string[],
  monitors: number,
): Promise<{ samples: Sample[]; heap0: number; rss0: number; cpu0: number }> {
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  const cpu0 = ownCpu();
  const { agent } = agentFor(checksFor(urls, monitors, 30_000, true));
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

/** A CA and one leaf naming every target address (IP SANs), made with the openssl CLI in a temporary directory. */
function makeTlsPki(addresses: string[]): { ca: string; key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-bench-pki-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=bench CA");
  ssl("req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=bench target");
  const san = addresses.map((a) => `IP:${a}`).join(",");
  writeFileSync(join(dir, "leaf.ext"), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  ssl(
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "leaf.pem",
    "-days",
    "2",
    "-extfile",
    "leaf.ext",
  );
  const read = (name: string) => readFileSync(join(dir, name), "utf8");
  return { ca: read("ca.pem"), key: read("leaf.key"), cert: read("leaf.pem") };
}

const TLS_RESPONSE = Buffer.from(
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nok\n",
);

/** The TLS targets' child: one TLS listener per address answering every request head with one 200. */
async function serveTls(addresses: string[]): Promise<void> {
  const key = process.env.BENCH_TLS_KEY ?? "";
  const cert = process.env.BENCH_TLS_CERT ?? "";
  const urls: string[] = [];
  for (const address of addresses) {
    const server = tls.createServer({ key, cert }, (socket) => {
      let tail = "";
      socket.on("data", (chunk: Buffer) => {
        const parts = (tail + chunk.toString("latin1")).split("\r\n\r\n");
        tail = parts.pop() ?? "";
        for (let n = 0; n < parts.length; n++) socket.write(TLS_RESPONSE);
      });
      socket.on("error", () => socket.destroy());
      socket.setTimeout(65_000, () => socket.destroy());
    });
    server.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    urls.push(`https://${address}:${(server.address() as net.AddressInfo).port}/health`);
  }
  process.send?.({ urls });
  process.on("SIGTERM", () => process.exit(0));
}

/** Forks this file as the TLS targets on 127.0.0.41, 127.0.0.42, ... (their CPU not counted here). */
async function startTlsTargets(count: number) {
  const addresses = Array.from({ length: count }, (_, i) => `127.0.0.${41 + i}`);
  const pki = makeTlsPki(addresses);
  const child = fork(fileURLToPath(import.meta.url), ["--serve-tls", ...addresses], {
    stdio: "inherit",
    env: { ...process.env, BENCH_TLS_KEY: pki.key, BENCH_TLS_CERT: pki.cert },
  });
  const urls = await new Promise<string[]>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { urls: string[] }).urls));
    child.once("exit", (code) => reject(new Error(`TLS target servers exited with ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { urls, ca: pki.ca, stop };
}

/**
 * The fresh-connection ceiling: connect (TCP, or TLS verified against `trust`), send one GET with
 * Connection: close, read the answer, close. The same work a fresh check does, without anything else.
 */
function freshOnce(urls: URL[], trust?: tls.SecureContext): (i: number) => Promise<boolean> {
  return (i) =>
    new Promise<boolean>((resolve) => {
      const url = urls[i % urls.length]!;
      const at = { host: url.hostname, port: Number(url.port) };
      const socket = trust ? tls.connect({ ...at, secureContext: trust }) : net.connect(at);
      let got = "";
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.once(trust ? "secureConnect" : "connect", () =>
        socket.write(`GET ${url.pathname}?m=${i} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: close\r\n\r\n`),
      );
      socket.on("data", (chunk: Buffer) => {
        got += chunk.toString("latin1");
        if (got.endsWith("\r\n\r\nok\n")) done(got.startsWith("HTTP/1.1 200"));
      });
      socket.once("error", () => done(false));
      socket.once("close", () => resolve(false));
    });
}

/** Fresh HTTP and fresh HTTPS: each bare loop, then the agent against it (1,000 monitors, flat out). */
async function freshRows(httpUrls: string[]): Promise<{ rows: Row[]; goals: string[] }> {
  const rows: Row[] = [];
  const goals: string[] = [];
  const tlsTargets = await startTlsTargets(servers);
  // Epicenter trusts Node's roots plus the policy's CAs; the bare loop is given the same store.
  const policy = { deny: [], allow: [], ca: [tlsTargets.ca] };
  const trust = tls.createSecureContext({ ca: [...tls.rootCertificates, tlsTargets.ca] });
  const kinds = [
    { name: "HTTP", urls: httpUrls, what: "net.connect", once: freshOnce(httpUrls.map((u) => new URL(u))) },
    {
      name: "HTTPS",
      urls: tlsTargets.urls,
      what: "tls.connect",
      once: freshOnce(
        tlsTargets.urls.map((u) => new URL(u)),
        trust,
      ),
      runner: ((check, ctx) => runCheck(check, { ...ctx, policy })) as CheckRunner,
    },
  ];
  for (const kind of kinds) {
    log(`bare loop, fresh ${kind.name} (${kind.what} + request), ${concurrency} concurrent ...`);
    const bare = await measureLoop(concurrency, seconds, 2, ownCpu, kind.once);
    rows.push({
      run: `bare loop, fresh ${kind.name}: ${kind.what} + one request, ${concurrency} concurrent (ceiling)`,
      ...bare,
    });
    log(`epicenter agent, fresh ${kind.name}, 1000 monitors ...`);
    const ours = await overload(kind.urls, 1000, rate(bare), {
      label: `epicenter agent, fresh ${kind.name} (default)`,
      reuse: false,
      ...(kind.runner ? { runner: kind.runner } : {}),
    });
    rows.push(ours);
    goals.push(
      `goal fresh ${kind.name} >= 60% of its bare ${kind.what} loop: ${verdict(rate(ours) >= 0.6 * rate(bare))} (${((rate(ours) / rate(bare)) * 100).toFixed(0)}%; ${rate(ours).toFixed(0)} against ${rate(bare).toFixed(0)} checks/s; ${perCpu(ours).toFixed(0)} against ${perCpu(bare).toFixed(0)} checks per CPU s)`,
    );
  }
  await tlsTargets.stop();
  return { rows, goals };
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

async function main(): Promise<void> {
  const targets = await startTargets(servers);
  const hosts = targets.urls.map((u) => new URL(u).host);
  console.log(
    `bench:probes: ${servers} keep-alive HTTP servers on ${hosts[0]} ... ${hosts.at(-1)} (one child process), ` +
      `${servers} TLS servers on 127.0.0.41 ... (another), Node ${process.version}, ${seconds} s per throughput run` +
      (values.only === "fresh" ? "" : `, steady run ${minutes} min`),
  );
  if (values.only === "fresh") {
    const fresh = await freshRows(targets.urls);
    await targets.stop();
    console.log("");
    printRows(fresh.rows);
    console.log("");
    for (const goal of fresh.goals) console.log(goal);
    return;
  }
  const blackboxMissing = ensureBlackbox(log);
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
    log(`epicenter agent, keep-alive, ${monitors} monitors ...`);
    runs.push(await overload(targets.urls, monitors, ceiling, KEEP_ALIVE));
  }
  rows.push(...runs);
  log("scheduler + agent with a bare undici runner, 1000 monitors ...");
  rows.push(
    await overload(targets.urls, 1000, ceiling, {
      label: "for comparison: scheduler + agent with a bare undici runner",
      reuse: true,
      runner: bareRunner(),
    }),
  );
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
  const fresh = await freshRows(targets.urls);
  rows.push(...fresh.rows);
  await targets.stop();

  console.log("");
  printRows(rows);

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
    `goal keep-alive >= 60% of the bare-undici ceiling: ${verdict(worst >= 0.6 * ceiling)} (${((worst / ceiling) * 100).toFixed(0)}% at the lower of the two runs; ceiling ${ceiling.toFixed(0)} checks/s)`,
  );
  if (bb) {
    const ours = Math.min(...runs.map(perCpu));
    console.log(
      `goal >= 3x blackbox_exporter's checks per CPU second: ${verdict(ours >= 3 * perCpu(bb))} (${(ours / perCpu(bb)).toFixed(1)}x: ${ours.toFixed(0)} against ${perCpu(bb).toFixed(0)})`,
    );
  } else
    console.log("goal >= 3x blackbox_exporter's checks per CPU second: not measured (exporter unavailable)");
  for (const goal of fresh.goals) console.log(goal);
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

if (serving) await serveTls(process.argv.slice(3));
else {
  await main();
  process.exit(0);
}
