/**
 * The Store written once against Kysely; the engine folders only open a connection and fill in a
 * StoreDialect. Every multi-statement write runs in one transaction, so it is all there or not at all.
 */
import type { Kysely } from "kysely";
import type { Observation } from "../model/observation.js";
import { KyselyIncidentStore } from "./incident-store.js";
import { KyselyIncidentUpdateLog } from "./incident-update-store.js";
import { KyselyMaintenanceLog } from "./maintenance-store.js";
import { KyselyNotificationLog } from "./notification-log.js";
import type { ObservationWriter } from "./observation-insert.js";
import type {
  AlertState,
  DeliveryRecord,
  IncidentQuery,
  ObservationQuery,
  Retention,
  Rollup,
  RollupQuery,
  Store,
  StoreCapabilities,
  StoredCheck,
  StoredIncident,
  StoredToken,
  SuspectedEvidence,
} from "./store.js";
import { DEFAULT_RETENTION } from "./store.js";
import { chunks, type StoreDialect } from "./store-dialect.js";
import { DEFAULT_LIMIT, rowLimit } from "./store-limits.js";
import { checkRetention, deleteExpired } from "./store-retention.js";
import { HOUR, MINUTE, rollupHours, rollupMinutes } from "./store-rollups.js";
import * as rows from "./store-rows.js";
import { findSeries, loadSeries, SeriesCache } from "./store-series.js";
import { ROLLUP_TABLES, type StoreDatabase } from "./store-tables.js";
import { KyselySubscriptionLog } from "./subscription-store.js";
import { KyselySuspectedStore } from "./suspected-store.js";
import { KyselyTokenStore } from "./token-store.js";

export interface KyselyStoreOptions {
  engine: string;
  capabilities: StoreCapabilities;
  dialect: StoreDialect;
  /** What `applyRetention(now)` keeps (default DEFAULT_RETENTION); each at least an hour. */
  retention?: Retention;
  /** The engine's observation writer (the hot path: each engine writes its fastest INSERT). */
  writer: (series: SeriesCache) => ObservationWriter;
}

export class KyselyStore implements Store {
  readonly engine: string;
  readonly capabilities: StoreCapabilities;
  readonly #db: Kysely<StoreDatabase>;
  readonly #dialect: StoreDialect;
  readonly #retention: Retention;
  readonly #series = new SeriesCache();
  readonly #writer: ObservationWriter;
  readonly maintenances: KyselyMaintenanceLog;
  readonly subscriptions: KyselySubscriptionLog;
  readonly incidentUpdates: KyselyIncidentUpdateLog;
  readonly #incidents: KyselyIncidentStore;
  readonly #notifications: KyselyNotificationLog;
  readonly #tokens: KyselyTokenStore;
  readonly #suspected: KyselySuspectedStore;

  constructor(db: Kysely<StoreDatabase>, options: KyselyStoreOptions) {
    this.#db = db;
    this.engine = options.engine;
    this.capabilities = options.capabilities;
    this.#dialect = options.dialect;
    this.#retention = checkRetention(options.retention ?? DEFAULT_RETENTION);
    this.#writer = options.writer(this.#series);
    this.maintenances = new KyselyMaintenanceLog(db);
    this.subscriptions = new KyselySubscriptionLog(db);
    this.incidentUpdates = new KyselyIncidentUpdateLog(db);
    this.#incidents = new KyselyIncidentStore(db);
    this.#notifications = new KyselyNotificationLog(db);
    this.#tokens = new KyselyTokenStore(db);
    this.#suspected = new KyselySuspectedStore(db, this.#dialect);
  }

  /** One transaction; (series, at) already stored are skipped, so a redelivered batch is harmless. */
  insertObservations(batch: Observation[]): Promise<Observation[]> {
    return this.#writer.write(batch);
  }

