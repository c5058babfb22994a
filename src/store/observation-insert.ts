/**
 * How a batch of observations reaches the raw table: each engine gives the store an ObservationWriter, SQLite
 * its own (prepared statements), PostgreSQL the Kysely one below with its own INSERT (a RowInserter). Both
 * add the batch's new series in the batch's own transaction, skip rows whose (at, series) is stored, and
 * report the rows they wrote (RETURNING), so a caller feeds on only what no one had written before.
 */
import type { Kysely } from "kysely";
import type { Observation } from "../model/observation.js";
import { StoreError } from "./store-errors.js";
import { observationRow } from "./store-rows.js";
import { createSeries, type SeriesCache, type SeriesEntry, seriesKey } from "./store-series.js";
import type { ObservationsTable, StoreDatabase } from "./store-tables.js";

/** Writes a batch all or nothing; resolves once committed, with the observations it wrote (Store's contract). */
export interface ObservationWriter {
  write(batch: Observation[]): Promise<Observation[]>;
}

/** The (at, series) of a row an INSERT wrote (RETURNING), as the engine hands it back. */
export interface WrittenKey {
  at: number | string | bigint;
  series: number;
}

/**
 * The observations of `batch` whose rows are among `written`, in batch order. A key claims one observation,
 * the first of the batch with it: that is the row the engine kept (it skips the later copies).
 */
export function writtenObservations(
  batch: readonly Observation[],
  rows: readonly Pick<ObservationsTable, "at" | "series">[],
  written: readonly WrittenKey[],
): Observation[] {
  const keys = new Set(written.map((k) => `${Number(k.at)},${k.series}`));
  const out: Observation[] = [];
  for (let i = 0; i < batch.length; i++) {
    const key = `${Number(rows[i]!.at)},${rows[i]!.series}`;
    if (keys.delete(key)) out.push(batch[i]!);
  }
  return out;
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

/**
 * One INSERT ... ON CONFLICT DO NOTHING RETURNING of at most `maxRows` encoded rows, on the store or a
 * transaction; resolves with the keys of the rows it wrote.
 */
export interface RowInserter {
  readonly maxRows: number;
  insert(db: Kysely<StoreDatabase>, rows: ObservationsTable[]): Promise<WrittenKey[]>;
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

  async write(batch: Observation[]): Promise<Observation[]> {
    if (batch.length === 0) return [];
    const missing = this.#series.unknown(batch);
    const parts: Observation[][] = [];
    for (let i = 0; i < batch.length; i += this.#inserter.maxRows) {
      parts.push(batch.slice(i, i + this.#inserter.maxRows));
    }
    if (missing.length === 0 && parts.length === 1) return this.#insert(this.#db, parts[0]!, new Map());
    const { created, written } = await this.#db.transaction().execute(async (trx) => {
      const created = await createSeries(trx, missing, this.#maxParameters);
      const written: Observation[] = [];
      for (const part of parts) written.push(...(await this.#insert(trx, part, created)));
      return { created, written };
    });
    this.#series.add(created.values());
    // Parts are cut from one batch: a copy in a later part of a row an earlier part wrote is skipped by the
    // engine (no RETURNING row), so the concatenation already names each row once.
    return written;
  }

  async #insert(
    db: Kysely<StoreDatabase>,
    part: Observation[],
    created: Map<string, SeriesEntry>,
  ): Promise<Observation[]> {
    const rows = part.map((o) => observationRow(o, seriesOf(o, this.#series, created)));
    return writtenObservations(part, rows, await this.#inserter.insert(db, rows));
  }
}
