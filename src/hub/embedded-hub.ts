/**
 * The hub: observations in (from agents, through `ingest`), committed to the store before they are
 * acknowledged, then through the bus to the localizer, whose incidents are stored, announced to live-stream
 * subscribers and handed to `onIncident` (the notifier, the terminal). Owns time: a ticker closes localizer
 * rounds, folds rollups and applies retention.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Bus, LeaderLock, Subscription } from "../bus/bus.js";
import { SuspectedDependencies, type SuspectedDependency } from "../localize/suspected-dependencies.js";
import { pairsFromEvidence } from "../localize/suspected-evidence.js";
import { compileGraph, type Graph } from "../model/graph.js";
import type { ComponentSpec } from "../model/model-types.js";
import type { Observation } from "../model/observation.js";
import { redactCheck } from "../probe/check-redaction.js";
import type { Check, HeartbeatCheck } from "../probe/check-types.js";
import type {
  IncidentQuery,
  ObservationQuery,
  Rollup,
  RollupQuery,
  Store,
  StoredIncident,
} from "../store/store.js";
import { summarizeImpact, WhatIf } from "../whatif/what-if.js";
import {
  type ComponentState,
  type Hub,
  type HubEvent,
  HubInputError,
  type HubTokens,
  type HubUser,
  type WhatIfAnswer,
} from "./hub-api.js";
import { HubBusyError } from "./hub-busy-error.js";
import { HubMetrics } from "./hub-metrics.js";
import { IncidentLedger, type LedgerEvent } from "./incident-ledger.js";
import { mergeIncidents } from "./incident-view.js";
import { LastFailures } from "./last-failures.js";
import { LiveRounds } from "./live-rounds.js";
import { refuseObservations, throwIfRefused } from "./observation-admission.js";
import { SuspectedLedger } from "./suspected-ledger.js";

/** How often a standby re-reads the incidents the leader stored. */
const FOLLOW_MS = 2000;

/** The vantage heartbeat observations are made from: the hub itself receives the beats. */
export const HUB_VANTAGE = "hub";

export interface HubModel {
  components: ComponentSpec[];
  vantages: string[];
  checks: Check[];
  /** Who may log in with a password (the config's `server.users`); none when absent. */
  users?: HubUser[];
}

export interface EmbeddedHubOptions {
  store: Store;
  bus: Bus;
  model: HubModel;
  clock?: () => number;
  /** Localizer round; default: the most common check interval, within 5 s .. 60 s. */
  roundMs?: number;
  /** How long after a round's end its late observations are still counted (default 2 s). */
  graceMs?: number;
  /** How often the ticker runs (default 1 s). */
  tickMs?: number;
  /** How long an incident left open by a previous run waits for its successor (default 6 rounds). */
  adoptWithinMs?: number;
  /** Called after each incident event is stored, in order. */
  onIncident?: (event: LedgerEvent) => void | Promise<void>;
  /** Reports trouble the hub survives (a failed rollup, a failed publish). */
  onWarning?: (message: string) => void;
  /**
   * Hub replicas sharing a durable bus and a store: only the holder of this lock stores incidents and calls
   * `onIncident`; every replica ingests, serves and runs its localizer (so a standby is warm). Absent: this
   * hub always leads.
   */
  leaderLock?: LeaderLock;
  /** Names this replica's own consumer group on a durable bus (default: random). */
  replicaId?: string;
  /** Told when this replica starts or stops leading. */
  onLeadership?: (leading: boolean) => void;
  /**
   * Back-pressure: `ingest` refuses a batch (HubBusyError: the API's 503 with Retry-After) while more than
   * this many observations are on their way to the store or bus, or wait for this replica's localizer
   * (default 50,000: about a quarter second of PostgreSQL's insert rate, a few tens of MB).
   */
  maxIngestBacklog?: number;
  /** Measurement hook: told when the localizer takes a batch (`at` = the hub's clock then). */
  onTaken?: (batch: Observation[], at: number) => void;
}

/** See EmbeddedHubOptions.maxIngestBacklog. */
export const DEFAULT_INGEST_BACKLOG = 50_000;

interface Latest {
  status: Observation["status"];
  at: number;
  errorClass: string | null;
}

