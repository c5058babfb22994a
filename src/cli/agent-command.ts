/**
 * `epicenter agent --vantage NAME`: runs the checks the config assigns to one vantage and sends what they
 * find to a hub over HTTP, or, without --hub, prints each observation as a JSON line (for piping).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DeadLetterFile } from "../bus/dead-letter-file.js";
import { httpPublisher } from "../bus/http/http-publisher.js";
import { vantageToken } from "../bus/nats/nats-connect.js";
import { Spool } from "../bus/spool.js";
import { loadConfigFile } from "../config/config-load.js";
import type { Observation } from "../model/observation.js";
import { type Agent, type AgentStats, checksForVantage, startAgent } from "../probe/agent.js";
import { parseHostPort } from "../probe/check-fields.js";
import type { Check } from "../probe/check-types.js";
import { HttpAgents } from "../probe/http-agent.js";
import { nameServerFor } from "../probe/name-server.js";
import { runCheck } from "../probe/run-check.js";
import type { ProbePolicy } from "../probe/target-guard.js";
import { startAgentBus } from "./agent-bus.js";
import { type CliIo, UsageError } from "./io.js";
import { untilStopSignal } from "./stop-signal.js";

const agentHelp = `epicenter agent --vantage NAME [--config FILE] [--hub URL --token T [--dead-letter FILE] [--spool FILE]] [--local-address A] [--anchor TARGET]...
epicenter agent --vantage NAME --bus nats://HOST:4222 [--credentials FILE] [--spool FILE] [--anchor TARGET]...

Runs the checks of epicenter.yaml assigned to vantage NAME (a check with no "vantages" runs everywhere) and
hands every result, as an observation, to the hub. Stop with Ctrl-C: in-flight checks get 5 s to finish.
  --vantage NAME        this agent's vantage id, e.g. probe/eu-west (one of the config's vantages, if it lists any)
  --config FILE         the config (default ./epicenter.yaml)
  --hub URL             the hub's base URL, e.g. http://hub.internal:7070; observations are POSTed to
                        URL/api/v1/observations in batches, retried while the hub is away (or answers 429
                        or 5xx; a Retry-After is honoured). A batch the hub refuses for what it holds (400,
                        404, 413, 422: say a component its config no longer has) is split to find the
                        refused observations; they go to the dead-letter file and the rest are delivered
  --dead-letter FILE    where refused observations go, one JSON line each with the hub's reason and the time
                        (default ./data/dead-letter/<vantage>.jsonl)
  --token T             the hub token: an agent token for this vantage (epicenter token create --role agent
                        --vantage NAME), or an editor's; the environment
                        variable EPICENTER_TOKEN is read when --token is absent (keeps it out of ps). A token
                        the hub refuses (401/403: revoked, expired) is said in every status line; observations
                        wait (and at stop go to the spool) until the agent is restarted with a new one
  --bus URL             a NATS JetStream bus (scale-out): the checks come from the hub's assignments (changes
                        apply within seconds), observations go to the stream; while the bus is away they are
                        spooled to a file and replayed in order when it is back
  --credentials FILE    the NATS user of this vantage: a .creds file (nsc) or a file "user:password"; the
                        server should let it publish only to epicenter.obs.<vantage> (docs/scale-out.md)
  --spool FILE          where observations wait while the bus is away (default ./data/spool/<vantage>.jsonl;
                        the last assignment is kept next to it, so a restart during an outage keeps checking);
                        with --hub, where what is unpublished at stop is kept, published first at the next start
  --local-address A     source address for every probe (several vantages on one host: 127.0.0.2, ...)
  --anchor TARGET       a well-known http(s):// URL or tcp://host:port this vantage should always reach;
                        repeat it. Reported as the vantage's own health so the hub can tell a blind watcher
                        from a failing world; added to the config's probes.anchors
  --status-every S      seconds between status lines (default 10; 0 for none)
Without --hub, observations are printed to standard output as JSON lines (one object per line, the
Observation of the API) and status lines go to standard error: epicenter agent --vantage v | jq .`;

const OPTIONS = {
  vantage: { type: "string" },
  config: { type: "string" },
  hub: { type: "string" },
  bus: { type: "string" },
  credentials: { type: "string" },
  spool: { type: "string" },
  "dead-letter": { type: "string" },
  token: { type: "string" },
  "local-address": { type: "string" },
  anchor: { type: "string", multiple: true },
  "status-every": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const STOP_DEADLINE_MS = 5000;

/** Runs until SIGINT/SIGTERM (or `until` resolves, for tests); returns the exit status. */
export async function agentCommand(argv: string[], io: CliIo, until?: Promise<void>): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  if (values.help) {
    io.out(agentHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected "${positionals[0]}"\n\n${agentHelp}`);
  const vantage = values.vantage;
  if (!vantage) throw new UsageError(`--vantage NAME is required\n\n${agentHelp}`);
  const token = values.token ?? io.env.EPICENTER_TOKEN;
  if (values.hub && !token)
    throw new UsageError("--hub needs --token T (or EPICENTER_TOKEN in the environment)");
  const statusEvery = values["status-every"] === undefined ? 10 : Number(values["status-every"]);
  if (!(statusEvery >= 0))
    throw new UsageError(`--status-every must be a number of seconds, not "${values["status-every"]}"`);
  const cliAnchors = (values.anchor ?? []).map(anchorCheck);

  const busUrl = values.bus;
  if (busUrl && values.hub) throw new UsageError("--bus and --hub: choose one way to send observations");
  if (busUrl && values.config)
    throw new UsageError("with --bus the checks come from the hub's assignments; leave out --config");
  if (!busUrl && values.credentials) throw new UsageError("--credentials goes with --bus nats://HOST:4222");
  if (!busUrl && !values.hub && values.spool)
    throw new UsageError("--spool goes with --hub URL or --bus nats://HOST:4222");
  if (values["dead-letter"] && !values.hub)
    throw new UsageError("--dead-letter goes with --hub URL (the hub is what refuses observations)");
  if (busUrl) return agentOnBus(busUrl, vantage, values, cliAnchors, statusEvery, io, until);

  const file = resolve(io.cwd, values.config ?? "epicenter.yaml");
  if (!values.config && !existsSync(file))
    throw new UsageError("no ./epicenter.yaml here; name the config with --config FILE");
  const config = loadConfigFile(file, { env: io.env });
  if (config.vantages.length > 0 && !config.vantages.includes(vantage))
    throw new UsageError(
      `vantage "${vantage}" is not in the config's vantages (${config.vantages.join(", ")})`,
    );

  // The config's probes.anchors first, then the command line's, numbered on after them.
  const anchors = [
    ...config.anchors,
    ...cliAnchors.map((a, i) => ({ ...a, id: `anchor#${config.anchors.length + i + 1}` })),
  ];
  const publisher = values.hub ? httpPublisher({ hub: values.hub, token: token! }) : null;
  const deadLetter = publisher
    ? new DeadLetterFile({
        file: resolve(io.cwd, values["dead-letter"] ?? join("data", "dead-letter", vantageFile(vantage))),
        onWarning: (m) => io.err(`warning: ${m}`),
      })
    : null;
  const kept = publisher
    ? await openKept(resolve(io.cwd, values.spool ?? join("data", "spool", vantageFile(vantage))), io)
    : null;
  const publish =
    publisher ??
    (async (batch: Observation[]) => {
      for (const o of batch) io.out(JSON.stringify(o));
    });
  const status = publisher ? io.out : io.err;
  const http = new HttpAgents();
  const nameServer = nameServerFor(config.resolvers, vantage);
  const agent = startAgent({
    vantage,
    checks: config.checks,
    anchors,
    runner: (check, ctx) =>
      runCheck(check, { ...ctx, policy: config.probes, http, ...(nameServer ? { nameServer } : {}) }),
    publish,
    ...(deadLetter ? { onRefused: (refused) => deadLetter.add(refused) } : {}),
    ...(kept ? { pending: kept.pending, onLeft: kept.keep } : {}),
    ...(values["local-address"] ? { localAddress: values["local-address"] } : {}),
  });
  const assigned = agent.stats().checks;
  if (kept?.pending.length)
    status(
      `agent ${vantage}: publishing first ${kept.pending.length} observations kept in ${kept.spool.file}`,
    );
  status(
    `agent ${vantage}: ${assigned} of ${config.checks.length} checks from ${config.file}` +
      `${anchors.length ? `, ${anchors.length} anchors` : ""}; ${publisher ? `publishing to ${values.hub} (refused observations to ${deadLetter!.file})` : "observations on stdout"}`,
  );
  if (assigned === 0 && anchors.length === 0)
    io.err(`warning: no check in ${config.file} runs at vantage ${vantage}`);

  const final = await superviseAgent(agent, status, statusEvery, until);
  await publisher?.close();
  await http.close();
  await deadLetter?.flush();
  await kept?.spool.close();
  const refusal = tokenRefusal(final);
  if (refusal) io.err(`agent ${vantage}: ${refusal}`);
  status(
    `agent ${vantage}: stopped after ${final.checksRun} checks; ${final.observationsPublished} observations published` +
      `${final.refused ? `, ${final.refused} refused by the hub (in ${deadLetter?.file})` : ""}` +
      `${final.kept ? `, ${final.kept} kept in ${kept?.spool.file} for the next start` : ""}` +
      `${final.dropped ? `, ${final.dropped} dropped` : ""}`,
  );
  return 0;
}