  /**
   * Looks up the batch's series by name, then its rows by their times: `at` leads the key, so each time is
   * one short range of the index, however long raw history is kept.
   */
  async storedObservations(batch: readonly Observation[]): Promise<boolean[]> {
    if (batch.length === 0) return [];
    await findSeries(this.#db, this.#series, batch, this.#dialect.maxParameters);
    const series = batch.map((o) => this.#series.get(o)?.id);
    const times = [...new Set(batch.filter((_, i) => series[i] !== undefined).map((o) => o.at))];
    const stored = new Set<string>();
    for (const part of chunks(times, 1, this.#dialect.maxParameters)) {
      const found = await this.#db
        .selectFrom("observations")
        .select(["at", "series"])
        .where("at", "in", part)
        .execute();
      for (const r of found) stored.add(`${Number(r.at)},${r.series}`);
    }
    return batch.map((o, i) => series[i] !== undefined && stored.has(`${o.at},${series[i]}`));
  }

  /** Newest first (ties by series, descending), at most `limit` (default 1,000). */
  async queryObservations(query: ObservationQuery): Promise<Observation[]> {
    let q = this.#db.selectFrom("observations").selectAll();
    if (query.component !== undefined || query.vantage !== undefined) {
      // A subquery, not a join: the engine then walks the (at, series) key in time order and filters.
      let series = this.#db.selectFrom("series").select("id");
      if (query.component !== undefined) series = series.where("component", "=", query.component);
      if (query.vantage !== undefined) series = series.where("vantage", "=", query.vantage);
      q = q.where("series", "in", series);
    }
    if (query.from !== undefined) q = q.where("at", ">=", query.from);
    if (query.to !== undefined) q = q.where("at", "<", query.to);
    const found = await q
      .orderBy("at", "desc")
      .orderBy("series", "desc")
      .limit(rowLimit(query.limit, DEFAULT_LIMIT))
      .execute();
    await loadSeries(
      this.#db,
      this.#series,
      found.map((r) => r.series),
      this.#dialect.maxParameters,
    );
    return found.map((r) => rows.observationFrom(r, this.#series.byId(r.series)!));
  }

  /**
   * Recomputes every minute bucket overlapping [from, to) from the raw rows, then every hour bucket
   * overlapping it from the minute buckets (so hours stay right after raw rows age out). Upserts: a bucket
   * with no raw rows left is kept as it was. Call it for ranges still within raw retention.
   */
  async rollup(from: number, to: number): Promise<void> {
    const lo = Math.floor(from / MINUTE) * MINUTE;
    const hi = Math.ceil(to / MINUTE) * MINUTE;
    if (!(hi > lo)) return;
    await this.#db.transaction().execute(async (trx) => {
      await rollupMinutes(trx, lo, hi);
      await rollupHours(trx, Math.floor(lo / HOUR) * HOUR, Math.ceil(hi / HOUR) * HOUR);
    });
  }

  /**
   * Newest bucket first (ties by component, vantage), at most `limit` (default 1,000). The series of each
   * (component, vantage) are looked up first and their buckets read through the (series, bucket) key.
   */
  async queryRollups(query: RollupQuery): Promise<Rollup[]> {
    let q = this.#db
      .selectFrom(`${ROLLUP_TABLES[query.resolution]} as r`)
      .innerJoin("series as s", "s.id", "r.series")
      .select((eb) => [
        "s.component",
        "s.vantage",
        "r.bucket",
        eb.fn.sum<number>("r.up").as("up"),
        eb.fn.sum<number>("r.degraded").as("degraded"),
        eb.fn.sum<number>("r.down").as("down"),
        eb.fn.sum<number>("r.latency_sum").as("latency_sum"),
        eb.fn.sum<number>("r.latency_count").as("latency_count"),
        eb.fn.max("r.latency_max").as("latency_max"),
      ]);
    if (query.component !== undefined) q = q.where("s.component", "=", query.component);
    if (query.vantage !== undefined) q = q.where("s.vantage", "=", query.vantage);
    if (query.from !== undefined) q = q.where("r.bucket", ">=", query.from);
    if (query.to !== undefined) q = q.where("r.bucket", "<", query.to);
    const found = await q
      .groupBy(["s.component", "s.vantage", "r.bucket"])
      .orderBy("r.bucket", "desc")
      .orderBy("s.component")
      .orderBy("s.vantage")
      .limit(rowLimit(query.limit, DEFAULT_LIMIT))
      .execute();
    return found.map((r) => rows.rollupFrom(r, query.resolution));
  }

  /** Deletes raw rows and buckets that start before `now` minus their retention, in one transaction. */
  async applyRetention(now: number, retention: Retention = this.#retention) {
    return this.#db.transaction().execute((trx) => deleteExpired(trx, now, retention));
  }

  async saveModelSnapshot(hash: string, model: unknown, at: number): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const latest = await trx
        .selectFrom("model_snapshots")
        .select("hash")
        .orderBy("seq", "desc")
        .limit(1)
        .executeTakeFirst();
      if (latest?.hash === hash) return false;
      await trx
        .insertInto("model_snapshots")
        .values({ hash, model: JSON.stringify(model), at })
        .execute();
      return true;
    });
  }

