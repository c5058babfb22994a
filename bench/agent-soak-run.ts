/**
 * The agent soak: a real hub (`serve` in-process: HTTP API, ReplicatedHub, SQLite), a real `epicenter agent`
 * child process with anchors and loopback HTTP checks every second, and between them a TCP proxy that
 * fails on a schedule (answers cut after the hub committed, stalls, refused connections) with one hub
 * restart halfway. At the end the agent is stopped cleanly, and what it says it produced (its final line:
 * published, refused, kept, dropped) is held against what the hub stored. Shared by bench/agent-soak.ts
 * and test/agent-soak.test.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type HubProcess, startHubProcess } from "../src/cli/serve-process.js";
import { FlakyProxy, type ProxyMode } from "./agent-soak-proxy.js";

export const SOAK_VANTAGE = "probe/soak";
const COMPONENTS = ["acme/api", "acme/web", "acme/shop", "acme/auth", "acme/search"];

/**
 * One cycle of the proxy's behaviour, in seconds from the cycle's start; it repeats for the whole run.
 * The last OK_TAIL_S of a run are always `ok`, so the agent can deliver what waits before it stops.
 */
export const SOAK_CYCLE: readonly { mode: ProxyMode; seconds: number }[] = [
  { mode: "ok", seconds: 8 },
  { mode: "drop", seconds: 5 },
  { mode: "ok", seconds: 5 },
  { mode: "stall", seconds: 8 },
  { mode: "ok", seconds: 5 },
  { mode: "refuse", seconds: 7 },
  { mode: "ok", seconds: 7 },
];
const OK_TAIL_S = 12;

export interface SoakOptions {
  dataDir: string;
  durationMs: number;
  /** The command that runs the CLI: [node, entry] (the compiled src/cli/main.js, or a test's build). */
  cli: string[];
  /** Progress lines (every `progressMs`, default 30 s) and the run's news. */
  onLine?: (line: string) => void;
  progressMs?: number;
}

export interface SoakResult {
  durationMs: number;
  /** From the agent's final line. */
  produced: number;
  published: number;
  deadLettered: number;
  kept: number;
  dropped: number;
  /** Stored by the hub (distinct rows of the agent's vantage). */
  delivered: number;
  /** Check runs the agent counted (its final line; anchors aside), and the hub's rows of those checks. */
  checksRun: number;
  deliveredChecks: number;
  /** produced − delivered − dead-lettered − kept: must be 0. */
  lost: number;
  /** Rows of one (check, time) stored more than once: must be 0. */
  duplicatesStored: number;
  /** Observations the hubs' localizers took beyond one each (checks_run over stored): must be 0. */
  duplicatesTaken: number;
  /** Longest time from an observation's time to when the hub had it (seen by polling every second). */
  maxDelayMs: number;
  p99DelayMs: number;
  rssStartKb: number;
  rssEndKb: number;
  cutAnswers: number;
  hubRestarts: number;
  agentExit: number | null;
  finalLine: string;
}

/** Loopback targets: every path answers 200. */
function startTargets(): Promise<http.Server> {
  const server = http.createServer((_req, res) => res.writeHead(200).end("ok"));
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}

function configText(targets: string): string {
  return [
    "catalog: false",
    `vantages: [probe/hub, ${SOAK_VANTAGE}]`,
    "probes:",
    `  anchors: ["${targets}/anchor"]`,
    "components:",
    ...COMPONENTS.flatMap((id) => [
      `  - id: ${id}`,
      "    checks:",
      `      - http: ${targets}/${id}`,
      "        interval: 1s",
      "        timeout: 1s",
      `        vantages: [${SOAK_VANTAGE}]`,
    ]),
    "",
  ].join("\n");
}

function rssKb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function modeAt(elapsedMs: number, durationMs: number): ProxyMode {
  if (elapsedMs >= durationMs - OK_TAIL_S * 1000) return "ok";
  const cycleMs = SOAK_CYCLE.reduce((n, p) => n + p.seconds * 1000, 0);
  let t = elapsedMs % cycleMs;
  for (const p of SOAK_CYCLE) {
    if (t < p.seconds * 1000) return p.mode;
    t -= p.seconds * 1000;
  }
  return "ok";
}

