/**
 * How a batch of observations reaches the raw table: each engine gives the store an ObservationWriter, SQLite
 * its own (prepared statements), PostgreSQL the Kysely one below with its own INSERT (a RowInserter). Both
 * add the batch's new series in the batch's own transaction and skip rows whose (at, series) is stored.
 */
import type { Kysely } from "kysely";
import type { Observation } from "../model/observation.js";
import { StoreError } from "./store-errors.js";
import { observationRow } from "./store-rows.js";
import { createSeries, type SeriesCache, type SeriesEntry, seriesKey } from "./store-series.js";
import type { ObservationsTable, StoreDatabase } from "./store-tables.js";

/** Writes a batch all or nothing; resolves once committed. */
export interface ObservationWriter {
  write(batch: Observation[]): Promise<void>;
}

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

/** One INSERT ... ON CONFLICT DO NOTHING of at most `maxRows` encoded rows, on the store or a transaction. */
export interface RowInserter {
  readonly maxRows: number;
  insert(db: Kysely<StoreDatabase>, rows: ObservationsTable[]): Promise<void>;
}

/**
 * Writes through an engine's RowInserter. A batch of known series that fits one
 * statement runs without BEGIN/COMMIT (a statement is atomic; two round trips saved); otherwise the new
 * series and every statement run in one transaction.
 */
export class KyselyObservationWriter implements ObservationWriter {
  readonly #db: Kysely<StoreDatabase>;
  readonly #series: SeriesCache;
  readonly #maxParameters: number;
  readonly #inserter: RowInserter;

  constructor(db: Kysely<StoreDatabase>, series: SeriesCache, maxParameters: number, inserter: RowInserter) {
    this.#db = db;
    this.#series = series;
    this.#maxParameters = maxParameters;
    this.#inserter = inserter;
  }

  async write(batch: Observation[]): Promise<void> {
    if (batch.length === 0) return;
    const missing = this.#series.unknown(batch);
    const parts: Observation[][] = [];
    for (let i = 0; i < batch.length; i += this.#inserter.maxRows) {
      parts.push(batch.slice(i, i + this.#inserter.maxRows));
    }
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

  #insert(db: Kysely<StoreDatabase>, part: Observation[], created: Map<string, SeriesEntry>) {
    return this.#inserter.insert(
      db,
      part.map((o) => observationRow(o, seriesOf(o, this.#series, created))),
    );
  }
}
