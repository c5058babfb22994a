/**
 * Evidence of dependencies the model lacks (suspected-evidence.ts), kept per (component, cause, incident)
 * so every replica learns from every incident and a restart forgets nothing.
 */
import type { Kysely } from "kysely";
import { evidenceKey, mergeEvidence } from "../localize/suspected-evidence.js";
import type { SuspectedEvidence } from "./store.js";
import { chunks, type StoreDialect } from "./store-dialect.js";
import * as rows from "./store-rows.js";
import type { StoreDatabase } from "./store-tables.js";

/** The Kysely implementation; the dialect bounds how many rows one statement may carry. */
export class KyselySuspectedStore {
  readonly #db: Kysely<StoreDatabase>;
  readonly #dialect: StoreDialect;

  constructor(db: Kysely<StoreDatabase>, dialect: StoreDialect) {
    this.#db = db;
    this.#dialect = dialect;
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
}