export class EmbeddedHub implements Hub {
  readonly store: Store;
  readonly tokens: HubTokens;
  readonly metricsRegistry = new HubMetrics();
  readonly #bus: Bus;
  readonly #clock: () => number;
  readonly #options: EmbeddedHubOptions;
  readonly #ledger = new IncidentLedger(
    (openedAt) =>
      `inc-${new Date(openedAt).toISOString().slice(0, 19).replace(/[-:T]/g, "")}-${randomBytes(3).toString("hex")}`,
  );
  readonly #listeners = new Set<(event: HubEvent) => void>();
  /** component → vantage → latest result. */
  readonly #latest = new Map<string, Map<string, Latest>>();
  readonly #beats = new Map<string, number>();
  readonly #failures = new LastFailures();
  /** Suspected dependencies of every run (kept in the store); `#suspectedRun` is the current run's. */
  readonly #suspected = new SuspectedLedger();
  #suspectedRun: SuspectedDependencies | null = null;
  #model!: HubModel;
  #graph!: Graph;
  #whatIf!: WhatIf;
  #rounds!: LiveRounds;
  #roundMs = 10_000;
  #subscriptions: Subscription[] = [];
  /** The group feeding this replica's localizer (its backlog counts toward back-pressure). */
  #localizer: Subscription | null = null;
  /** Observations inside `ingest`, not yet committed to the store or bus. */
  #ingesting = 0;
  #leading: boolean;
  #lastRenew = 0;
  readonly #replicaId: string;
  #ticker: ReturnType<typeof setInterval> | null = null;
  #startedAt = 0;
  #lastRollup = 0;
  #lastRetention = 0;
  #lastHeartbeatRound = 0;
  /** Incident saves and announcements run one after another, in event order. */
  #chain: Promise<void> = Promise.resolve();
  #stateSignature = new Map<string, string>();
  /** Copies queued for the store and not saved yet, by id: what the API reads until the store has them. */
  readonly #unsaved = new Map<string, StoredIncident>();

  constructor(options: EmbeddedHubOptions) {
    this.store = options.store;
    this.tokens = options.store;
    this.#bus = options.bus;
    this.#clock = options.clock ?? Date.now;
    this.#options = options;
    this.#leading = options.leaderLock === undefined;
    this.#replicaId = options.replicaId ?? randomBytes(4).toString("hex");
  }

  /** Whether this replica stores incidents and notifies (always, without a leader lock). */
  get leading(): boolean {
    return this.#leading;
  }

  /** Loads what a previous run left (open incidents, heartbeats), starts consuming and ticking. */
  async start(): Promise<void> {
    const now = this.#clock();
    this.#startedAt = now;
    this.#lastRollup = now;
    this.#lastRetention = now;
    for (const [check, at] of await this.store.lastHeartbeats()) this.#beats.set(check, at);
    // A replica waiting for the leader lock takes the stored open incidents over when it wins it (#lead).
    const open = this.#leading ? await this.store.listIncidents({ open: true, limit: 1000 }) : [];
    if (this.#leading) this.#suspected.load(await this.store.listSuspectedEvidence());
    this.#install(this.#options.model, open, now);
    if (this.#leading) await this.#saveSnapshot(now);
    const take = async (batch: Observation[]) => this.#take(batch);
    if (this.#bus.durable) {
      // Agents publish straight to a durable bus: one shared group stores (each observation once, by
      // whichever replica takes it); each replica's own group feeds its localizer and states with everything.
      this.#localizer = this.#bus.consume(`hub-${this.#replicaId}`, take, {
        startAt: now - 3 * this.#roundMs,
        inactiveMs: 10 * 60_000,
      });
      this.#subscriptions.push(
        this.#bus.consume("store", async (batch) => {
          await this.store.insertObservations(batch);
          this.metricsRegistry.observationsIngested.inc(batch.length);
        }),
        this.#localizer,
      );
    } else {
      this.#localizer = this.#bus.consume("localizer", take);
      this.#subscriptions.push(this.#localizer);
    }
    // Seek the lock now, so a lone replica leads from its first moment rather than its first tick.
    await this.#lead(now);
    const tickMs = this.#options.tickMs ?? 1000;
    this.#ticker = setInterval(() => void this.tick(), tickMs);
    this.#ticker.unref?.();
  }

  /** Stops ticking and consuming, and waits for pending incident saves. */
  async stop(): Promise<void> {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
    await Promise.all(this.#subscriptions.map((s) => s.unsubscribe()));
    this.#subscriptions = [];
    // What the localizer learned since the last round is kept too (nothing accepted is lost).
    if (this.#leading) this.#syncSuspected(this.#clock());
    await this.#chain;
    if (this.#leading && this.#options.leaderLock) await this.#options.leaderLock.release().catch(() => {});
  }

  /**
   * Runs a new model (config reload). Incidents stay: open ones are adopted by the new localizer when it
   * names the same epicenter. Observations keep flowing; the localizer's evidence starts afresh.
   */
  async reload(model: HubModel): Promise<void> {
    const now = this.#clock();
    await this.#chain;
    this.#install(model, this.#ledger.open, now);
    if (this.#leading) await this.#saveSnapshot(now);
    this.#emit({
      type: "config",
      action: "reloaded",
      message: `${model.components.length} components, ${model.checks.length} checks`,
    });
  }

  /** Tells live subscribers that a new config was refused (the old one keeps running). */
  rejectConfig(message: string): void {
    this.metricsRegistry.configReloads.inc({ outcome: "rejected" });
    this.#emit({ type: "config", action: "rejected", message });
  }

  get roundMs(): number {
    return this.#roundMs;
  }

  components(): ComponentSpec[] {
    return this.#model.components;
  }

  checks(): Check[] {
    return this.#model.checks;
  }

  users(): HubUser[] {
    return this.#model.users ?? [];
  }

  vantages(): string[] {
    return this.#localizerVantages(this.#model);
  }

  async ingest(observations: Observation[]): Promise<void> {
    throwIfRefused(
      refuseObservations(observations, {
        vantages: new Set(this.vantages()),
        components: this.#graph.index,
        now: this.#clock(),
      }),
    );
    this.#admit(observations.length);
    this.#ingesting += observations.length;
    try {
      if (this.#bus.durable) {
        // Durable once the bus has them; the shared "store" group writes them.
        await this.#bus.publish(observations);
        return;
      }
      await this.store.insertObservations(observations);
    } finally {
      this.#ingesting -= observations.length;
    }
    this.metricsRegistry.observationsIngested.inc(observations.length);
    try {
      await this.#bus.publish(observations);
    } catch (error) {
      // Committed already: the store has them; only this evaluation misses them.
      this.#options.onWarning?.(`bus publish failed: ${(error as Error).message}`);
    }
  }

  /**
   * Refuses a batch while the backlog is over the bound: observations being committed, plus those waiting
   * for the localizer on the in-process bus (a durable bus's backlog waits on the NATS server's disk, and
   * its consumers take at most max_ack_pending at a time). A lone batch larger than the bound still passes.
   */
  #admit(size: number): void {
    const bound = this.#options.maxIngestBacklog ?? DEFAULT_INGEST_BACKLOG;
    const waiting = this.#ingesting + (this.#bus.durable ? 0 : (this.#localizer?.pending ?? 0));
    if (waiting === 0 || waiting + size <= bound) return;
    this.metricsRegistry.observationsRefused.inc(size);
    throw new HubBusyError(
      `the hub is busy: ${waiting} observations are still being taken in (at most ${bound}); retry shortly`,
    );
  }

  /** What every replica does with every observation: latest states, and its localizer's rounds. */
  async #take(batch: Observation[]): Promise<void> {
    this.#options.onTaken?.(batch, this.#clock());
    const m = this.metricsRegistry;
    for (const o of batch) {
      m.checksRun.inc({ vantage: o.vantage, status: o.status });
      let byVantage = this.#latest.get(o.component);
      if (!byVantage) {
        byVantage = new Map();
        this.#latest.set(o.component, byVantage);
      }
      const prev = byVantage.get(o.vantage);
      if (!prev || prev.at <= o.at)
        byVantage.set(o.vantage, { status: o.status, at: o.at, errorClass: o.errorClass });
      this.#failures.add(o);
      if (!this.#rounds.add(o)) m.observationsIgnored.inc();
    }
  }

  async heartbeat(token: string, at: number): Promise<boolean> {
    const check = this.#model.checks.find(
      (c): c is HeartbeatCheck => c.type === "heartbeat" && c.token === token,
    );
    if (!check) return false;
    await this.store.recordHeartbeat(check.id, at);
    this.#beats.set(check.id, at);
    return true;
  }

  whatIf(failed: string[]): WhatIfAnswer {
    const indices = failed.map((id, i) => {
      const c = this.#graph.index.get(id);
      if (c === undefined)
        throw new HubInputError("E_UNKNOWN_COMPONENT", `unknown component "${id}"`, `failed[${i}]`);
      return c;
    });
    const summary = summarizeImpact(this.#graph, this.#whatIf.run(indices));
    return {
      failed: summary.failed,
      down: summary.down,
      degraded: summary.degraded,
      observedHit: summary.entries.filter((e) => e.observed).map((e) => e.id),
    };
  }

  async acknowledge(incidentId: string, by: string): Promise<StoredIncident | null> {
    const now = this.#clock();
    await this.#chain;
    // An open incident of this hub's is saved whole (it holds the acknowledgement now); any other is
    // acknowledged in the store.
    const live = this.#ledger.acknowledge(incidentId, by, now);
    if (live) await this.store.saveIncident(live);
    const stored = live ?? (await this.store.acknowledgeIncident(incidentId, by, now));
    // A standby's copy of the leader's incident shows the acknowledgement at once, not at the next read.
    const mirrored = stored && this.#mirror.findIndex((i) => i.id === stored.id);
    if (stored && mirrored !== null && mirrored >= 0) this.#mirror[mirrored] = stored;
    if (stored) this.#emit({ type: "incident", action: "acknowledged", incident: stored });
    return stored;
  }

  states(): ComponentState[] {
    const failing = new Map<string, string>();
    const affected = new Map<string, string>();
    for (const inc of this.openIncidents) {
      const top = inc.epicenter[0]?.component;
      if (top && !failing.has(top)) failing.set(top, inc.id);
      for (const a of inc.affected) if (!affected.has(a)) affected.set(a, inc.id);
    }
    const out: ComponentState[] = [];
    for (const c of this.#model.components) {
      const byVantage = this.#latest.get(c.id);
      if (!c.observed && !failing.has(c.id) && !affected.has(c.id)) continue;
      const observed = [...(byVantage ?? [])]
        .map(([vantage, l]) => ({ vantage, status: l.status, at: l.at, errorClass: l.errorClass }))
        .sort((a, b) => (a.vantage < b.vantage ? -1 : 1));
      const incidentId = failing.get(c.id) ?? affected.get(c.id) ?? null;
      out.push({
        component: c.id,
        observed,
        belief: failing.has(c.id) ? "failing" : affected.has(c.id) ? "affected" : "up",
        incidentId,
      });
    }
    return out;
  }

  async incidents(query: IncidentQuery = {}): Promise<StoredIncident[]> {
    const live = this.#live();
    const stored = await this.store.listIncidents({ ...query, limit: (query.limit ?? 100) + live.length });
    return mergeIncidents(stored, live, query);
  }

  async incident(id: string): Promise<StoredIncident | null> {
    return this.#live().find((i) => i.id === id) ?? (await this.store.getIncident(id));
  }

  /** What the hub holds of incidents beyond the store: copies not saved yet, under the open ones as now. */
  #live(): StoredIncident[] {
    const live = new Map(this.#unsaved);
    for (const inc of this.openIncidents) live.set(inc.id, inc);
    return [...live.values()];
  }

  observations(query: ObservationQuery): Promise<Observation[]> {
    return this.store.queryObservations(query);
  }

  storedObservations(batch: readonly Observation[]): Promise<boolean[]> {
    return this.store.storedObservations(batch);
  }

  rollups(query: RollupQuery): Promise<Rollup[]> {
    return this.store.queryRollups(query);
  }

  lastFailures(component: string): Observation[] {
    return this.#failures.of(component);
  }

  /**
   * Dependencies the model probably lacks, learned from every incident so far, best score first: the
   * leader's own (this run's evidence included), a standby's as the leader stored them.
   */
  async suspectedDependencies(): Promise<SuspectedDependency[]> {
    if (!this.#leading) return pairsFromEvidence(await this.store.listSuspectedEvidence());
    if (this.#suspectedRun)
      this.#suspected.take(this.#suspectedRun.evidence(), (id) => this.#ledger.storedId(id));
    return this.#suspected.list();
  }

  subscribe(listener: (event: HubEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** How many live-stream subscriptions are held now. */
  get subscribers(): number {
    return this.#listeners.size;
  }

  async metrics(): Promise<string> {
    this.metricsRegistry.incidentsOpen.set(this.openIncidents.length);
    return this.metricsRegistry.registry.metrics();
  }

  get openIncidents(): StoredIncident[] {
    // A standby's own incidents are drafts under local ids; what counts is what the leader stored.
    return this.#leading ? this.#ledger.open : this.#mirror.filter((i) => i.resolvedAt === null);
  }

  /** One beat of the hub's clock: heartbeats judged, rounds closed, incidents stored, rollups folded. */
  async tick(): Promise<void> {
    const now = this.#clock();
    await this.#lead(now);
    if (this.#leading) await this.#judgeHeartbeats(now);
    const timer = this.metricsRegistry.localizerSeconds.startTimer();
    const events: LedgerEvent[] = [];
    this.#pendingEvents = events;
    const closed = this.#rounds.tick(now);
    this.#pendingEvents = null;
    if (closed > 0) timer();
    if (!this.#leading) await this.#follow(now);
    if (this.#leading) {
      events.push(...this.#ledger.expire(now));
      if (events.length > 0) this.#record(events);
      if (closed > 0) this.#syncSuspected(now);
    }
    if (closed > 0) this.#emitStates();
    if (this.#leading && now - this.#lastRollup >= 60_000) {
      const from = this.#lastRollup - 120_000;
      this.#lastRollup = now;
      await this.store
        .rollup(from, now)
        .catch((e: Error) => this.#options.onWarning?.(`rollup failed: ${e.message}`));
    }
    if (this.#leading && now - this.#lastRetention >= 3_600_000) {
      this.#lastRetention = now;
      await this.store
        .applyRetention(now)
        .catch((e: Error) => this.#options.onWarning?.(`retention failed: ${e.message}`));
    }
    await this.#chain;
  }

  #pendingEvents: LedgerEvent[] | null = null;
  /** A standby's copy of the incidents the leader stored (recent first), refreshed every few seconds. */
  #mirror: StoredIncident[] = [];
  #lastFollow = 0;

  /**
   * A standby follows the leader through the store: its live stream announces the incidents the leader
   * stores, and its states name them by their stored ids, so clients behind a load balancer see one story.
   */
  async #follow(now: number): Promise<void> {
    if (now - this.#lastFollow < FOLLOW_MS) return;
    this.#lastFollow = now;
    let latest: StoredIncident[];
    try {
      latest = await this.store.listIncidents({ limit: 200 });
    } catch (error) {
      this.#options.onWarning?.(`could not read incidents: ${(error as Error).message}`);
      return;
    }
    const before = new Map(this.#mirror.map((i) => [i.id, i]));
    // The first read is the starting point, not news.
    const first = !this.#lastFollowed;
    this.#lastFollowed = true;
    this.#mirror = latest;
    if (first) return;
    for (const inc of latest) {
      const old = before.get(inc.id);
      if (old && old.updatedAt === inc.updatedAt) continue;
      const resolvedNow = inc.resolvedAt !== null && (!old || old.resolvedAt === null);
      const action = resolvedNow ? "resolved" : old ? "changed" : "opened";
      this.#emit({ type: "incident", action, incident: inc });
    }
  }

  #lastFollowed = false;

  /** Keeps or seeks the leader lock; on winning it, takes over the stored open incidents. */
  async #lead(now: number): Promise<void> {
    const lock = this.#options.leaderLock;
    if (!lock) return;
    try {
      if (this.#leading) {
        if (now - this.#lastRenew < lock.ttlMs / 3) return;
        this.#lastRenew = now;
        if (await lock.renew()) return;
        this.#leading = false;
        this.#options.onWarning?.("lost the leader lock: another replica leads now");
        this.#options.onLeadership?.(false);
        return;
      }
      if (!(await lock.tryAcquire())) return;
    } catch (error) {
      this.#options.onWarning?.(`leader lock: ${(error as Error).message}`);
      return;
    }
    this.#lastRenew = now;
    await this.#chain;
    const open = await this.store.listIncidents({ open: true, limit: 1000 });
    const events = this.#ledger.takeOver(open, now + (this.#options.adoptWithinMs ?? 6 * this.#roundMs), now);
    try {
      this.#suspected.load(await this.store.listSuspectedEvidence());
    } catch (error) {
      this.#options.onWarning?.(`could not read suspected dependencies: ${(error as Error).message}`);
    }
    this.#leading = true;
    this.#lastHeartbeatRound = now;
    await this.#saveSnapshot(now);
    this.#options.onLeadership?.(true);
    if (events.length > 0) this.#record(events);
  }

  #install(model: HubModel, open: StoredIncident[], now: number): void {
    // The run ending (a reload) hands over what it learned while its incident ids still map.
    if (this.#suspectedRun && this.#leading) this.#syncSuspected(now);
    this.#suspectedRun = new SuspectedDependencies();
    this.#model = model;
    this.#failures.keepOnly(new Set(model.components.map((c) => c.id)));
    this.#graph = compileGraph({ components: model.components }, { includeHidden: false });
    this.#whatIf = new WhatIf(this.#graph);
    this.#roundMs = this.#options.roundMs ?? defaultRound(model.checks);
    const vantages = this.#localizerVantages(model);
    this.#rounds = new LiveRounds(
      { graph: this.#graph, vantages },
      {
        roundMs: this.#roundMs,
        graceMs: this.#options.graceMs ?? 2000,
        // Live checks are spread over the round: see TrackerOptions.changeAfter.
        localizer: { tracker: { changeAfter: 2, suspected: this.#suspectedRun } },
        onEvent: (event) => {
          const ledgerEvent = this.#ledger.apply(event, this.#clock());
          this.#pendingEvents?.push(ledgerEvent);
        },
      },
    );
    this.#ledger.begin(open, now + (this.#options.adoptWithinMs ?? 6 * this.#roundMs));
  }

  #localizerVantages(model: HubModel): string[] {
    return model.checks.some((c) => c.type === "heartbeat")
      ? [...model.vantages, HUB_VANTAGE]
      : model.vantages;
  }

  #record(events: LedgerEvent[]): void {
    for (const e of events) this.metricsRegistry.incidentEvents.inc({ type: e.type });
    const copies = events.map((e) => ({ type: e.type, incident: structuredClone(e.incident) }));
    for (const e of copies) this.#unsaved.set(e.incident.id, e.incident);
    this.#chain = this.#chain.then(async () => {
      for (const e of copies) {
        try {
          await this.store.saveIncident(e.incident);
          this.#saved(e.incident);
        } catch (error) {
          this.#options.onWarning?.(`could not store incident ${e.incident.id}: ${(error as Error).message}`);
        }
        this.#emit({ type: "incident", action: e.type, incident: e.incident });
        try {
          await this.#options.onIncident?.(e);
        } catch (error) {
          this.#options.onWarning?.(`incident listener failed: ${(error as Error).message}`);
        }
      }
    });
  }

  /**
   * Saves what the localizer learned of suspected dependencies: incidents that came to suspect more components
   * (announced as changed to live subscribers, not to `onIncident`: nothing to notify), then the evidence.
   * Queued after the incidents' own saves, so evidence never names an incident the store does not have.
   */
  #syncSuspected(now: number): void {
    const run = this.#suspectedRun;
    if (!run) return;
    const grown = this.#ledger
      .suspectedGrown(this.#rounds.localizer.incidents, now)
      .map((i) => structuredClone(i));
    this.#suspected.take(run.evidence(), (id) => this.#ledger.storedId(id));
    const rows = this.#suspected.drain();
    if (grown.length === 0 && rows.length === 0) return;
    for (const incident of grown) this.#unsaved.set(incident.id, incident);
    this.#chain = this.#chain.then(async () => {
      for (const incident of grown) {
        try {
          await this.store.saveIncident(incident);
          this.#saved(incident);
        } catch (error) {
          this.#options.onWarning?.(`could not store incident ${incident.id}: ${(error as Error).message}`);
        }
        this.#emit({ type: "incident", action: "changed", incident });
      }
      if (rows.length === 0) return;
      try {
        await this.store.saveSuspectedEvidence(rows);
      } catch (error) {
        this.#suspected.unsaved(rows);
        this.#options.onWarning?.(`could not store suspected dependencies: ${(error as Error).message}`);
      }
    });
  }

  /** Heartbeat checks become observations from the hub's own vantage once per round. */
  async #judgeHeartbeats(now: number): Promise<void> {
    if (now - this.#lastHeartbeatRound < this.#roundMs) return;
    this.#lastHeartbeatRound = now;
    // Replicas behind one address share the beats: one may arrive at a standby, which stores it.
    if (this.#options.leaderLock) {
      try {
        for (const [check, at] of await this.store.lastHeartbeats())
          if (at > (this.#beats.get(check) ?? Number.NEGATIVE_INFINITY)) this.#beats.set(check, at);
      } catch (error) {
        this.#options.onWarning?.(`could not read heartbeats: ${(error as Error).message}`);
      }
    }
    const batch: Observation[] = [];
    for (const check of this.#model.checks) {
      if (check.type !== "heartbeat") continue;
      const last = this.#beats.get(check.id) ?? this.#startedAt;
      const late = now - last > check.intervalMs + check.graceMs;
      batch.push({
        id: `${HUB_VANTAGE}:${check.id}:${now}`,
        at: now,
        vantage: HUB_VANTAGE,
        component: check.component,
        check: check.id,
        status: late ? "down" : "up",
        latencyMs: null,
        errorClass: late ? "missed" : null,
        ...(late ? { message: `no beat for ${Math.round((now - last) / 1000)} s` } : {}),
      });
    }
    if (batch.length > 0)
      await this.ingest(batch).catch((e: Error) => this.#options.onWarning?.(`heartbeats: ${e.message}`));
  }

  /** The store has this copy now; one it refused stays the hub's answer until a later copy is saved. */
  #saved(copy: StoredIncident): void {
    if (this.#unsaved.get(copy.id) === copy) this.#unsaved.delete(copy.id);
  }

  #emit(event: HubEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // A failing subscriber (a closed stream) must not stop the others.
      }
    }
  }

  /** Announces the components whose state changed since the last announcement. */
  #emitStates(): void {
    if (this.#listeners.size === 0) return;
    const changed: ComponentState[] = [];
    for (const s of this.states()) {
      const sig = `${s.belief}|${s.incidentId}|${s.observed.map((o) => `${o.vantage}=${o.status}`).join(",")}`;
      if (this.#stateSignature.get(s.component) === sig) continue;
      this.#stateSignature.set(s.component, sig);
      changed.push(s);
    }
    if (changed.length > 0) this.#emit({ type: "state", states: changed });
  }

  async #saveSnapshot(now: number): Promise<void> {
    const json = JSON.stringify(this.#model.components);
    const hash = createHash("sha256").update(json).digest("hex").slice(0, 16);
    await this.store.saveModelSnapshot(hash, this.#model.components, now);
    await this.store.replaceChecks(
      this.#model.checks.map((c) => ({
        id: c.id,
        component: c.component,
        type: c.type,
        // Secrets stay in the config: the table is read by people and tools, never to run a check.
        spec: redactCheck(c),
        updatedAt: now,
      })),
    );
  }
}

/** The most common check interval, clamped to 5 s .. 60 s: one round per check run. */
export function defaultRound(checks: Check[]): number {
  const counts = new Map<number, number>();
  for (const c of checks)
    if (c.type !== "heartbeat") counts.set(c.intervalMs, (counts.get(c.intervalMs) ?? 0) + 1);
  let best = 30_000;
  let most = 0;
  for (const [interval, n] of counts)
    if (n > most || (n === most && interval < best)) [best, most] = [interval, n];
  return Math.min(60_000, Math.max(5_000, best));
}