/** `<vantage>.jsonl`, the vantage id made a file name. */
function vantageFile(vantage: string): string {
  return `${vantageToken(vantage).replace(/\//g, "_")}.jsonl`;
}

/**
 * The --hub agent's spool: what a previous run left unpublished (read, and the file emptied: from here
 * they wait in the agent's buffer like any new observation, and go back to the file if still unpublished
 * at stop), and where this run's leftovers go.
 */
async function openKept(
  file: string,
  io: CliIo,
): Promise<{ spool: Spool; pending: Observation[]; keep: (left: Observation[]) => Promise<void> }> {
  const spool = await Spool.open({ file, onWarning: (m) => io.err(`warning: ${m}`) });
  const pending: Observation[] = [];
  await spool.replay(async (batch) => {
    pending.push(...batch);
  });
  return {
    spool,
    pending,
    keep: async (left) => {
      if (!(await spool.append(left))) throw new Error(`the spool ${file} is full`);
    },
  };
}

/**
 * What to do when the hub refuses the agent's token (401, 403: revoked, expired, or not this vantage's),
 * or null while it does not: nothing is published then, and only a new token helps.
 */
export function tokenRefusal(s: AgentStats): string | null {
  if (s.publishFailingSince === null || (s.lastPublishStatus !== 401 && s.lastPublishStatus !== 403))
    return null;
  return (
    `hub refuses the token (HTTP ${s.lastPublishStatus}) since ${new Date(s.publishFailingSince).toISOString()}: ` +
    `create a new one with epicenter token create --role agent --vantage ${s.vantage} and restart the agent ` +
    "with it (observations wait, and are kept in the spool at stop)"
  );
}

