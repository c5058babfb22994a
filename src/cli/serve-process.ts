/**
 * The composition root of `epicenter serve`: where the defaults are chosen, once. A config gives the model,
 * checks and notification channels; without one, the demo world on loopback stands in (thirty services, three
 * vantages, chaos). Then: the store (SQLite in the data folder, or PostgreSQL), the in-process bus, the hub,
 * the notifier, local agents, the HTTP server, and a config watch. `stop()` undoes it all in reverse order.
 * Process signals are the command's to wire (serve-command.ts): this only offers `reload(why)`.
 */
import type { AssignmentStore } from "../bus/bus.js";
import { openBus } from "../bus/open-bus.js";
import { type Config, loadConfigFile } from "../config/config-load.js";
import { reloadRefusal } from "../config/reload-guard.js";
import { type Chaos, type ChaosPlanOptions, startChaos } from "../demo/demo-chaos.js";
import { type DemoWorld, startDemoWorld } from "../demo/demo-world.js";
import { discoveryService } from "../discover/discovery-service.js";
import type { DnsLookup } from "../discover/dns-lookup.js";
import { type HubModel, ReplicatedHub } from "../hub/hub.js";
import type { LedgerEvent } from "../hub/incident-ledger.js";
import type { Env } from "../model/env-refs.js";
import { SourceError } from "../model/model-errors.js";
import type { ComponentSpec } from "../model/model-types.js";
import { createChannels } from "../notify/channels/create-channel.js";
import { Notifier } from "../notify/notifier.js";
import { Subscriptions } from "../notify/subscriptions.js";
import { type Agent, checksForVantage, startAgent } from "../probe/agent.js";
import { HttpAgents } from "../probe/http-agent.js";
import { nameServerFor } from "../probe/name-server.js";
import { runCheck } from "../probe/run-check.js";
import { DEFAULT_PROBE_POLICY, type ProbePolicy } from "../probe/target-guard.js";
import { createToken } from "../server/auth-tokens.js";
import { listen } from "../server/serve-http.js";
import { createApp } from "../server/server-app.js";
import { revokeRemovedSessions } from "../server/session-users.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { type ConfigWatch, watchConfig } from "./config-watch.js";
import { incidentLine } from "./incident-lines.js";
import { UsageError } from "./io.js";

/** The vantage a hub's own agent speaks for when the config names none. */
const LOCAL_VANTAGE = "vantage/local";

export interface HubProcessOptions {
  /** epicenter.yaml; the demo world when absent. */
  configFile?: string;
  dataDir: string;
  databaseUrl?: string;
  port: number;
  host: string;
  /** The vantage this process's agent runs as (default: the config's first, or vantage/local). */
  vantage?: string;
  /** Demo only: seed and timing of the chaos plan, whether to run chaos at all, and (tests) faster checks. */
  demo?: {
    seed?: number;
    chaos?: boolean;
    plan?: Partial<ChaosPlanOptions>;
    checkIntervalMs?: number;
    /** The demo's older world: plain HTTP by address, every fault a quick 503 (demo-world.ts `simple`). */
    simple?: boolean;
  };
  /** The localizer's round (default: from the check intervals). */
  roundMs?: number;
  /** `nats://...` for hub replicas and remote agents (default EPICENTER_BUS_URL); the in-process bus without. */
  busUrl?: string;
  /** Names this replica (default: random); its consumer group on a durable bus is `hub-<id>`. */
  replicaId?: string;
  /**
   * The environment: `${VAR}` references in the config, EPICENTER_DATABASE_URL, EPICENTER_BUS_URL,
   * EPICENTER_INGEST_BACKLOG (default: none; the CLI passes the process's).
   */
  env?: Env;
  /** The resolver POST /api/v1/discover asks (default the system's; tests pass a table). */
  discoveryDns?: DnsLookup;
  /** Terminal lines: what happens (incidents, chaos, reloads). */
  log: (line: string) => void;
  /** Trouble the hub survives. */
  warn: (line: string) => void;
}

