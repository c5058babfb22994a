/**
 * The baselines of bench:probes, against the same targets: bare loops (what Node itself can do, the
 * ceilings: undici over keep-alive connections, or net.connect / tls.connect and one request per
 * connection) and Prometheus' blackbox_exporter driven by concurrent GETs of /probe, its CPU read from
 * /proc/<pid>/stat. The exporter is the Debian package, installed with apt-get when missing.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { Agent, Pool, request } from "undici";

export const BLACKBOX = "/usr/bin/prometheus-blackbox-exporter";

export interface LoopRun {
  checks: number;
  failed: number;
  seconds: number;
  cpuSeconds: number;
}

/** Runs `worker` in `concurrency` loops; counts only what finishes in the window after `warmSeconds`. */
export async function measureLoop(
  concurrency: number,
  seconds: number,
  warmSeconds: number,
  cpu: () => number,
  worker: (i: number) => Promise<boolean>,
): Promise<LoopRun> {
  const counts = { checks: 0, failed: 0 };
  let measuring = false;
  let running = true;
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (running) {
      const ok = await worker(next++).catch(() => false);
      if (measuring) {
        counts.checks++;
        if (!ok) counts.failed++;
      }
    }
  });
  await sleep(warmSeconds * 1000);
  measuring = true;
  const cpu0 = cpu();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  measuring = false;
  const wall = (performance.now() - t0) / 1000;
  const cpuSeconds = cpu() - cpu0;
  running = false;
  await Promise.all(workers);
  return { ...counts, seconds: wall, cpuSeconds };
}

/** This process's CPU seconds (user + system, all threads). */
export function ownCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The ceiling: `concurrency` loops of undici GETs over keep-alive connections, round robin over `urls`. */
export async function bareUndici(urls: string[], concurrency: number, seconds: number): Promise<LoopRun> {
  const dispatcher = new Agent({ keepAliveTimeout: 60_000, connections: null });
  const run = await measureLoop(concurrency, seconds, 2, ownCpu, async (i) => {
    const { statusCode, body } = await request(urls[i % urls.length]!, { dispatcher });
    await body.text();
    return statusCode === 200;
  });
  await dispatcher.close();
  return run;
}

/**
 * The fresh-connection ceiling: connect (TCP, or TLS verified against `trust`), send one GET with
 * Connection: close, read the answer, close. The same work a fresh check does, without anything else.
 */
export function freshOnce(urls: URL[], trust?: tls.SecureContext): (i: number) => Promise<boolean> {
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

/** Installs the exporter with apt-get if it is missing; returns why not when that fails. */
export function ensureBlackbox(log: (line: string) => void): string | null {
  if (existsSync(BLACKBOX)) return null;
  log("blackbox_exporter missing: apt-get install -y prometheus-blackbox-exporter ...");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    execFileSync("apt-get", ["install", "-y", "prometheus-blackbox-exporter"], { env, stdio: "ignore" });
  try {
    try {
      install();
    } catch {
      execFileSync("apt-get", ["update"], { env, stdio: "ignore" });
      install();
    }
  } catch (error) {
    return `apt-get failed: ${(error as Error).message.split("\n")[0]}`;
  }
  return existsSync(BLACKBOX) ? null : `${BLACKBOX} still missing after apt-get`;
}

/** utime + stime of a process, seconds. */
export function processCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of proc(5)
  return ticks / clockTicks();
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return ticksPerSecond;
}

/**
 * Runs blackbox_exporter on a free loopback port and drives `concurrency` /probe GETs of its `http_2xx`
 * module at it. The exporter opens a new connection per probe (its http prober disables keep-alive), as
 * a fresh check does; over TLS it verifies the targets against `caFile` (the module's tls_config.ca_file).
 */
export async function blackbox(
  urls: string[],
  concurrency: number,
  seconds: number,
  caFile?: string,
): Promise<LoopRun & { version: string }> {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-blackbox-"));
  const config = join(dir, "blackbox.yml");
  const tlsConfig = caFile ? `      tls_config:\n        ca_file: ${JSON.stringify(caFile)}\n` : "";
  writeFileSync(
    config,
    "modules:\n  http_2xx:\n    prober: http\n    timeout: 10s\n    http:\n      preferred_ip_protocol: ip4\n" +
      tlsConfig,
  );
  const port = await freePort();
  const version = execFileSync(BLACKBOX, ["--version"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  })
    .split("\n")[0]!
    .trim();
  const child = spawn(
    BLACKBOX,
    [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const pool = new Pool(base, { connections: concurrency, keepAliveTimeout: 60_000 });
  try {
    for (let i = 0; ; i++) {
      try {
        await (await request(`${base}/`, { dispatcher: pool })).body.text();
        break;
      } catch (error) {
        if (i > 100) throw error;
        await sleep(100);
      }
    }
    const paths = urls.map((u) => `/probe?module=http_2xx&target=${encodeURIComponent(u)}`);
    const run = await measureLoop(
      concurrency,
      seconds,
      2,
      () => processCpu(child.pid!),
      async (i) => {
        const { body } = await pool.request({ method: "GET", path: paths[i % paths.length]! });
        return /^probe_success 1$/m.test(await body.text());
      },
    );
    return { ...run, version };
  } finally {
    await pool.close();
    child.kill("SIGTERM");
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