  /** The snapshot saved last (not the one with the greatest `at`). */
  async latestModelSnapshot(): Promise<{ hash: string; model: unknown; at: number } | null> {
    const r = await this.#db
      .selectFrom("model_snapshots")
      .select(["hash", "model", "at"])
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    return r ? { hash: r.hash, model: JSON.parse(r.model), at: r.at } : null;
  }

  async replaceChecks(checks: StoredCheck[]): Promise<void> {
    const all = checks.map(rows.checkRow);
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom("checks").execute();
      for (const part of chunks(all, 5, this.#dialect.maxParameters)) {
        await trx.insertInto("checks").values(part).execute();
      }
    });
  }

  /** Ordered by id. */
  async listChecks(): Promise<StoredCheck[]> {
    const found = await this.#db.selectFrom("checks").selectAll().orderBy("id").execute();
    return found.map(rows.checkFrom);
  }

  saveIncident(incident: StoredIncident): Promise<void> {
    return this.#incidents.saveIncident(incident);
  }

  getIncident(id: string): Promise<StoredIncident | null> {
    return this.#incidents.getIncident(id);
  }

  listIncidents(query: IncidentQuery = {}): Promise<StoredIncident[]> {
    return this.#incidents.listIncidents(query);
  }

  acknowledgeIncident(id: string, by: string, at: number): Promise<StoredIncident | null> {
    return this.#incidents.acknowledgeIncident(id, by, at);
  }

  recordDelivery(delivery: DeliveryRecord): Promise<void> {
    return this.#notifications.recordDelivery(delivery);
  }

  listDeliveries(incidentId?: string, limit?: number): Promise<DeliveryRecord[]> {
    return this.#notifications.listDeliveries(incidentId, limit);
  }

  getAlertState(incidentId: string, channel: string): Promise<AlertState | null> {
    return this.#notifications.getAlertState(incidentId, channel);
  }

  setAlertState(state: AlertState): Promise<void> {
    return this.#notifications.setAlertState(state);
  }

  listUnresolvedAlertStates(): Promise<AlertState[]> {
    return this.#notifications.listUnresolvedAlertStates();
  }

  createToken(token: StoredToken): Promise<void> {
    return this.#tokens.createToken(token);
  }

  findTokenByHash(hash: string): Promise<StoredToken | null> {
    return this.#tokens.findTokenByHash(hash);
  }

  listTokens(): Promise<StoredToken[]> {
    return this.#tokens.listTokens();
  }

  revokeToken(id: string, at: number): Promise<boolean> {
    return this.#tokens.revokeToken(id, at);
  }

  saveSuspectedEvidence(evidence: SuspectedEvidence[]): Promise<void> {
    return this.#suspected.saveSuspectedEvidence(evidence);
  }

  listSuspectedEvidence(): Promise<SuspectedEvidence[]> {
    return this.#suspected.listSuspectedEvidence();
  }

  /** Keeps the latest beat: a beat older than the one stored (a late retry) does not move it back. */
  async recordHeartbeat(checkId: string, at: number): Promise<void> {
    await this.#db
      .insertInto("heartbeats")
      .values({ check_id: checkId, at })
      .onConflict((oc) =>
        oc
          .column("check_id")
          .doUpdateSet((eb) => ({ at: eb.ref("excluded.at") }))
          .where((eb) => eb("excluded.at", ">", eb.ref("heartbeats.at"))),
      )
      .execute();
  }

  async lastHeartbeats(): Promise<Map<string, number>> {
    const found = await this.#db.selectFrom("heartbeats").selectAll().execute();
    return new Map(found.map((r) => [r.check_id, r.at]));
  }

  /** Closes the connection (pool); the store cannot be used afterwards. */
  async close(): Promise<void> {
    await this.#db.destroy();
  }
}
