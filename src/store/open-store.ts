/** Chooses the store's engine, in this one place: PostgreSQL when given a URL, SQLite otherwise. */
import { openPostgresStore } from "./postgres/postgres-store.js";
import { openSqliteStore } from "./sqlite/sqlite-store.js";
import type { Retention, Store } from "./store.js";
import { StoreError } from "./store-errors.js";

export interface OpenStoreOptions {
  /** Where the SQLite file lives (`<dataDir>/epicenter.db`); created when missing. */
  dataDir: string;
  /** `postgres://...`; defaults to `env.EPICENTER_DATABASE_URL`; when neither is set, SQLite is used. */
  databaseUrl?: string;
  /** PostgreSQL schema holding the tables (default `public`); ignored by SQLite. */
  schema?: string;
  /** SQLite durability (default `full`); ignored by PostgreSQL, whose commits are durable already. */
  synchronous?: "full" | "normal";
  /** What `applyRetention(now)` keeps (default DEFAULT_RETENTION); each kind at least an hour. */
  retention?: Retention;
  /** Environment to read EPICENTER_DATABASE_URL from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** Opens and migrates the store: `databaseUrl`, else EPICENTER_DATABASE_URL, else SQLite in `dataDir`. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const retention = options.retention ? { retention: options.retention } : {};
  const url = options.databaseUrl || (options.env ?? process.env).EPICENTER_DATABASE_URL;
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new StoreError(
        "E_STORE_OPTION",
        "the database URL must start with postgres:// (or postgresql://); unset EPICENTER_DATABASE_URL to use SQLite",
      );
    }
    return openPostgresStore({
      url,
      ...(options.schema ? { schema: options.schema } : {}),
      ...retention,
    });
  }
  return openSqliteStore({
    dataDir: options.dataDir,
    ...(options.synchronous ? { synchronous: options.synchronous } : {}),
    ...retention,
  });
}