/** Status lines every `statusEvery` s (with `extra` appended) until stopped; then stops the agent. */
async function superviseAgent(
  agent: Agent,
  status: (line: string) => void,
  statusEvery: number,
  until: Promise<void> | undefined,
  extra: () => string = () => "",
): Promise<AgentStats> {
  let last = { at: performance.now(), stats: agent.stats() };
  const ticker =
    statusEvery > 0
      ? setInterval(() => {
          const now = { at: performance.now(), stats: agent.stats() };
          status(statusLine(last, now) + extra());
          last = now;
        }, statusEvery * 1000)
      : null;
  await (until ?? untilStopSignal());
  if (ticker) clearInterval(ticker);
  status(`agent ${agent.vantage}: stopping (in-flight checks get ${STOP_DEADLINE_MS / 1000} s) ...`);
  return agent.stop(STOP_DEADLINE_MS);
}

/**
 * `--bus`: checks from the assignments bucket (none until the first assignment arrives, or the cached one),
 * observations to the stream through the spool.
 */
async function agentOnBus(
  url: string,
  vantage: string,
  values: { credentials?: string; spool?: string; "local-address"?: string },
  anchors: Check[],
  statusEvery: number,
  io: CliIo,
  until: Promise<void> | undefined,
): Promise<number> {
  const spoolFile = resolve(io.cwd, values.spool ?? join("data", "spool", vantageFile(vantage)));
  let agent: Agent | null = null;
  let policy: ProbePolicy | undefined;
  const link = await startAgentBus({
    url,
    ...(values.credentials ? { credentials: values.credentials } : {}),
    vantage,
    spoolFile,
    notice: (m) => io.out(`agent ${vantage}: ${m}`),
    onAssignment: (assignment, source) => {
      policy = assignment.probes;
      agent?.setChecks(assignment.checks);
      const n = agent ? agent.stats().checks : checksForVantage(assignment.checks, vantage).length;
      io.out(
        `agent ${vantage}: ${n} checks assigned (${source === "cache" ? `last known, from ${spoolFile}.assignment.json` : "from the hub"})`,
      );
    },
  });
  const http = new HttpAgents();
  agent = startAgent({
    vantage,
    checks: link.assignment?.checks ?? [],
    anchors,
    runner: (check, ctx) => runCheck(check, { ...ctx, http, ...(policy ? { policy } : {}) }),
    publish: link.publish,
    ...(values["local-address"] ? { localAddress: values["local-address"] } : {}),
  });
  io.out(`agent ${vantage}: publishing to ${url}; spool ${spoolFile}`);
  const final = await superviseAgent(agent, io.out, statusEvery, until, () => {
    const s = link.spool.stats();
    return link.publish.spooling || s.dropped > 0
      ? `, spooled ${s.spooled}${s.dropped ? `, spool full: ${s.dropped} dropped` : ""}`
      : "";
  });
  await link.close();
  await http.close();
  const spooled = link.spool.stats().spooled;
  io.out(
    `agent ${vantage}: stopped after ${final.checksRun} checks; ${final.observationsPublished} observations handed over` +
      `${spooled ? ` (${spooled} wait in the spool for the next start)` : ""}${final.dropped ? `, ${final.dropped} dropped` : ""}`,
  );
  return 0;
}