/** Sum of epicenter_checks_run_total for the soak vantage in a hub's metrics text. */
function takenCount(metrics: string): number {
  const v = SOAK_VANTAGE.replace("/", "\\/");
  const re = new RegExp(`^epicenter_checks_run_total\\{vantage="${v}"[^}]*\\} (\\d+)$`, "gm");
  return [...metrics.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
}

export async function runAgentSoak(o: SoakOptions): Promise<SoakResult> {
  const say = o.onLine ?? (() => {});
  const targets = await startTargets();
  const targetUrl = `http://127.0.0.1:${(targets.address() as AddressInfo).port}`;
  const configFile = join(o.dataDir, "epicenter.yaml");
  writeFileSync(configFile, configText(targetUrl));
  const startHub = () =>
    startHubProcess({
      configFile,
      dataDir: join(o.dataDir, "hub"),
      vantage: "probe/hub", // every check is the soak vantage's: the hub's own agent runs none
      port: 0,
      host: "127.0.0.1",
      log: () => {},
      warn: (l) => say(`hub warning: ${l}`),
    });
  let hub: HubProcess = await startHub();
  const admin = hub.firstToken!;
  const made = await fetch(`${hub.url}/api/v1/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "soak agent", role: "agent", vantage: SOAK_VANTAGE }),
  });
  if (made.status !== 201) throw new Error(`cannot create the agent token: ${await made.text()}`);
  const { secret } = (await made.json()) as { secret: string };
  const proxy = await FlakyProxy.start(Number(new URL(hub.url).port));

  const agentLines: string[] = [];
  const deadLetter = join(o.dataDir, "dead-letter.jsonl");
  const [command, ...entry] = o.cli;
  const agent: ChildProcess = spawn(
    command!,
    [
      ...entry,
      "agent",
      "--vantage",
      SOAK_VANTAGE,
      "--config",
      configFile,
      "--hub",
      `http://127.0.0.1:${proxy.port}`,
      "--spool",
      join(o.dataDir, "spool.jsonl"),
      "--dead-letter",
      deadLetter,
      "--anchor",
      `tcp://127.0.0.1:${(targets.address() as AddressInfo).port}`,
      "--status-every",
      "5",
    ],
    { cwd: o.dataDir, env: { ...process.env, EPICENTER_TOKEN: secret }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<number | null>((r) => agent.on("exit", (code) => r(code)));
  let buffered = "";
  const take = (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    agentLines.push(...lines);
  };
  agent.stdout!.on("data", take);
  agent.stderr!.on("data", take);

  // Arrival times: the hub's rows of the vantage, polled every second.
  const firstSeen = new Map<string, { at: number; seen: number }>();
  const began = Date.now();
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const rows = await hub.store.queryObservations({
        vantage: SOAK_VANTAGE,
        from: began - 60_000,
        limit: 1e7,
      });
      const now = Date.now();
      for (const r of rows) if (!firstSeen.has(r.id)) firstSeen.set(r.id, { at: r.at, seen: now });
      await new Promise((r) => setTimeout(r, 1000));
    }
  })().catch((e: Error) => say(`poll failed: ${e.message}`));

  let taken = 0;
  let hubRestarts = 0;
  let rssStartKb = 0;
  let lastProgress = began;
  const progressMs = o.progressMs ?? 30_000;
  for (;;) {
    const elapsed = Date.now() - began;
    if (elapsed >= o.durationMs) break;
    await proxy.setMode(modeAt(elapsed, o.durationMs));
    if (rssStartKb === 0 && elapsed >= 5000) rssStartKb = rssKb(agent.pid);
    if (hubRestarts === 0 && elapsed >= o.durationMs / 2) {
      // Halfway: the hub restarts (on another port; the proxy follows), its store reopened.
      taken += takenCount(await hub.hub.metrics());
      await hub.stop();
      hub = await startHub();
      proxy.target = Number(new URL(hub.url).port);
      hubRestarts++;
      say(`${Math.round(elapsed / 1000)} s: hub restarted`);
    }
    if (Date.now() - lastProgress >= progressMs) {
      lastProgress = Date.now();
      const status = agentLines.filter((l) => l.includes("checks/s")).at(-1) ?? "";
      say(
        `${Math.round(elapsed / 1000)} s: proxy ${proxy.mode}, hub has ${firstSeen.size}, ` +
          `answers cut ${proxy.cutAnswers}, agent RSS ${rssKb(agent.pid)} kB; ${status}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const rssEndKb = rssKb(agent.pid);
  agent.kill("SIGTERM");
  const agentExit = await exited;
  polling = false;
  await poll;
  const finalLine = agentLines.filter((l) => l.includes("stopped after")).at(-1) ?? "";
  const number = (re: RegExp) => Number(re.exec(finalLine)?.[1] ?? 0);
  const published = number(/(\d+) observations published/);
  const deadLettered = number(/(\d+) refused by the hub/);
  const kept = number(/(\d+) kept in /);
  const dropped = number(/(\d+) dropped/);
  const checksRun = number(/stopped after (\d+) checks/);

  const rows = await hub.store.queryObservations({ vantage: SOAK_VANTAGE, limit: 1e7 });
  const now = Date.now();
  for (const r of rows) if (!firstSeen.has(r.id)) firstSeen.set(r.id, { at: r.at, seen: now });
  const keys = new Set(rows.map((r) => `${r.check}|${r.at}`));
  // The hub's localizer may not have taken the last batches yet: wait until it counts as many as it stored
  // since its restart, or a few seconds.
  const storedSinceRestart = () => rows.length;
  let takenNow = takenCount(await hub.hub.metrics());
  for (let i = 0; i < 50 && taken + takenNow < storedSinceRestart(); i++) {
    await new Promise((r) => setTimeout(r, 100));
    takenNow = takenCount(await hub.hub.metrics());
  }
  taken += takenNow;
  const delays = [...firstSeen.values()].map((s) => s.seen - s.at).sort((a, b) => a - b);
  await proxy.close();
  await hub.stop();
  await new Promise<void>((r) => targets.close(() => r()));
  const produced = published + deadLettered + kept + dropped;
  const dead = existsSync(deadLetter)
    ? readFileSync(deadLetter, "utf8").trim().split("\n").filter(Boolean)
    : [];
  if (dead.length !== deadLettered)
    say(`dead-letter file holds ${dead.length} lines, the agent said ${deadLettered}`);
  return {
    durationMs: Date.now() - began,
    produced,
    published,
    deadLettered,
    kept,
    dropped,
    delivered: rows.length,
    checksRun,
    // Each check run is one observation of its component; the anchors' are of the vantage itself.
    deliveredChecks: rows.filter((r) => r.component !== SOAK_VANTAGE).length,
    lost: produced - rows.length - deadLettered - kept,
    duplicatesStored: rows.length - keys.size,
    duplicatesTaken: Math.max(0, taken - rows.length),
    maxDelayMs: delays.at(-1) ?? 0,
    p99DelayMs: delays[Math.floor(delays.length * 0.99)] ?? 0,
    rssStartKb,
    rssEndKb,
    cutAnswers: proxy.cutAnswers,
    hubRestarts,
    agentExit,
    finalLine,
  };
}
