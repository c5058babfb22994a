/**
 * SQLite's hot path for observations: better-sqlite3 statements prepared once (a 500-row INSERT for full
 * chunks, a one-row INSERT for the rest) run in one synchronous transaction, with no SQL built per batch.
 * It holds Kysely's connection while it runs, so it never interleaves with a Kysely transaction.
 */
import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import type { Observation } from "../../model/observation.js";
import {
  type ObservationWriter,
  seriesOf,
  type WrittenKey,
  writtenObservations,
} from "../observation-insert.js";
import { observationRow } from "../store-rows.js";
import { type SeriesCache, type SeriesEntry, seriesEntry, seriesKey } from "../store-series.js";
import { OBSERVATION_COLUMNS, type StoreDatabase } from "../store-tables.js";

/** Rows per multi-row statement: 3,500 parameters, far below SQLite's 32,766. */
const ROWS_PER_STATEMENT = 500;
const COLUMNS = OBSERVATION_COLUMNS.length;

function insertSql(rows: number): string {
  const row = `(${OBSERVATION_COLUMNS.map(() => "?").join(", ")})`;
  return (
    `insert into observations (${OBSERVATION_COLUMNS.join(", ")}) values ` +
    `${Array.from({ length: rows }, () => row).join(", ")} on conflict do nothing returning at, series`
  );
}

export class SqliteObservationWriter implements ObservationWriter {
  readonly #db: Kysely<StoreDatabase>;
  readonly #series: SeriesCache;
  readonly #insertMany: Database.Statement;
  readonly #insertOne: Database.Statement;
  readonly #insertSeries: Database.Statement;
  readonly #selectSeries: Database.Statement;
  readonly #parameters = new Array<unknown>(ROWS_PER_STATEMENT * COLUMNS);
  readonly #transaction: (batch: Observation[]) => {
    created: Map<string, SeriesEntry>;
    written: Observation[];
  };

  /** `sqlite` is the connection `db` runs on; the tables must exist (prepare after migrating). */
  constructor(db: Kysely<StoreDatabase>, sqlite: Database.Database, series: SeriesCache) {
    this.#db = db;
    this.#series = series;
    this.#insertMany = sqlite.prepare(insertSql(ROWS_PER_STATEMENT));
    // The one-row statement needs no RETURNING: its change count says whether it wrote.
    this.#insertOne = sqlite.prepare(insertSql(1).replace(/ returning at, series$/, ""));
    this.#insertSeries = sqlite.prepare(
      "insert into series (component, vantage, check_id, id_form) values (?, ?, ?, ?) on conflict do nothing",
    );
    this.#selectSeries = sqlite.prepare(
      "select * from series where component = ? and vantage = ? and check_id = ?",
    );
    this.#transaction = sqlite.transaction((batch: Observation[]) => this.#writeNow(batch));
  }

  async write(batch: Observation[]): Promise<Observation[]> {
    if (batch.length === 0) return [];
    const { created, written } = await this.#db.connection().execute(async () => this.#transaction(batch));
    this.#series.add(created.values());
    return written;
  }

  /**
   * Runs inside the transaction: new series first, then the rows; returns the series it created and the
   * observations it wrote, in batch order (a later chunk's copy of an earlier chunk's row is skipped by
   * SQLite, so no row is reported twice).
   */
  #writeNow(batch: Observation[]): { created: Map<string, SeriesEntry>; written: Observation[] } {
    const created = new Map<string, SeriesEntry>();
    for (const s of this.#series.unknown(batch)) {
      this.#insertSeries.run(s.component, s.vantage, s.check_id, s.id_form);
      const e = seriesEntry(this.#selectSeries.get(s.component, s.vantage, s.check_id) as never);
      created.set(seriesKey(e), e);
    }
    const full = batch.length - (batch.length % ROWS_PER_STATEMENT);
    const parameters = this.#parameters;
    const written: Observation[] = [];
    for (let start = 0; start < full; start += ROWS_PER_STATEMENT) {
      let p = 0;
      const chunk = batch.slice(start, start + ROWS_PER_STATEMENT);
      const rows = chunk.map((o) => observationRow(o, seriesOf(o, this.#series, created)));
      for (const row of rows) for (const column of OBSERVATION_COLUMNS) parameters[p++] = row[column];
      const keys = this.#insertMany.all(parameters) as WrittenKey[];
      written.push(...(keys.length === chunk.length ? chunk : writtenObservations(chunk, rows, keys)));
    }
    const one = new Array<unknown>(COLUMNS);
    for (let i = full; i < batch.length; i++) {
      const row = observationRow(batch[i]!, seriesOf(batch[i]!, this.#series, created));
      for (let c = 0; c < COLUMNS; c++) one[c] = row[OBSERVATION_COLUMNS[c]!];
      if (this.#insertOne.run(one).changes > 0) written.push(batch[i]!);
    }
    return { created, written };
  }
}
