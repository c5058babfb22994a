/**
 * The Store written once against Kysely; the engine folders only open a connection and fill in a
 * StoreDialect. Every multi-statement write runs in one transaction, so it is all there or not at all.
 */
import type { Kysely } from "kysely";
import { evidenceKey, mergeEvidence } from "../localize/suspected-evidence.js";
import type { Observation } from "../model/observation.js";
import { KyselyMaintenanceLog } from "./maintenance-store.js";
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
import { StoreError } from "./store-errors.js";
import { checkRetention, deleteExpired } from "./store-retention.js";
import { HOUR, MINUTE, rollupHours, rollupMinutes } from "./store-rollups.js";
import * as rows from "./store-rows.js";
import { findSeries, loadSeries, SeriesCache } from "./store-series.js";
import { ROLLUP_TABLES, type StoreDatabase } from "./store-tables.js";

/** Default page sizes: observations and rollups as store.ts says, the rest small enough for one screen. */
const DEFAULT_LIMIT = 1_000;
const DEFAULT_SMALL_LIMIT = 100;

export interface KyselyStoreOptions {
  engine: string;
  capabilities: StoreCapabilities;
  dialect: StoreDialect;
  /** What `applyRetention(now)` keeps (default DEFAULT_RETENTION); each at least an hour. */
  retention?: Retention;
  /** The engine's observation writer (the hot path: each engine writes its fastest INSERT). */
  writer: (series: SeriesCache) => ObservationWriter;
}

