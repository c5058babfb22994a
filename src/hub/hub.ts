/**
 * The hub, one replica of one or more: observations in (from agents, through `ingest`), committed before
 * they are acknowledged, then through the bus to every replica's live states and localizer rounds. The
 * leader (a lone hub always leads) stores the localizer's incidents, announces them and hands them to
 * `onIncident` (the notifier); a standby follows what the leader stored. Owns time: each tick closes rounds,
 * judges heartbeats, folds rollups and applies retention. Composes the parts named in README's layout:
 * the running model (model-run.ts), heartbeat judging (heartbeat-judge.ts), suspected dependencies over runs
 * (suspected-sync.ts), ingest, leadership, the incident ledger and recorder, events, states, upkeep.
 */
import { randomBytes } from "node:crypto";
import type { Subscription } from "../bus/bus.js";
import type { SuspectedDependency } from "../localize/suspected-dependencies.js";
import type { GroupRule } from "../model/group-rule.js";
import type { ComponentSpec } from "../model/model-types.js";
import type { Observation } from "../model/observation.js";
import type { Check } from "../probe/check-types.js";
import type { IncidentUpdateLog } from "../store/incident-update-store.js";
import type {
  IncidentQuery,
  ObservationQuery,
  Rollup,
  RollupQuery,
  Store,
  StoredIncident,
} from "../store/store.js";
import { HeartbeatJudge } from "./heartbeat-judge.js";
import type { ComponentState, Hub, HubEvent, HubTokens, HubUser, WhatIfAnswer } from "./hub-api.js";
import { HubEvents } from "./hub-events.js";
import { HubIngest } from "./hub-ingest.js";
import { HubMetrics } from "./hub-metrics.js";
import type { HubModel, ReplicatedHubOptions } from "./hub-options.js";
import { IncidentFollower } from "./incident-follower.js";
import { IncidentLedger, type LedgerEvent } from "./incident-ledger.js";
import { IncidentRecorder } from "./incident-recorder.js";
import { mergeIncidents } from "./incident-view.js";
import { LastFailures } from "./last-failures.js";
import { Leadership } from "./leadership.js";
import { LiveStates } from "./live-states.js";
import { MaintenanceBook } from "./maintenance-book.js";
import { ModelRun } from "./model-run.js";
import { saveModelSnapshot } from "./model-snapshot.js";
import { StoreUpkeep } from "./store-upkeep.js";
import { SuspectedSync } from "./suspected-sync.js";

export type { HubModel, ReplicatedHubOptions };

