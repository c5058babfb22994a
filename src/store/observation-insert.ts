/**
 * How a batch of observations reaches the raw table: the ObservationWriter an engine may replace (SQLite does,
 * with prepared statements), and the engine-neutral one written with Kysely. Both add the batch's new series
 * in the batch's own transaction and skip observations whose (series, at) is already stored.
 */
import { CompiledQuery, type Kysely } from "kysely";
import type { Observation } from "../model/observation.js";
import { chunks } from "./store-dialect.js";
import { StoreError } from "./store-errors.js";
import { observationRow } from "./store-rows.js";
import { createSeries, type SeriesCache, type SeriesEntry, seriesKey } from "./store-series.js";
import { OBSERVATION_COLUMNS, type StoreDatabase } from "./store-tables.js";

/** Writes a batch all or nothing; resolves once committed. */
export interface ObservationWriter {
  write(batch: Observation[]): Promise<void>;
}

/** Most row counts whose SQL is kept. */
const KEPT = 8;

/** The series of `o`, from the cache or from those this transaction created. */
export function seriesOf(o: Observation, cache: SeriesCache, created: Map<string, SeriesEntry>): SeriesEntry {
  const s = cache.get(o) ?? created.get(seriesKey(o));
  if (s === undefined) {
    throw new StoreError(
      "E_STORE_VALUE",
      `series ${o.component} / ${o.vantage} / ${o.check} was neither cached nor created`,
    );
  }
  return s;
}

/**
 * Multi-row INSERT ... ON CONFLICT DO NOTHING of as many rows as the parameter limit allows. Its SQL depends
 * only on the row count: compiled by Kysely once per count and reused with fresh parameters. A batch of
 * known series that fits one statement runs without BEGIN/COMMIT (a statement is atomic; two round trips
 * saved); otherwise everything runs in one transaction.
 */
export class KyselyObservationWriter implements ObservationWriter {
  readonly #db: Kysely<StoreDatabase>;
  readonly #series: SeriesCache;
  readonly #maxParameters: number;
  readonly #byCount = new Map<number, string>();

  constructor(db: Kysely<StoreDatabase>, series: SeriesCache, maxParameters: number) {
    this.#db = db;
    this.#series = series;
    this.#maxParameters = maxParameters;
  }

  async write(batch: Observation[]): Promise<void> {
    if (batch.length === 0) return;
    const missing = this.#series.unknown(batch);
    const parts = chunks(batch, OBSERVATION_COLUMNS.length, this.#maxParameters);
    if (missing.length === 0 && parts.length === 1) {
      await this.#insert(this.#db, parts[0]!, new Map());
      return;
    }
    const created = await this.#db.transaction().execute(async (trx) => {
      const created = await createSeries(trx, missing, this.#maxParameters);
      for (const part of parts) await this.#insert(trx, part, created);
      return created;
    });
    this.#series.add(created.values());
  }

  async #insert(db: Kysely<StoreDatabase>, part: Observation[], created: Map<string, SeriesEntry>) {
    const rows = part.map((o) => observationRow(o, seriesOf(o, this.#series, created)));
    const parameters: unknown[] = [];
    for (const row of rows) for (const column of OBSERVATION_COLUMNS) parameters.push(row[column]);
    let text = this.#byCount.get(part.length);
    if (text === undefined) {
      const compiled = db
        .insertInto("observations")
        .values(rows)
        .onConflict((oc) => oc.columns(["at", "series"]).doNothing())
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