/** One readable line: the rate and failures since the previous line, lag, and the publishing state. */
export function statusLine(
  before: { at: number; stats: AgentStats },
  now: { at: number; stats: AgentStats },
): string {
  const s = now.stats;
  const seconds = Math.max(1e-3, (now.at - before.at) / 1000);
  const rate = (s.checksRun - before.stats.checksRun) / seconds;
  const failures = s.failures - before.stats.failures;
  const lag = s.lagP99Ms === null ? "-" : `${Math.round(s.lagP99Ms)} ms`;
  const parts = [
    `agent ${s.vantage}: ${rate.toFixed(1)} checks/s`,
    `lag p99 ${lag}`,
    `${failures} failures in ${Math.round(seconds)} s`,
    `published ${s.observationsPublished}`,
  ];
  if (s.observationsBuffered > 0) parts.push(`waiting ${s.observationsBuffered}`);
  if (s.dropped > 0) parts.push(`dropped ${s.dropped}`);
  if (s.refused > 0) parts.push(`refused ${s.refused} (dead-lettered)`);
  if (s.skipped > 0) parts.push(`skipped ${s.skipped} (still running)`);
  if (s.health) parts.push(`vantage ${s.health}`);
  const refusal = tokenRefusal(s);
  if (refusal) parts.push(refusal);
  else if (s.lastPublishError && s.publishErrors > before.stats.publishErrors)
    parts.push(`hub: ${s.lastPublishError}`);
  return parts.join(", ");
}

/** An anchor from the command line: an http(s) URL or tcp://host:port, checked every 30 s. */
export function anchorCheck(target: string, index: number): Check {
  const base = {
    id: `anchor#${index + 1}`,
    component: "anchor",
    intervalMs: 30_000,
    timeoutMs: 10_000,
    vantages: [],
    confirm: 0,
  };
  if (/^https?:\/\//.test(target)) {
    try {
      new URL(target);
    } catch {
      throw new UsageError(`--anchor "${target}" is not a URL`);
    }
    return {
      ...base,
      type: "http",
      url: target,
      method: "GET",
      headers: {},
      expectStatus: [[100, 599]], // any answer means the network path works
      followRedirects: false,
      maxRedirects: 0,
      tlsVerify: true,
    };
  }
  const hostPort = target.startsWith("tcp://") ? parseHostPort(target.slice(6)) : undefined;
  if (!hostPort) throw new UsageError(`--anchor "${target}" must be an http(s):// URL or tcp://host:port`);
  return { ...base, type: "tcp", ...hostPort };
}