export class ReplicatedHub implements Hub {
  readonly #store: Store;
  readonly tokens: HubTokens;
  readonly metricsRegistry = new HubMetrics();
  readonly maintenance: MaintenanceBook;
  readonly incidentUpdates: IncidentUpdateLog;
  readonly #clock: () => number;
  readonly #options: ReplicatedHubOptions;
  readonly #ledger = new IncidentLedger(
    (openedAt) =>
      `inc-${new Date(openedAt).toISOString().slice(0, 19).replace(/[-:T]/g, "")}-${randomBytes(3).toString("hex")}`,
  );
  readonly #events = new HubEvents();
  readonly #ingest: HubIngest;
  readonly #leadership: Leadership;
  readonly #recorder: IncidentRecorder;
  readonly #follower = new IncidentFollower();
  readonly #states = new LiveStates();
  readonly #heartbeats: HeartbeatJudge;
  readonly #failures = new LastFailures();
  readonly #suspected: SuspectedSync;
  /** The model running now, with its graph and live rounds (replaced on reload). */
  #run!: ModelRun;
  #subscriptions: Subscription[] = [];
  readonly #replicaId: string;
  #ticker: ReturnType<typeof setInterval> | null = null;
  readonly #upkeep = new StoreUpkeep();
  /** Where the localizer's events of the tick under way go (null outside a tick's rounds). */
  #pendingEvents: LedgerEvent[] | null = null;

  constructor(options: ReplicatedHubOptions) {
    this.#store = options.store;
    this.tokens = options.store;
    this.incidentUpdates = options.store.incidentUpdates;
    this.#clock = options.clock ?? Date.now;
    this.#options = options;
    this.#replicaId = options.replicaId ?? randomBytes(4).toString("hex");
    const warn = options.onWarning;
    this.maintenance = new MaintenanceBook(
      options.store.maintenances,
      this.#clock,
      () => this.#run.model.maintenance ?? [],
      warn,
    );
    this.#ingest = new HubIngest({
      store: options.store,
      bus: options.bus,
      metrics: this.metricsRegistry,
      ...(options.maxIngestBacklog === undefined ? {} : { maxBacklog: options.maxIngestBacklog }),
      ...(warn ? { onWarning: warn } : {}),
    });
    this.#leadership = new Leadership(options.leaderLock, {
      ...(options.onLeadership ? { onLeadership: options.onLeadership } : {}),
      ...(warn ? { onWarning: warn } : {}),
    });
    this.#recorder = new IncidentRecorder({
      store: options.store,
      events: this.#events,
      metrics: this.metricsRegistry,
      ...(options.onIncident ? { onIncident: this.maintenance.hold(options.onIncident) } : {}),
      ...(warn ? { onWarning: warn } : {}),
    });
    this.#heartbeats = new HeartbeatJudge({
      store: options.store,
      ingest: (batch) => this.ingest(batch),
      ...(warn ? { onWarning: warn } : {}),
    });
    this.#suspected = new SuspectedSync({
      store: options.store,
      ledger: this.#ledger,
      recorder: this.#recorder,
      incidents: () => this.#run.rounds.localizer.incidents,
      ...(warn ? { onWarning: warn } : {}),
    });
  }

  /** Whether this replica stores incidents and notifies (always, without a leader lock). */
  get leading(): boolean {
    return this.#leadership.leading;
  }

  /** Loads what a previous run left (open incidents, heartbeats), starts consuming and ticking. */
  async start(): Promise<void> {
    const now = this.#clock();
    this.#upkeep.start(now);
    await this.#heartbeats.start(now);
    // A replica waiting for the leader lock takes the stored open incidents over when it wins it (#lead).
    const open = this.leading ? await this.#store.listIncidents({ open: true, limit: 1000 }) : [];
    if (this.leading) await this.#suspected.load();
    this.#install(this.#options.model, open, now);
    if (this.leading) await saveModelSnapshot(this.#store, this.#run.model, now);
    this.#subscriptions = this.#ingest.consume(
      async (batch) => this.#take(batch),
      this.#replicaId,
      // A replica's own group starts a few rounds back, to warm its localizer up.
      now - 3 * this.#run.roundMs,
    );
    // Seek the lock now, so a lone replica leads from its first moment rather than its first tick.
    await this.#lead(now);
    const tickMs = this.#options.tickMs ?? 1000;
    // A tick warns of what it survives; anything else must not become an unhandled rejection.
    this.#ticker = setInterval(
      () => void this.tick().catch((e: Error) => this.#options.onWarning?.(`tick failed: ${e.message}`)),
      tickMs,
    );
    this.#ticker.unref?.();
  }

  /** Stops ticking and consuming, and waits for pending incident saves. */
  async stop(): Promise<void> {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
    await Promise.all(this.#subscriptions.map((s) => s.unsubscribe()));
    this.#subscriptions = [];
    // What the localizer learned since the last round is kept too (nothing accepted is lost).
    if (this.leading) this.#suspected.sync(this.#clock());
    await this.#recorder.idle();
    await this.#leadership.release();
  }

  /**
   * Runs a new model (config reload). Incidents stay: open ones are adopted by the new localizer when it
   * names the same epicenter. Observations keep flowing; the localizer's evidence starts afresh.
   */
  async reload(model: HubModel): Promise<void> {
    const now = this.#clock();
    await this.#recorder.idle();
    this.#install(model, this.#ledger.open, now);
    if (this.leading) await saveModelSnapshot(this.#store, this.#run.model, now);
    this.#events.emit({
      type: "config",
      action: "reloaded",
      message: `${model.components.length} components, ${model.checks.length} checks`,
    });
  }

  /** Tells live subscribers that a new config was refused (the old one keeps running). */
  rejectConfig(message: string): void {
    this.metricsRegistry.configReloads.inc({ outcome: "rejected" });
    this.#events.emit({ type: "config", action: "rejected", message });
  }

  get roundMs(): number {
    return this.#run.roundMs;
  }

  components(): ComponentSpec[] {
    return this.#run.model.components;
  }

  checks(): Check[] {
    return this.#run.model.checks;
  }

  users(): HubUser[] {
    return this.#run.model.users ?? [];
  }

  groupRules(): Record<string, GroupRule> {
    return this.#run.model.groups ?? {};
  }

  vantages(): string[] {
    return this.#run.vantages;
  }

  ingest(observations: Observation[]): Promise<void> {
    return this.#ingest.ingest(observations, {
      vantages: new Set(this.vantages()),
      components: this.#run.graph.index,
      now: this.#clock(),
    });
  }

  /** What every replica does with every observation: latest states, and its localizer's rounds. */
  async #take(batch: Observation[]): Promise<void> {
    this.#options.onTaken?.(batch, this.#clock());
    const m = this.metricsRegistry;
    for (const o of batch) {
      m.checksRun.inc({ vantage: o.vantage, status: o.status });
      this.#states.take(o);
      this.#failures.add(o);
      if (!this.#run.rounds.add(o)) m.observationsIgnored.inc();
    }
    // A round that has every answer closes now rather than at the next tick after its grace.
    const now = this.#clock();
    if (this.#run.rounds.ready(now)) {
      const { closed, events } = this.#closeRounds(now);
      this.#afterRounds(now, closed, events);
    }
  }

  heartbeat(token: string, at: number): Promise<boolean> {
    return this.#heartbeats.beat(this.#run.model.checks, token, at);
  }

  whatIf(failed: string[]): WhatIfAnswer {
    return this.#run.whatIf(failed);
  }

  async acknowledge(incidentId: string, by: string): Promise<StoredIncident | null> {
    const now = this.#clock();
    await this.#recorder.idle();
    // An open incident of this hub's is saved whole (it holds the acknowledgement now); any other is
    // acknowledged in the store.
    const live = this.#ledger.acknowledge(incidentId, by, now);
    if (live) await this.#store.saveIncident(live);
    const stored = live ?? (await this.#store.acknowledgeIncident(incidentId, by, now));
    if (!stored) return null;
    // A standby's copy of the leader's incident shows the acknowledgement at once, not at the next read.
    this.#follower.update(stored);
    this.#events.emit({ type: "incident", action: "acknowledged", incident: stored });
    return stored;
  }

  states(): ComponentState[] {
    return this.#states.states(this.#run.model.components, this.openIncidents);
  }

  lastFailures(component: string): Observation[] {
    return this.#failures.of(component);
  }

  async incidents(query: IncidentQuery = {}): Promise<StoredIncident[]> {
    const live = this.#live();
    const stored = await this.#store.listIncidents({ ...query, limit: (query.limit ?? 100) + live.length });
    return mergeIncidents(stored, live, query);
  }

  async incident(id: string): Promise<StoredIncident | null> {
    return this.#live().find((i) => i.id === id) ?? (await this.#store.getIncident(id));
  }

  /** What the hub holds of incidents beyond the store: copies not saved yet, under the open ones as now. */
  #live(): StoredIncident[] {
    const live = new Map(this.#recorder.unsaved.map((i) => [i.id, i]));
    for (const inc of this.openIncidents) live.set(inc.id, inc);
    return [...live.values()];
  }

  observations(query: ObservationQuery): Promise<Observation[]> {
    return this.#store.queryObservations(query);
  }

  storedObservations(batch: readonly Observation[]): Promise<boolean[]> {
    return this.#store.storedObservations(batch);
  }

  rollups(query: RollupQuery): Promise<Rollup[]> {
    return this.#store.queryRollups(query);
  }

  /**
   * Dependencies the model probably lacks, learned from every incident so far, best score first: the
   * leader's own (this run's evidence included), a standby's as the leader stored them.
   */
  suspectedDependencies(): Promise<SuspectedDependency[]> {
    return this.#suspected.list(this.leading);
  }

  subscribe(listener: (event: HubEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** How many live-stream subscriptions are held now. */
  get subscribers(): number {
    return this.#events.size;
  }

  async metrics(): Promise<string> {
    this.metricsRegistry.incidentsOpen.set(this.openIncidents.length);
    return this.metricsRegistry.registry.metrics();
  }

  get openIncidents(): StoredIncident[] {
    // A standby's own incidents are drafts under local ids; what counts is what the leader stored.
    return this.leading ? this.#ledger.open : this.#follower.open;
  }

  /** One beat of the hub's clock: heartbeats judged, rounds closed, incidents stored, rollups folded. */
  async tick(): Promise<void> {
    const now = this.#clock();
    await this.#lead(now);
    if (this.leading)
      await this.#heartbeats.judge(
        now,
        this.#run.roundMs,
        this.#run.model.checks,
        this.#leadership.replicated,
      );
    const { closed, events } = this.#closeRounds(now);
    if (!this.leading)
      for (const e of await this.#follower.follow(now, this.#store, this.#options.onWarning))
        this.#events.emit(e);
    if (this.leading) events.push(...this.#ledger.expire(now));
    this.#afterRounds(now, closed, events);
    if (this.leading) await this.#upkeep.run(now, this.#store, this.#options.onWarning);
    // Every replica follows the windows; only the leader tells the channels.
    await this.maintenance.tick(now, this.leading ? this.#options.onMaintenance : undefined);
    await this.#recorder.idle();
  }

  /** Closes the rounds that are due or complete (LiveRounds.tick), collecting the localizer's events. */
  #closeRounds(now: number): { closed: number; events: LedgerEvent[] } {
    const timer = this.metricsRegistry.localizerSeconds.startTimer();
    const events: LedgerEvent[] = [];
    this.#pendingEvents = events;
    const closed = this.#run.rounds.tick(now);
    this.#pendingEvents = null;
    if (closed > 0) timer();
    return { closed, events };
  }

  /** What closing rounds leads to: the leader records the events, every replica tells the new states. */
  #afterRounds(now: number, closed: number, events: LedgerEvent[]): void {
    if (this.leading) {
      if (events.length > 0) this.#recorder.record(events);
      if (closed > 0) this.#suspected.sync(now);
    }
    if (closed > 0 && this.#events.size > 0) {
      const changed = this.#states.changed(this.states());
      if (changed.length > 0) this.#events.emit({ type: "state", states: changed });
    }
  }

  /** Keeps or seeks the leader lock; on winning it, takes over the stored open incidents. */
  async #lead(now: number): Promise<void> {
    if ((await this.#leadership.check(now)) !== "won") return;
    await this.#recorder.idle();
    let open: StoredIncident[];
    try {
      open = await this.#store.listIncidents({ open: true, limit: 1000 });
    } catch (error) {
      // Leading without the stored incidents would open a second one for each: another tick tries again.
      this.#options.onWarning?.(
        `could not take the lead: reading open incidents: ${(error as Error).message}`,
      );
      await this.#leadership.giveUp();
      return;
    }
    const events = this.#ledger.takeOver(
      open,
      now + (this.#options.adoptWithinMs ?? 6 * this.#run.roundMs),
      now,
    );
    try {
      await this.#suspected.load();
    } catch (error) {
      this.#options.onWarning?.(`could not read suspected dependencies: ${(error as Error).message}`);
    }
    await this.#leadership.lead(async () => {
      this.#heartbeats.restart(now);
      await saveModelSnapshot(this.#store, this.#run.model, now).catch((e: Error) =>
        this.#options.onWarning?.(`could not store the model snapshot: ${e.message}`),
      );
    });
    if (events.length > 0) this.#recorder.record(events);
  }

  #install(model: HubModel, open: StoredIncident[], now: number): void {
    // The run ending (a reload) hands over what it learned while its incident ids still map.
    const suspected = this.#suspected.newRun(now, this.leading);
    this.#failures.keepOnly(new Set(model.components.map((c) => c.id)));
    this.#run = new ModelRun(model, {
      ...(this.#options.roundMs === undefined ? {} : { roundMs: this.#options.roundMs }),
      ...(this.#options.graceMs === undefined ? {} : { graceMs: this.#options.graceMs }),
      suspected,
      maintenance: (at) => this.maintenance.inMaintenance(at),
      onEvent: (event) => {
        const ledgerEvent = this.#ledger.apply(event, this.#clock());
        this.#pendingEvents?.push(ledgerEvent);
      },
    });
    this.#ledger.begin(open, now + (this.#options.adoptWithinMs ?? 6 * this.#run.roundMs));
  }
}
