/**
 * What the notifier leaves in the store: every delivery it attempted, and per (incident, channel) what was
 * last delivered, so a restarted or newly elected hub neither repeats nor skips a notice.
 */
import type { Kysely } from "kysely";
import type { AlertState, DeliveryRecord } from "./store.js";
import { DEFAULT_SMALL_LIMIT, rowLimit } from "./store-limits.js";
import * as rows from "./store-rows.js";
import type { StoreDatabase } from "./store-tables.js";

/** The Kysely implementation, one for every engine (the SQL is plain). */
export class KyselyNotificationLog {
  readonly #db: Kysely<StoreDatabase>;

  constructor(db: Kysely<StoreDatabase>) {
    this.#db = db;
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
}
