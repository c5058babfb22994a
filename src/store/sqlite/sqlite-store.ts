/**
 * The SQLite store: one file `<dataDir>/epicenter.db`, for one hub process (the embedded default).
 * WAL journal so readers never wait for the writer, and synchronous=FULL by default: each commit fsyncs the
 * WAL before the write resolves. NORMAL would already survive kill -9 (the WAL write reaches the OS before
 * commit returns; only an OS crash or power cut can lose it), but FULL also survives those, and its cost here
 * is one fsync per transaction, about 0.2 ms, which batched observation writes make negligible.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { KyselyStore } from "../kysely-store.js";
import type { Retention, Store } from "../store.js";
import type { StoreDialect } from "../store-dialect.js";
import { StoreError } from "../store-errors.js";
import { migrateStore } from "../store-migrations.js";
import { checkRetention } from "../store-retention.js";
import type { StoreDatabase } from "../store-tables.js";
import { SqliteObservationWriter } from "./sqlite-observation-writer.js";

export const SQLITE_FILE = "epicenter.db";

const SQLITE_DIALECT: StoreDialect = {
  // SQLITE_MAX_VARIABLE_NUMBER since SQLite 3.32 (https://sqlite.org/limits.html#max_variable_number).
  maxParameters: 32_766,
  serialType: "integer",
  clusteredKeys: true,
  idCollation: null,
};

export interface SqliteStoreOptions {
  /** Directory of the database file; created when missing. */
  dataDir: string;
  /** `full` (default) survives power loss too; `normal` survives kill -9 but not an OS crash. */
  synchronous?: "full" | "normal";
  /** What `applyRetention(now)` keeps (default DEFAULT_RETENTION). */
  retention?: Retention;
}

/** Opens (creating when needed) and migrates `<dataDir>/epicenter.db`. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  if (options.retention) checkRetention(options.retention); // before opening anything
  const file = join(resolve(options.dataDir), SQLITE_FILE);
  let sqlite: Database.Database;
  try {
    mkdirSync(resolve(options.dataDir), { recursive: true });
    sqlite = new Database(file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
    // A second process opening the same file waits for a lock instead of failing at once.
    sqlite.pragma("busy_timeout = 5000");
    // 64 MiB of page cache (the default is 2 MiB): the latest index page of each of thousands of series stays
    // in memory between batches instead of being read back for every one.
    sqlite.pragma("cache_size = -65536");
    // Rollups group and sort in temporary B-trees: keep those in memory, not in temporary files.
    sqlite.pragma("temp_store = memory");
  } catch (error) {
    throw new StoreError(
      "E_STORE_OPEN",
      `cannot open the SQLite store ${file}: ${(error as Error).message}; check that the data directory is writable`,
      { cause: error },
    );
  }
  const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await migrateStore(db, SQLITE_DIALECT);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db, {
    engine: "sqlite",
    capabilities: { shared: false },
    dialect: SQLITE_DIALECT,
    ...(options.retention ? { retention: options.retention } : {}),
    writer: (series) => new SqliteObservationWriter(db, sqlite, series),
  });
}
