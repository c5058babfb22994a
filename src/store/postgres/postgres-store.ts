/**
 * The PostgreSQL store: for several hub processes sharing one database (the scale-out deployment).
 * A pg Pool; bigint columns (epoch ms) are read back as numbers through a per-pool type parser, not the
 * process-wide `pg.types`, so other pg users in the process are unaffected. An optional schema isolates a
 * store (tests use a fresh one each); it is created when missing and set as the connections' search_path.
 */
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { KyselyStore } from "../kysely-store.js";
import { KyselyObservationWriter } from "../observation-insert.js";
import type { Retention, Store } from "../store.js";
import type { StoreDialect } from "../store-dialect.js";
import { StoreError } from "../store-errors.js";
import { migrateStore } from "../store-migrations.js";
import { checkRetention } from "../store-retention.js";
import type { StoreDatabase } from "../store-tables.js";
import { RetryingObservationWriter } from "./postgres-retry.js";
import { UnnestRowInserter } from "./postgres-row-inserter.js";

const POSTGRES_DIALECT: StoreDialect = {
  // The wire protocol counts parameters in an Int16 (https://www.postgresql.org/docs/current/protocol-message-formats.html).
  maxParameters: 65_535,
  serialType: "bigserial",
  clusteredKeys: false,
  idCollation: "C",
};

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Schema holding the tables (default `public`); letters, digits and `_` only. */
  schema?: string;
  /** Most connections in the pool (default 10). */
  poolSize?: number;
  /** What `applyRetention(now)` keeps (default DEFAULT_RETENTION). */
  retention?: Retention;
}

const INT8_OID = 20;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/** Connects, creates the schema when asked for one, and migrates. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  if (options.retention) checkRetention(options.retention); // before connecting
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreError(
      "E_STORE_OPTION",
      `invalid PostgreSQL schema name ${JSON.stringify(schema)}: use letters, digits and _ (at most 63)`,
    );
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A connection the server ends (pg_terminate_backend, a restart) emits "error": on the pool when idle, on
  // the client while checked out (its end can come after the failed query, before the release). Without a
  // listener Node would end the process. The failed query rejects on its own; the pool drops the broken
  // client on release and connects afresh on demand.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  try {
    // Connect once now so a wrong URL fails here, with a message saying what to do.
    const client = await pool.connect();
    try {
      if (schema) await client.query(`create schema if not exists "${schema}"`);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw new StoreError(
      "E_STORE_OPEN",
      `cannot reach PostgreSQL at ${redactUrl(options.url)}: ${(error as Error).message}; ` +
        "check EPICENTER_DATABASE_URL and that the server is running",
      { cause: error },
    );
  }
  const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateStore(db, POSTGRES_DIALECT, schema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db, {
    engine: "postgres",
    capabilities: { shared: true },
    dialect: POSTGRES_DIALECT,
    ...(options.retention ? { retention: options.retention } : {}),
    writer: (series) =>
      new RetryingObservationWriter(
        new KyselyObservationWriter(db, series, POSTGRES_DIALECT.maxParameters, new UnnestRowInserter()),
      ),
  });
}
