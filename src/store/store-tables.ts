/**
 * The store's tables as Kysely sees them: one row type per table, shared by every engine. Column names are
 * snake_case; times are epoch milliseconds (bigint in PostgreSQL, read back as numbers); JSON is kept as
 * text so both engines store it the same way; booleans are 0/1 integers (better-sqlite3 binds no booleans).
 */
import type { Generated } from "kysely";

/**
 * One series: what a monitor is, (component, vantage, check), under a small integer that raw rows and
 * rollups repeat instead of the three names. Entries are only ever added (the store caches them).
 */
export interface SeriesTable {
  id: Generated<number>;
  component: string;
  vantage: string;
  check_id: string;
  /** Which canonical id its observations' ids have (see store-series.ts): 0 plain, 1 with the component. */
  id_form: number;
}

/**
 * One raw observation, keyed by (at, series): what makes an observation the same one. Time first, so rows
 * arrive at the end of the key order (one B-tree that grows at its edge) and retention cuts its start.
 */
export interface ObservationsTable {
  at: number;
  series: number;
  /** STATUS_CODES. */
  status: number;
  latency_ms: number | null;
  /** ERROR_CODES. */
  error_class: number | null;
  message: string | null;
  /** The observation's id, or null when it is its series' canonical id (almost always). */
  id: string | null;
}

/** One series over one bucket, keyed by (series, bucket); `rollups_1m` and `rollups_1h` share this shape. */
export interface RollupsTable {
  series: number;
  /** Start of the bucket, epoch ms. */
  bucket: number;
  up: number;
  degraded: number;
  down: number;
  /** Sum and count of the latencies that were not null; the mean is `latency_sum / latency_count`. */
  latency_sum: number;
  latency_count: number;
  latency_max: number | null;
}

export interface ModelSnapshotsTable {
  /** Assigned by the engine, increasing: tells the latest apart when two snapshots share a time. */
  seq: Generated<number>;
  hash: string;
  model: string;
  at: number;
}

export interface ChecksTable {
  id: string;
  component: string;
  type: string;
  spec: string;
  updated_at: number;
}

export interface IncidentsTable {
  id: string;
  opened_at: number;
  resolved_at: number | null;
  epicenter: string;
  affected: string;
  history: string;
  vantage: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  updated_at: number;
  /** JSON list of suspected components; null when the incident was stored without one. */
  suspected: string | null;
}

export interface DeliveriesTable {
  id: string;
  incident_id: string;
  channel: string;
  event: string;
  at: number;
  attempt: number;
  ok: number;
  detail: string;
}

export interface AlertStatesTable {
  incident_id: string;
  channel: string;
  delivered: string;
  digest: string;
  at: number;
}

export interface TokensTable {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  /** The vantage of an agent token; null for other roles (and for every token stored before 0003). */
  vantage: string | null;
}

/** One incident's evidence that `component` depends on `cause` (see localize/suspected-evidence.ts). */
export interface SuspectedEvidenceTable {
  component: string;
  cause: string;
  incident_id: string;
  first_seen: number;
  last_seen: number;
  /** 1 recovered with the cause, 0 did not, null while the incident is open. */
  recovered: number | null;
}

/** A maintenance window made through the API, or a config window's occurrence ended early (maintenance-store.ts). */
export interface MaintenancesTable {
  id: string;
  title: string;
  /** JSON array of component ids. */
  components: string;
  starts_at: number;
  ends_at: number;
  /** `api` or `config`. */
  source: string;
  created_by: string | null;
  created_at: number;
  ended_at: number | null;
}

/** What a person wrote about an incident (incident-update-store.ts). */
export interface IncidentUpdatesTable {
  id: string;
  incident_id: string;
  at: number;
  /** investigating, identified, monitoring or resolved. */
  status: string;
  message: string;
  /** 1 shown on the public status page, 0 not. */
  public: number;
  /** The token's or user's name. */
  author: string;
}

/** A status-page subscriber (subscription-store.ts). */
export interface SubscriptionsTable {
  id: string;
  /** `email` or `webhook`. */
  kind: string;
  target: string;
  /** JSON array of component ids; empty: all. */
  components: string;
  /** SHA-256 hex of the pending confirmation token; null once confirmed. */
  confirm_hash: string | null;
  unsubscribe_token: string;
  created_at: number;
  confirmed_at: number | null;
}

export interface HeartbeatsTable {
  check_id: string;
  at: number;
}

export interface StoreDatabase {
  series: SeriesTable;
  observations: ObservationsTable;
  rollups_1m: RollupsTable;
  rollups_1h: RollupsTable;
  model_snapshots: ModelSnapshotsTable;
  checks: ChecksTable;
  incidents: IncidentsTable;
  deliveries: DeliveriesTable;
  alert_states: AlertStatesTable;
  tokens: TokensTable;
  heartbeats: HeartbeatsTable;
  suspected_evidence: SuspectedEvidenceTable;
  maintenances: MaintenancesTable;
  subscriptions: SubscriptionsTable;
  incident_updates: IncidentUpdatesTable;
}

/** The columns of `observations`, in the order `observationRow` gives them (the key first). */
export const OBSERVATION_COLUMNS = [
  "at",
  "series",
  "status",
  "latency_ms",
  "error_class",
  "message",
  "id",
] as const satisfies readonly (keyof ObservationsTable)[];

/** The rollup tables by resolution. */
export const ROLLUP_TABLES = { "1m": "rollups_1m", "1h": "rollups_1h" } as const;
