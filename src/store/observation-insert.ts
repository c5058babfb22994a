/**
 * The observation INSERT, whose SQL text depends only on the row count: compiled by Kysely once per count
 * (a few counts in practice: full chunks and a last, shorter one) and reused with fresh parameters, which
 * saves Kysely's 2 ms of compiling per 1,000 rows.
 */
import { CompiledQuery, type Kysely } from "kysely";
import type { Observation } from "../model/observation.js";
import { observationRow } from "./store-rows.js";
import { OBSERVATION_COLUMNS, type StoreDatabase } from "./store-tables.js";

/** Most row counts whose SQL is kept. */
const KEPT = 8;

export class ObservationInsertSql {
  readonly #byCount = new Map<number, string>();

  /** Runs one INSERT of `part` on `db` (the store or a transaction). */
  async insert(db: Kysely<StoreDatabase>, part: Observation[]): Promise<void> {
    const parameters: unknown[] = [];
    for (const o of part) {
      const row = observationRow(o);
      for (const column of OBSERVATION_COLUMNS) parameters.push(row[column]);
    }
    let text = this.#byCount.get(part.length);
    if (text === undefined) {
      const compiled = db
        .insertInto("observations")
        .values(part.map(observationRow))
        .onConflict((oc) => oc.column("id").doNothing())
        .compile();
      // Kysely binds row after row, column after column in the rows' key order: check it once per count.
      if (compiled.parameters.some((p, i) => p !== parameters[i])) {
        throw new Error("insertObservations: Kysely bound parameters in an unexpected order");
      }
      text = compiled.sql;
      if (this.#byCount.size >= KEPT) this.#byCount.delete(this.#byCount.keys().next().value!);
      this.#byCount.set(part.length, text);
    }
    await db.executeQuery(CompiledQuery.raw(text, parameters));
  }
}