/** A limit as a whole number of rows, never negative. */
function rowLimit(limit: number | undefined, fallback: number): number {
  return Math.max(0, Math.floor(limit ?? fallback));
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

  constructor(db: Kysely<StoreDatabase>, options: KyselyStoreOptions) {
    this.#db = db;
    this.engine = options.engine;
    this.capabilities = options.capabilities;
    this.#dialect = options.dialect;
    this.#retention = checkRetention(options.retention ?? DEFAULT_RETENTION);
    this.#writer = options.writer(this.#series);
    this.maintenances = new KyselyMaintenanceLog(db);
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

  /**
   * Inserts or replaces by id, except that an acknowledgement already stored is kept when the incoming
   * copy has none: a hub saving its own (older) copy never erases what a person acknowledged meanwhile.
   */
  async saveIncident(incident: StoredIncident): Promise<void> {
    await this.#db
      .insertInto("incidents")
      .values(rows.incidentRow(incident))
      .onConflict((oc) =>
        oc.column("id").doUpdateSet((eb) => ({
          opened_at: eb.ref("excluded.opened_at"),
          resolved_at: eb.ref("excluded.resolved_at"),
          epicenter: eb.ref("excluded.epicenter"),
          affected: eb.ref("excluded.affected"),
          history: eb.ref("excluded.history"),
          vantage: eb.ref("excluded.vantage"),
          acknowledged_at: eb.fn.coalesce("excluded.acknowledged_at", "incidents.acknowledged_at"),
          acknowledged_by: eb.fn.coalesce("excluded.acknowledged_by", "incidents.acknowledged_by"),
          updated_at: eb.ref("excluded.updated_at"),
          suspected: eb.fn.coalesce("excluded.suspected", "incidents.suspected"),
        })),
      )
      .execute();
  }

  async getIncident(id: string): Promise<StoredIncident | null> {
    const r = await this.#db.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? rows.incidentFrom(r) : null;
  }

  /** Newest opened first (ties by id, descending), at most `limit` (default 100). */
  async listIncidents(query: IncidentQuery = {}): Promise<StoredIncident[]> {
    let q = this.#db.selectFrom("incidents").selectAll();
    if (query.open === true) q = q.where("resolved_at", "is", null);
    if (query.open === false) q = q.where("resolved_at", "is not", null);
    if (query.before !== undefined) q = q.where("opened_at", "<", query.before);
    const found = await q
      .orderBy("opened_at", "desc")
      .orderBy("id", "desc")
      .limit(rowLimit(query.limit, DEFAULT_SMALL_LIMIT))
      .execute();
    return found.map(rows.incidentFrom);
  }

  async acknowledgeIncident(id: string, by: string, at: number): Promise<StoredIncident | null> {
    return this.#db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable("incidents")
        .set({ acknowledged_at: at, acknowledged_by: by })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
      return r ? rows.incidentFrom(r) : null;
    });
  }

  /** Idempotent by id: a delivery recorded twice is stored once (the first record wins). */
  async recordDelivery(delivery: DeliveryRecord): Promise<void> {
    await this.#db
      .insertInto("deliveries")
      .values(rows.deliveryRow(delivery))
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
  }

  /** Newest first (ties by id, descending), of one incident or all, at most `limit` (default 100). */
  async listDeliveries(incidentId?: string, limit?: number): Promise<DeliveryRecord[]> {
    let q = this.#db.selectFrom("deliveries").selectAll();
    if (incidentId !== undefined) q = q.where("incident_id", "=", incidentId);
    const found = await q
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .limit(rowLimit(limit, DEFAULT_SMALL_LIMIT))
      .execute();
    return found.map(rows.deliveryFrom);
  }

  async getAlertState(incidentId: string, channel: string): Promise<AlertState | null> {
    const r = await this.#db
      .selectFrom("alert_states")
      .selectAll()
      .where("incident_id", "=", incidentId)
      .where("channel", "=", channel)
      .executeTakeFirst();
    return r ? rows.alertStateFrom(r) : null;
  }

  /** Replaces the state of (incidentId, channel). */
  async setAlertState(state: AlertState): Promise<void> {
    await this.#db
      .insertInto("alert_states")
      .values({
        incident_id: state.incidentId,
        channel: state.channel,
        delivered: state.delivered,
        digest: state.digest,
        at: state.at,
      })
      .onConflict((oc) =>
        oc.columns(["incident_id", "channel"]).doUpdateSet((eb) => ({
          delivered: eb.ref("excluded.delivered"),
          digest: eb.ref("excluded.digest"),
          at: eb.ref("excluded.at"),
        })),
      )
      .execute();
  }

  /** Newest first (ties by incident, channel). */
  async listUnresolvedAlertStates(): Promise<AlertState[]> {
    const found = await this.#db
      .selectFrom("alert_states")
      .selectAll()
      .where("delivered", "<>", "resolved")
      .orderBy("at", "desc")
      .orderBy("incident_id")
      .orderBy("channel")
      .execute();
    return found.map(rows.alertStateFrom);
  }

  /** Throws StoreError E_STORE_CONFLICT when the id or the hash is already stored. */
  async createToken(token: StoredToken): Promise<void> {
    const r = await this.#db
      .insertInto("tokens")
      .values(rows.tokenRow(token))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) {
      throw new StoreError(
        "E_STORE_CONFLICT",
        `token ${token.id} not created: its id or secret is already stored; make a new token`,
      );
    }
  }

  async findTokenByHash(hash: string): Promise<StoredToken | null> {
    const r = await this.#db.selectFrom("tokens").selectAll().where("hash", "=", hash).executeTakeFirst();
    return r ? rows.tokenFrom(r) : null;
  }

  /** Newest created first (ties by id). */
  async listTokens(): Promise<StoredToken[]> {
    const found = await this.#db
      .selectFrom("tokens")
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("id")
      .execute();
    return found.map(rows.tokenFrom);
  }

  /** Revoking twice keeps the first revocation time and still returns true. */
  async revokeToken(id: string, at: number): Promise<boolean> {
    const r = await this.#db
      .updateTable("tokens")
      .set((eb) => ({ revoked_at: eb.fn.coalesce("revoked_at", eb.val(at)) }))
      .where("id", "=", id)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Upserts by (component, cause, incident), merged as mergeEvidence merges: entries repeated in the batch
   * are merged first (PostgreSQL refuses to update one row twice in a statement), then with what is stored,
   * in one transaction.
   */
  async saveSuspectedEvidence(evidence: SuspectedEvidence[]): Promise<void> {
    const merged = new Map<string, SuspectedEvidence>();
    for (const e of evidence) {
      const key = evidenceKey(e);
      const seen = merged.get(key);
      merged.set(key, seen ? mergeEvidence(seen, e) : e);
    }
    const all = [...merged.values()].map(rows.suspectedRow);
    if (all.length === 0) return;
    await this.#db.transaction().execute(async (trx) => {
      for (const part of chunks(all, 6, this.#dialect.maxParameters)) {
        await trx
          .insertInto("suspected_evidence")
          .values(part)
          .onConflict((oc) =>
            oc.columns(["component", "cause", "incident_id"]).doUpdateSet((eb) => ({
              // Portable min and max (SQLite's min(a, b) is PostgreSQL's least(a, b)).
              first_seen: eb
                .case()
                .when("excluded.first_seen", "<", eb.ref("suspected_evidence.first_seen"))
                .then(eb.ref("excluded.first_seen"))
                .else(eb.ref("suspected_evidence.first_seen"))
                .end(),
              last_seen: eb
                .case()
                .when("excluded.last_seen", ">", eb.ref("suspected_evidence.last_seen"))
                .then(eb.ref("excluded.last_seen"))
                .else(eb.ref("suspected_evidence.last_seen"))
                .end(),
              recovered: eb.fn.coalesce("suspected_evidence.recovered", "excluded.recovered"),
            })),
          )
          .execute();
      }
    });
  }

  async listSuspectedEvidence(): Promise<SuspectedEvidence[]> {
    const found = await this.#db
      .selectFrom("suspected_evidence")
      .selectAll()
      .orderBy("component")
      .orderBy("cause")
      .orderBy("incident_id")
      .execute();
    return found.map(rows.suspectedFrom);
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