export interface HubProcess {
  url: string;
  hub: ReplicatedHub;
  store: Store;
  world: DemoWorld | null;
  /** The admin token made on the first start (shown once), else null. */
  firstToken: string | null;
  anonymousRead: boolean;
  /** memory (embedded) or nats (replicas and remote agents). */
  bus: "memory" | "nats";
  /** Reloads the config file (debounced with its file changes; serve calls it on SIGHUP); without one, nothing. */
  reload(why: string): void;
  stop(): Promise<void>;
}

/** The model a config describes: the hub runs it, the local agent checks it. */
function hubModel(config: Config): HubModel {
  return {
    components: config.model.components,
    vantages: config.vantages.length > 0 ? config.vantages : [LOCAL_VANTAGE],
    checks: config.checks,
    users: config.server.users,
    maintenance: config.maintenance,
    groups: config.groups,
  };
}

/** Each component's tags, per components() array (the hub hands out the same one until a reload). */
const tagIndexes = new WeakMap<ComponentSpec[], Map<string, string[]>>();
function componentTagIndex(components: ComponentSpec[]): Map<string, string[]> {
  let index = tagIndexes.get(components);
  if (!index) {
    index = new Map(components.flatMap((c) => (c.tags ? [[c.id, c.tags] as const] : [])));
    tagIndexes.set(components, index);
  }
  return index;
}

