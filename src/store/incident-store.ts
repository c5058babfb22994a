/** Incidents as the store keeps them, shared by every replica: the leader saves, everyone reads. */
import type { Kysely } from "kysely";
import type { IncidentQuery, StoredIncident } from "./store.js";
import { DEFAULT_SMALL_LIMIT, rowLimit } from "./store-limits.js";
import * as rows from "./store-rows.js";
import type { StoreDatabase } from "./store-tables.js";

/** The Kysely implementation, one for every engine (the SQL is plain). */
export class KyselyIncidentStore {
  readonly #db: Kysely<StoreDatabase>;

  constructor(db: Kysely<StoreDatabase>) {
    this.#db = db;
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
}
