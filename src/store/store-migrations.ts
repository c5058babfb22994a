/**
 * The store's schema as ordered migrations, run on open through Kysely's `Migrator` (which records what ran
 * in `kysely_migration` and holds a lock while migrating, so hubs sharing PostgreSQL can start together).
 * Migrations are append-only: never edit one that has shipped; add the next.
 */
import { type Kysely, type Migration, Migrator, sql } from "kysely";
import type { StoreDialect } from "./store-dialect.js";
import { StoreError } from "./store-errors.js";

// Migrations work on any database: their own typed view would only restate the DDL.
// biome-ignore lint/suspicious/noExplicitAny: the Migration interface takes Kysely<any>
type AnyDb = Kysely<any>;

/** The migrations for one engine, by name in the order they run. */
function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  /** `WITHOUT ROWID` where the engine clusters by key; nothing elsewhere. */
  const clustered = dialect.clusteredKeys ? sql`without rowid` : sql``;
  /** The type of identifier columns: text, in the dialect's identifier collation. */
  const id = dialect.idCollation ? sql`text collate ${sql.id(dialect.idCollation)}` : sql`text`;
  return {
    // Replaced in place (not followed by a second migration) before anything shipped: the first schema kept
    // names and a string id in every raw row; a store made by it fails to open (E_STORE_MIGRATE) saying so.
    "0001-initial-compact": {
      async up(db: AnyDb) {
        await db.schema
          .createTable("series")
          .addColumn("id", dialect.serialType, (c) => c.primaryKey())
          .addColumn("component", id, (c) => c.notNull())
          .addColumn("vantage", id, (c) => c.notNull())
          .addColumn("check_id", id, (c) => c.notNull())
          .addColumn("id_form", "smallint", (c) => c.notNull())
          .addUniqueConstraint("series_names", ["component", "vantage", "check_id"])
          .execute();

        // Keyed by time first: rows arrive at the end of the key order, retention cuts its start, and
        // rollups read time ranges. Clustered, the key index is the table: one B-tree per row written.
        await db.schema
          .createTable("observations")
          .addColumn("at", "bigint", (c) => c.notNull())
          .addColumn("series", "integer", (c) => c.notNull())
          .addColumn("status", "smallint", (c) => c.notNull())
          .addColumn("latency_ms", "double precision")
          .addColumn("error_class", "smallint")
          .addColumn("message", "text")
          .addColumn("id", "text")
          .addPrimaryKeyConstraint("observations_pk", ["at", "series"])
          .modifyEnd(clustered)
          .execute();

        // Keyed by series first: a component's graph reads its series' buckets, which lie together.
        for (const table of ["rollups_1m", "rollups_1h"]) {
          await db.schema
            .createTable(table)
            .addColumn("series", "integer", (c) => c.notNull())
            .addColumn("bucket", "bigint", (c) => c.notNull())
            .addColumn("up", "integer", (c) => c.notNull())
            .addColumn("degraded", "integer", (c) => c.notNull())
            .addColumn("down", "integer", (c) => c.notNull())
            .addColumn("latency_sum", "double precision", (c) => c.notNull())
            .addColumn("latency_count", "integer", (c) => c.notNull())
            .addColumn("latency_max", "double precision")
            .addPrimaryKeyConstraint(`${table}_pk`, ["series", "bucket"])
            .modifyEnd(clustered)
            .execute();
        }

        await db.schema
          .createTable("model_snapshots")
          .addColumn("seq", dialect.serialType, (c) => c.primaryKey())
          .addColumn("hash", id, (c) => c.notNull())
          .addColumn("model", "text", (c) => c.notNull())
          .addColumn("at", "bigint", (c) => c.notNull())
          .execute();

        await db.schema
          .createTable("checks")
          .addColumn("id", id, (c) => c.primaryKey())
          .addColumn("component", id, (c) => c.notNull())
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("spec", "text", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .execute();

        await db.schema
          .createTable("incidents")
          .addColumn("id", id, (c) => c.primaryKey())
          .addColumn("opened_at", "bigint", (c) => c.notNull())
          .addColumn("resolved_at", "bigint")
          .addColumn("epicenter", "text", (c) => c.notNull())
          .addColumn("affected", "text", (c) => c.notNull())
          .addColumn("history", "text", (c) => c.notNull())
          .addColumn("vantage", "integer", (c) => c.notNull())
          .addColumn("acknowledged_at", "bigint")
          .addColumn("acknowledged_by", "text")
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("incidents_opened_at").on("incidents").column("opened_at").execute();

        await db.schema
          .createTable("deliveries")
          .addColumn("id", id, (c) => c.primaryKey())
          .addColumn("incident_id", id, (c) => c.notNull())
          .addColumn("channel", id, (c) => c.notNull())
          .addColumn("event", "text", (c) => c.notNull())
          .addColumn("at", "bigint", (c) => c.notNull())
          .addColumn("attempt", "integer", (c) => c.notNull())
          .addColumn("ok", "integer", (c) => c.notNull())
          .addColumn("detail", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("deliveries_incident_at")
          .on("deliveries")
          .columns(["incident_id", "at"])
          .execute();
        await db.schema.createIndex("deliveries_at").on("deliveries").column("at").execute();

        await db.schema
          .createTable("alert_states")
          .addColumn("incident_id", id, (c) => c.notNull())
          .addColumn("channel", id, (c) => c.notNull())
          .addColumn("delivered", "text", (c) => c.notNull())
          .addColumn("digest", "text", (c) => c.notNull())
          .addColumn("at", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("alert_states_pk", ["incident_id", "channel"])
          .modifyEnd(clustered)
          .execute();

        await db.schema
          .createTable("tokens")
          .addColumn("id", id, (c) => c.primaryKey())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("role", "text", (c) => c.notNull())
          .addColumn("hash", id, (c) => c.notNull().unique())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("expires_at", "bigint")
          .addColumn("revoked_at", "bigint")
          .execute();

        await db.schema
          .createTable("heartbeats")
          .addColumn("check_id", id, (c) => c.primaryKey())
          .addColumn("at", "bigint", (c) => c.notNull())
          .execute();
      },
    },
    // Suspected dependencies (localize/suspected-dependencies.ts): one row per incident's evidence for a
    // (component, cause) pair, so what several hub runs learned merges without counting an incident twice;
    // and each incident's suspected components (JSON; null for incidents stored before).
    "0002-suspected-dependencies": {
      async up(db: AnyDb) {
        await db.schema
          .createTable("suspected_evidence")
          .addColumn("component", id, (c) => c.notNull())
          .addColumn("cause", id, (c) => c.notNull())
          .addColumn("incident_id", id, (c) => c.notNull())
          .addColumn("first_seen", "bigint", (c) => c.notNull())
          .addColumn("last_seen", "bigint", (c) => c.notNull())
          .addColumn("recovered", "integer")
          .addPrimaryKeyConstraint("suspected_evidence_pk", ["component", "cause", "incident_id"])
          .modifyEnd(clustered)
          .execute();
        await db.schema.alterTable("incidents").addColumn("suspected", "text").execute();
      },
    },
    // Agent tokens (auth-tokens.ts): each is bound to the one vantage it may post observations as; null for
    // the other roles, and so for every token stored before.
    "0003-token-vantage": {
      async up(db: AnyDb) {
        await db.schema.alterTable("tokens").addColumn("vantage", id).execute();
      },
    },
    // Maintenance windows (maintenance-store.ts): the API's, and config occurrences ended early. Read by
    // planned end (what is current or upcoming), so that is indexed.
    "0004-maintenances": {
      async up(db: AnyDb) {
        await db.schema
          .createTable("maintenances")
          .addColumn("id", id, (c) => c.primaryKey())
          .addColumn("title", "text", (c) => c.notNull())
          .addColumn("components", "text", (c) => c.notNull())
          .addColumn("starts_at", "bigint", (c) => c.notNull())
          .addColumn("ends_at", "bigint", (c) => c.notNull())
          .addColumn("source", "text", (c) => c.notNull())
          .addColumn("created_by", "text")
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("ended_at", "bigint")
          .execute();
        await db.schema.createIndex("maintenances_ends_at").on("maintenances").column("ends_at").execute();
      },
    },
    // What people wrote about an incident (incident-update-store.ts), read by incident.
    "0005-incident-updates": {
      async up(db: AnyDb) {
        await db.schema
          .createTable("incident_updates")
          .addColumn("id", id, (c) => c.primaryKey())
          .addColumn("incident_id", id, (c) => c.notNull())
          .addColumn("at", "bigint", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("message", "text", (c) => c.notNull())
          .addColumn("public", "integer", (c) => c.notNull())
          .addColumn("author", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("incident_updates_incident")
          .on("incident_updates")
          .columns(["incident_id", "at"])
          .execute();
      },
    },
    // Status-page subscribers (subscription-store.ts): found by the hash of a confirmation token or by an
    // unsubscribe token, each indexed; confirmed ones are listed for every incident event.
    "0006-subscriptions": {
      async up(db: AnyDb) {
        await db.schema
          .createTable("subscriptions")
          .addColumn("id", id, (c) => c.primaryKey())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("target", "text", (c) => c.notNull())
          .addColumn("components", "text", (c) => c.notNull())
          .addColumn("confirm_hash", "text")
          .addColumn("unsubscribe_token", "text", (c) => c.notNull().unique())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("confirmed_at", "bigint")
          .execute();
        await db.schema
          .createIndex("subscriptions_confirm_hash")
          .on("subscriptions")
          .column("confirm_hash")
          .execute();
      },
    },
  };
}

/**
 * Brings the schema up to date; `schema` names the PostgreSQL schema holding the migration tables (the
 * connection's search_path must point there too). Throws a StoreError naming the migration that failed.
 */
export async function migrateStore(db: AnyDb, dialect: StoreDialect, schema?: string): Promise<void> {
  const migrations = storeMigrations(dialect);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "(before any migration)";
    const message = error instanceof Error ? error.message : String(error);
    // Kysely's words for a store whose recorded migrations this version does not have.
    const hint = /corrupted migrations/.test(message)
      ? "; the store was made by another (development) version of Epicenter: open it with that version, or move it away to start afresh"
      : "";
    throw new StoreError("E_STORE_MIGRATE", `could not migrate the store at ${failed}: ${message}${hint}`, {
      cause: error,
    });
  }
}
