/**
 * `epicenter serve`: the hub a team runs (what `npm start` runs). With --config it monitors what the config
 * says; without, it runs the demo: a small simulated internet on loopback, failing every few minutes.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { CliIo } from "./io.js";
import { UsageError } from "./io.js";
import { onReloadSignal } from "./reload-signal.js";
import { describe, type HubProcess, startHubProcess } from "./serve-process.js";
import { untilStopSignal } from "./stop-signal.js";
import { DEFAULT_DATA_DIR } from "./token-command.js";

const DEFAULT_PORT = 7070;

const serveHelp = `epicenter serve [--config FILE] [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--data DIR] [--vantage NAME]

Runs the hub: probes, the localizer, incidents, notifications, the HTTP API and live stream.
  --config FILE   epicenter.yaml to monitor; without it, the demo: thirty services on loopback
                  addresses 127.0.1.x, probed from three local vantages, with a region, CDN or DNS
                  provider failing every few minutes
  --port P        HTTP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H        address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --data DIR      where the SQLite store lives (default ./${DEFAULT_DATA_DIR}); EPICENTER_DATABASE_URL=postgres://...
                  selects PostgreSQL instead
  --vantage NAME  the vantage this process's own agent runs as (default: the config's first; with --bus,
                  no local agent unless given)
  --bus URL       nats://host:4222 (or EPICENTER_BUS_URL): remote agents publish there and several hub
                  replicas share it and one PostgreSQL store; one replica at a time leads (stores incidents,
                  notifies), a standby takes over within seconds
  --replica ID    this replica's name on the bus (default: random)
  --seed N        demo only: seed of the chaos plan
  --no-chaos      demo only: no faults (a quiet world)

The config is reloaded when its file changes or on SIGHUP; a config with errors is refused and the running
one stays. Stop with Ctrl-C: in-flight checks and notifications get a few seconds to finish.`;

const OPTIONS = {
  config: { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
  data: { type: "string" },
  vantage: { type: "string" },
  bus: { type: "string" },
  replica: { type: "string" },
  seed: { type: "string" },
  "no-chaos": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Runs until SIGINT/SIGTERM (or `until` resolves, for tests); returns the exit status. */
export async function serveCommand(argv: string[], io: CliIo, until?: Promise<void>): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  if (values.help) {
    io.out(serveHelp);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`unexpected "${positionals[0]}"; did you mean --config ${positionals[0]}?`);
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0..65535, not "${values.port}"`);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new UsageError(`--seed must be an integer, not "${values.seed}"`);

  const running = await startHubProcess({
    ...(values.config ? { configFile: resolve(io.cwd, values.config) } : {}),
    dataDir: resolve(io.cwd, values.data ?? DEFAULT_DATA_DIR),
    port,
    host: values.host ?? "127.0.0.1",
    ...(values.vantage ? { vantage: values.vantage } : {}),
    ...(values.bus ? { busUrl: values.bus } : {}),
    ...(values.replica ? { replicaId: values.replica } : {}),
    demo: { ...(seed !== undefined ? { seed } : {}), chaos: !values["no-chaos"] },
    env: io.env,
    log: io.out,
    warn: (line) => io.err(`warning: ${line}`),
  });
  banner(running, io, values.config !== undefined);

  // Only with a config: without one SIGHUP keeps its default (the demo has nothing to reload).
  const offReload = values.config ? onReloadSignal(() => running.reload("SIGHUP")) : () => {};
  await (until ?? untilStopSignal());
  offReload();
  io.out("stopping: finishing in-flight checks and notifications ...");
  await running.stop();
  io.out("stopped.");
  return 0;
}

function banner(running: HubProcess, io: CliIo, withConfig: boolean): void {
  const hub = running.hub;
  const model = { components: hub.components(), checks: hub.checks(), vantages: hub.vantages() };
  const rule = "─".repeat(78);
  io.out(rule);
  io.out(`Epicenter hub on ${running.url}`);
  io.out(`  dashboard  ${running.url}/   public status page: ${running.url}/status`);
  io.out(`  API        ${running.url}/api/v1   (OpenAPI: ${running.url}/api/v1/openapi.json)`);
  io.out(`  live       ${running.url}/api/v1/stream   (Server-Sent Events)`);
  io.out(`  incidents  ${running.url}/api/v1/incidents?open=true`);
  io.out(`  metrics    ${running.url}/metrics   health: ${running.url}/healthz`);
  io.out(
    `  store      ${running.store.engine}${running.anonymousRead ? "; reads open to anyone" : "; reads need a token"}`,
  );
  io.out(`  watching   ${describe(model)}`);
  if (running.bus === "nats")
    io.out(
      `  bus        NATS JetStream; this replica ${hub.leading ? "leads" : "stands by (another replica leads)"}`,
    );
  io.out(`  rounds     the localizer judges every ${Math.round(hub.roundMs / 1000)} s`);
  if (running.firstToken) {
    io.out("");
    io.out(`  First start: an admin token was made. It is shown this once; keep it:`);
    io.out(`    ${running.firstToken}`);
    io.out(`  (epicenter token create makes more: --role agent --vantage NAME for each remote agent.)`);
  }
  if (running.world) {
    io.out("");
    io.out("  DEMO: no --config, so this is a small simulated internet on loopback: thirty services");
    io.out("  (streaming, exchange, dating, games, smart home, a delivery app) on simulated AWS, GCP,");
    io.out("  CDN and DNS providers, probed for real from three local vantages. Every few minutes chaos");
    io.out("  fails a region, a cloud service, a CDN, a DNS provider or a vantage: a 'chaos:' line says");
    io.out("  what truly broke; an 'incident' line says what the localizer concluded from the probes alone.");
    io.out("  The first fault comes about a minute after start.");
  } else if (withConfig) {
    io.out("  The config is reloaded when it changes (or on SIGHUP).");
  }
  io.out(rule);
}
