/**
 * Maintenance windows the store keeps: those made through the API, and a config window's occurrence once
 * it was ended early (the config says when it was planned; the row says it ended). Shared by every replica.
 */
import type { Kysely } from "kysely";
import type { MaintenancesTable, StoreDatabase } from "./store-tables.js";

/** One stored window; times epoch ms. */
export interface StoredMaintenance {
  id: string;
  title: string;
  components: string[];
  start: number;
  /** When it was planned to end. */
  end: number;
  source: "config" | "api";
  /** The token or user that made or ended it (null for a config window). */
  createdBy: string | null;
  createdAt: number;
  /** When it was ended early (DELETE), or null. */
  endedAt: number | null;
}

/** The store's maintenance windows. */
export interface MaintenanceLog {
  /** Inserts or replaces by id. */
  saveMaintenance(m: StoredMaintenance): Promise<void>;
  /** Windows planned to end after `endsAfter` (ended early or not), by start then id. */
  listMaintenances(endsAfter: number): Promise<StoredMaintenance[]>;
  /** Sets endedAt unless already set; the window as now stored, or null when there is none. */
  endMaintenance(id: string, at: number): Promise<StoredMaintenance | null>;
}

function fromRow(r: MaintenancesTable): StoredMaintenance {
  return {
    id: r.id,
    title: r.title,
    components: JSON.parse(r.components) as string[],
    start: Number(r.starts_at),
    end: Number(r.ends_at),
    source: r.source === "config" ? "config" : "api",
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
  };
}

function toRow(m: StoredMaintenance): MaintenancesTable {
  return {
    id: m.id,
    title: m.title,
    components: JSON.stringify(m.components),
    starts_at: m.start,
    ends_at: m.end,
    source: m.source,
    created_by: m.createdBy,
    created_at: m.createdAt,
    ended_at: m.endedAt,
  };
}

/** The Kysely implementation, one for every engine (the SQL is plain). */
export class KyselyMaintenanceLog implements MaintenanceLog {
  readonly #db: Kysely<StoreDatabase>;

  constructor(db: Kysely<StoreDatabase>) {
    this.#db = db;
  }

  async saveMaintenance(m: StoredMaintenance): Promise<void> {
    const row = toRow(m);
    const { id: _, ...rest } = row;
    await this.#db
      .insertInto("maintenances")
      .values(row)
      .onConflict((oc) => oc.column("id").doUpdateSet(rest))
      .execute();
  }

  async listMaintenances(endsAfter: number): Promise<StoredMaintenance[]> {
    const rows = await this.#db
      .selectFrom("maintenances")
      .selectAll()
      .where("ends_at", ">", endsAfter)
      .orderBy("starts_at")
      .orderBy("id")
      .execute();
    return rows.map(fromRow);
  }

  async endMaintenance(id: string, at: number): Promise<StoredMaintenance | null> {
    await this.#db
      .updateTable("maintenances")
      .set({ ended_at: at })
      .where("id", "=", id)
      .where("ended_at", "is", null)
      .execute();
    const r = await this.#db.selectFrom("maintenances").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? fromRow(r) : null;
  }
}