export async function startHubProcess(options: HubProcessOptions): Promise<HubProcess> {
  const { log, warn } = options;
  const env = options.env ?? {};
  const config = options.configFile ? loadConfigFile(options.configFile, { env }) : null;
  const world = config
    ? null
    : await startDemoWorld({
        ...(options.demo?.seed ? { seed: options.demo.seed } : {}),
        ...(options.demo?.simple ? { simple: true } : {}),
      });
  const cleanup: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (error) {
        warn(`while stopping: ${(error as Error).message}`);
      }
    }
  };
  try {
    if (world) cleanup.push(() => world.close());
    const model: HubModel = config
      ? hubModel(config)
      : {
          components: world!.components,
          vantages: world!.vantages.map((v) => v.id),
          checks: options.demo?.checkIntervalMs
            ? world!.checks.map((c) => ({ ...c, intervalMs: options.demo!.checkIntervalMs! }))
            : world!.checks,
        };
    const anonymousRead = config ? config.server.anonymousRead : true;

    const store = await openStore({
      dataDir: options.dataDir,
      env,
      ...(config ? { retention: config.retention } : {}),
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    });
    cleanup.push(() => store.close());
    let firstToken: string | null = null;
    if ((await store.listTokens()).length === 0) {
      const made = await createToken(store, { name: "first admin", role: "admin", now: Date.now() });
      firstToken = made.secret;
    }

    const notifier = new Notifier({
      channels: createChannels(config?.notifications ?? []),
      log: store,
      componentTags: (id) => componentTagIndex(hub.components()).get(id),
      onStoreError: (e) => warn(`notifier could not record a delivery: ${(e as Error).message}`),
    });
    cleanup.push(async () => {
      if (!(await notifier.drain(5000))) warn("some notifications were still being sent at shutdown");
    });

    // The status page's subscribers: links in their messages name the public URL, else where this hub listens.
    let listening = "";
    const subscriptions = config?.subscriptions
      ? new Subscriptions({
          settings: config.subscriptions,
          store,
          baseUrl: () => config.server.publicUrl ?? listening,
          policy: () => policy ?? DEFAULT_PROBE_POLICY,
          // The status page shows the monitored services only; so do the messages its subscribers get.
          shown: () => new Set(hub.components().flatMap((c) => (c.observed ? [c.id] : []))),
          onStoreError: (e) => warn(`subscriptions could not record a delivery: ${(e as Error).message}`),
        })
      : undefined;
    if (subscriptions)
      cleanup.push(async () => {
        if (!(await subscriptions.drain(5000))) warn("some subscribers were still being told at shutdown");
      });

    const opened = await openBus({ env, ...(options.busUrl ? { url: options.busUrl } : {}) });
    cleanup.push(() => opened.close());
    const bus = opened.bus;
    const replicated = opened.kind === "nats";
    const leaderLock = replicated ? await opened.leaderLock("hub-leader", LEADER_TTL_MS) : undefined;
    const onIncident = (event: LedgerEvent) => {
      log(incidentText(event));
      void notifier.notify(event);
      void subscriptions?.notify(event);
    };
    const hub = new ReplicatedHub({
      store,
      bus,
      model,
      onIncident,
      onMaintenance: ({ type, window: w, at }) => {
        log(`${clock()}  maintenance ${type}: ${w.title} (${w.id})`);
        const notice = {
          type,
          id: w.id,
          title: w.title,
          components: w.components,
          start: w.start,
          end: w.end,
          at,
        };
        void notifier.announce(notice).then((outcomes) => {
          for (const o of outcomes)
            if (!o.delivered) warn(`maintenance notice to ${o.channel} not delivered: ${o.detail}`);
        });
      },
      onWarning: warn,
      ...(options.roundMs ? { roundMs: options.roundMs } : {}),
      ...ingestBacklog(env.EPICENTER_INGEST_BACKLOG),
      ...(leaderLock ? { leaderLock } : {}),
      ...(options.replicaId ? { replicaId: options.replicaId } : {}),
      onLeadership: (leading) => {
        log(
          `${clock()}  ${leading ? "this replica now leads: it stores incidents and notifies" : "this replica stopped leading"}`,
        );
        if (leading) {
          void notifier.resume();
          void subscriptions?.resume();
        }
      },
    });
    await hub.start();
    cleanup.push(() => hub.stop());
    if (!leaderLock) {
      void notifier.resume();
      void subscriptions?.resume();
    }
    await assign(opened.assignments, model, config?.probes);

    // Local probes and discovery connect where the config's probes.deny and allow say, as it says now.
    let policy = config?.probes;
    let resolvers = config?.resolvers;
    const discovery = discoveryService({
      policy: () => policy ?? DEFAULT_PROBE_POLICY,
      ...(options.discoveryDns ? { dns: options.discoveryDns } : {}),
    });
    const app = createApp({
      hub,
      auth: { anonymousRead },
      discovery,
      ...(subscriptions ? { subscriptions } : {}),
      // Read at start: a reload that changes it takes effect on the next start.
      ...(config?.server.publicUrl === undefined ? {} : { publicUrl: config.server.publicUrl }),
      // The world map places the config's vantages where it says (the demo's at the regions they stand for).
      vantagePlaces: world
        ? new Map(world.vantages.map((v) => [v.id, v.region ? { region: v.region } : {}]))
        : (config?.vantagePlaces ?? new Map()),
      onUnexpectedError: (e) => warn(String(e)),
    });
    const server = await listen(app, { port: options.port, host: options.host });
    listening = server.url;
    cleanup.push(() => server.close());

    const agents: Agent[] = [];
    // The local agents' HTTP pools, closed after the agents stop (cleanup runs in reverse).
    const http = new HttpAgents();
    cleanup.push(() => http.close());
    // Embedded, the hub runs a local agent; with replicas, agents run elsewhere unless --vantage asks here.
    const runAs: { id: string; localAddress?: string }[] = world
      ? world.vantages.map((v) => ({ id: v.id, localAddress: v.localAddress }))
      : replicated && !options.vantage
        ? []
        : [{ id: options.vantage ?? model.vantages[0]! }];
    for (const v of runAs) {
      const agent = startAgent({
        vantage: v.id,
        ...(v.localAddress ? { localAddress: v.localAddress } : {}),
        checks: model.checks,
        runner: (check, ctx) => {
          const nameServer = nameServerFor(resolvers, v.id);
          return runCheck(check, {
            ...ctx,
            http,
            ...(policy ? { policy } : {}),
            ...(nameServer ? { nameServer } : {}),
            // The demo's names resolve through its own name server; its certificates come from its CA.
            ...world?.probeContext(),
          });
        },
        ...(config && config.anchors.length > 0 ? { anchors: config.anchors } : {}),
        publish: (batch) => hub.ingest(batch),
      });
      agents.push(agent);
    }
    cleanup.push(async () => {
      await Promise.all(agents.map((a) => a.stop(3000)));
    });

    let chaos: Chaos | null = null;
    if (world && options.demo?.chaos !== false) {
      chaos = startChaos(world, {
        ...options.demo?.plan,
        ...(options.demo?.seed ? { seed: options.demo.seed } : {}),
        onChange: (e) => log(`${clock()}  ${e.line}`),
      });
      cleanup.push(() => chaos?.stop());
    }

    let watch: ConfigWatch | null = null;
    if (options.configFile && config) {
      const file = options.configFile;
      let running = config;
      watch = watchConfig(file, (why) => {
        const refuse = (message: string) => {
          hub.rejectConfig(message);
          warn(`${clock()}  config not reloaded (${why}); the running one stays:\n${message}`);
        };
        let next: Config;
        try {
          next = loadConfigFile(file, { env });
        } catch (error) {
          refuse(error instanceof SourceError ? error.message : String(error));
          return;
        }
        const refusal = reloadRefusal(running, next);
        if (refusal) {
          refuse(refusal);
          return;
        }
        running = next;
        policy = next.probes;
        resolvers = next.resolvers;
        const nextModel = hubModel(next);
        void hub
          .reload(nextModel)
          // The hub runs the new model before it records it; a store failing then must not stop the rest.
          .catch((e: Error) => warn(`${clock()}  config reload (${why}): not all recorded: ${e.message}`))
          .then(async () => {
            const ended = await revokeRemovedSessions(store, nextModel.users ?? [], Date.now()).catch((e) => {
              warn(`${clock()}  sessions of removed users not revoked: ${(e as Error).message}`);
              return 0;
            });
            if (ended > 0) log(`${clock()}  ${ended} session(s) of users no longer in server.users revoked`);
            for (const a of agents) a.setChecks(nextModel.checks);
            await assign(opened.assignments, nextModel, next.probes);
            log(`${clock()}  config reloaded (${why}): ${describe(nextModel)}`);
          })
          .catch((e: Error) => warn(`${clock()}  config reload (${why}) did not complete: ${e.message}`));
      });
      cleanup.push(() => watch?.stop());
    }

    return {
      url: server.url,
      hub,
      store,
      world,
      firstToken,
      anonymousRead,
      bus: opened.kind,
      reload: (why) => watch?.reload(why),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A leader that stops renewing is replaced within this (plus a tick): the issue asks for under 10 s. */
const LEADER_TTL_MS = 6000;

/**
 * EPICENTER_INGEST_BACKLOG: the back-pressure bound (ReplicatedHubOptions.maxIngestBacklog), for a hub whose
 * memory is tighter than the default assumes (and for tests that must see the bound reached).
 */
function ingestBacklog(value: string | undefined): { maxIngestBacklog?: number } {
  if (value === undefined || value === "") return {};
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(
      `EPICENTER_INGEST_BACKLOG must be a positive integer (observations), not "${value}"`,
    );
  return { maxIngestBacklog: n };
}

/** Tells each vantage's agents what to check (remote agents watch this; config changes reach them at once). */
async function assign(
  assignments: AssignmentStore,
  model: HubModel,
  probes: ProbePolicy | undefined,
): Promise<void> {
  await Promise.all(
    model.vantages.map((v) =>
      assignments.put(v, { checks: checksForVantage(model.checks, v), ...(probes ? { probes } : {}) }),
    ),
  );
}

export function describe(model: HubModel): string {
  const observed = model.components.filter((c) => c.observed).length;
  return `${observed} monitored of ${model.components.length} components, ${model.checks.length} checks, vantages ${model.vantages.join(", ")}`;
}

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

function incidentText(event: LedgerEvent): string {
  return incidentLine(event, Date.now());
}
