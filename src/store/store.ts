/**
 * The store: everything the hub keeps, behind one interface with one folder per engine (sqlite/, postgres/).
 * Contract (checked by test/store-contract.ts on every engine, on real databases):
 * - a write that resolved is committed: it survives kill -9 of the process and a restart;
 * - writes are idempotent: an observation is the same observation as one stored with the same (vantage,
 *   check, component, at) and is then skipped, whatever its id; a delivery is the same as one with its id;
 * - times are Unix epoch milliseconds everywhere; lists are newest first unless said otherwise.
 * Engines differ only through `capabilities`, never through checks of which engine is in use.
 */

import type { SuspectedEvidence } from "../localize/suspected-dependencies.js";
import type { Observation } from "../model/observation.js";
import type { IncidentUpdateLog } from "./incident-update-store.js";
import type { MaintenanceLog } from "./maintenance-store.js";
import type { SubscriptionLog } from "./subscription-store.js";

export interface StoreCapabilities {
  /** Several hub processes may share this store (PostgreSQL yes, SQLite no). */
  shared: boolean;
}

/**
 * Raw observations are kept in time order across all monitors: a time range reads only its rows, while a
 * component or vantage filter reads back from `to` (or the newest) until `limit` rows match, so give a range
 * when filtering for a rare series.
 */
export interface ObservationQuery {
  component?: string;
  vantage?: string;
  /** Inclusive lower bound, epoch ms. */
  from?: number;
  /** Exclusive upper bound, epoch ms. */
  to?: number;
  /** At most this many, newest first (default 1,000). */
  limit?: number;
}

export type Resolution = "1m" | "1h";

/** Counts of one (component, vantage) over one minute or hour, all its checks together. */
export interface Rollup {
  component: string;
  vantage: string;
  resolution: Resolution;
  /** Start of the bucket, epoch ms. */
  at: number;
  up: number;
  degraded: number;
  down: number;
  /** Mean and max latency of the observations that had one; null when none did. */
  latencyMeanMs: number | null;
  latencyMaxMs: number | null;
}

export interface RollupQuery {
  resolution: Resolution;
  component?: string;
  vantage?: string;
  from?: number;
  to?: number;
  limit?: number;
}

/**
 * How long each kind of history is kept; anything older is deleted by `applyRetention`. A store is opened
 * with one (`retention` option); each is at least an hour, because rollups are recomputed from the kind
 * below for the last hour.
 */
export interface Retention {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

/**
 * Default retention: raw observations for 1 day (the last incidents, result by result), minute rollups for 3
 * days (at a 30 s interval a minute holds 2 results: they are for zooming into the last days), hourly rollups
 * for 400 days (a year and a month, for year-over-year). At 10,000 monitors every 30 s that is about 3 GiB
 * in SQLite; BENCHMARKS.md (bench:ingest) has the arithmetic.
 */
export const DEFAULT_RETENTION: Retention = {
  rawMs: 1 * 86_400_000,
  minuteMs: 3 * 86_400_000,
  hourMs: 400 * 86_400_000,
};

export interface RankedEpicenter {
  component: string;
  confidence: number;
}

export interface StoredIncident {
  /** Stable across hub restarts. */
  id: string;
  openedAt: number;
  resolvedAt: number | null;
  epicenter: RankedEpicenter[];
  affected: string[];
  history: { at: number; epicenter: RankedEpicenter[] }[];
  /** The epicenter is a vantage: the watcher itself is blind. */
  vantage: boolean;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  updatedAt: number;
  /**
   * Affected components that failed with the cause but have no path to it in the model: probably through a
   * dependency the model lacks (sorted). Absent on incidents stored without one.
   */
  suspected?: string[];
}

export interface IncidentQuery {
  open?: boolean;
  /** Incidents opened before this time (paging), epoch ms. */
  before?: number;
  limit?: number;
}

/** One attempt to deliver one notification to one channel. */
export interface DeliveryRecord {
  id: string;
  incidentId: string;
  channel: string;
  /** opened | changed | resolved */
  event: string;
  at: number;
  attempt: number;
  ok: boolean;
  /** HTTP status or SMTP reply, or the error's message. */
  detail: string;
}

/**
 * What a channel was last told of an incident, so a restart neither re-sends nor forgets: a notifier that
 * finds state `opened` for a resolved incident still owes the resolve.
 */
export interface AlertState {
  incidentId: string;
  channel: string;
  /** The last event delivered (opened | changed | resolved). */
  delivered: string;
  /** A digest of what was delivered (the epicenter list), to tell a real change from a repeat. */
  digest: string;
  at: number;
}

/** The roles of users and of the routes' access levels, ranked viewer < editor < admin. */
export type Role = "viewer" | "editor" | "admin";

/** What a token may be: a ranked role, or `agent` (posts observations of its own vantage, nothing else). */
export type TokenRole = Role | "agent";

export interface StoredToken {
  id: string;
  name: string;
  role: TokenRole;
  /** The vantage an agent token posts as (its only one); null for every other role. */
  vantage: string | null;
  /** SHA-256 hex of the secret; the secret itself is never stored. */
  hash: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface StoredCheck {
  id: string;
  component: string;
  type: string;
  /** The check's normalised config, as JSON. */
  spec: unknown;
  updatedAt: number;
}

export interface Store {
  readonly engine: string;
  readonly capabilities: StoreCapabilities;
  /** Maintenance windows made through the API or ended early (maintenance-store.ts). */
  readonly maintenances: MaintenanceLog;
  /** The status page's e-mail and webhook subscribers (subscription-store.ts). */
  readonly subscriptions: SubscriptionLog;
  /** What people wrote about incidents (incident-update-store.ts). */
  readonly incidentUpdates: IncidentUpdateLog;

  /**
   * Writes a batch in one transaction; resolves once committed. An observation whose (vantage, check,
   * component, at) is already stored, earlier or in the same batch, is skipped: the first written wins, id
   * included. The id is kept as written but is not a key: two observations with the same id and different
   * (vantage, check, component, at) are both stored. (Agents make ids from exactly those, so for them an id
   * names one observation either way.)
   * Resolves with the observations this call wrote, in batch order: those skipped (stored before, by this
   * call's earlier rows, or by a concurrent call that committed first) are not in it. Two concurrent calls
   * with the same observation never both report it, so what is reported new can be fed on exactly once.
   */
  insertObservations(batch: Observation[]): Promise<Observation[]>;
  /**
   * For each observation of `batch`, whether one of its (vantage, check, component, at) is stored already
   * (what `insertObservations` would skip); in batch order. A read only: it holds nothing back from a write.
   */
  storedObservations(batch: readonly Observation[]): Promise<boolean[]>;
  /** Newest first; observations of the same instant in an order that is the same on every query. */
  queryObservations(query: ObservationQuery): Promise<Observation[]>;
  /** Folds raw observations in [from, to) into minute and hour rollups (idempotent: recomputes buckets). */
  rollup(from: number, to: number): Promise<void>;
  queryRollups(query: RollupQuery): Promise<Rollup[]>;
  /**
   * Deletes history older than the retention allows at `now` (the store's, unless `retention` overrides it
   * for this call), and raw observations more than MAX_AHEAD_MS ahead of `now`; returns rows deleted per kind.
   */
  applyRetention(now: number, retention?: Retention): Promise<{ raw: number; minute: number; hour: number }>;

  /** Keeps the model the hub runs (as JSON) with its hash; returns false when that hash is already the latest. */
  saveModelSnapshot(hash: string, model: unknown, at: number): Promise<boolean>;
  latestModelSnapshot(): Promise<{ hash: string; model: unknown; at: number } | null>;

  /** Replaces the set of configured checks. */
  replaceChecks(checks: StoredCheck[]): Promise<void>;
  listChecks(): Promise<StoredCheck[]>;

  /** Inserts or updates by id (history is the whole list, replaced). */
  saveIncident(incident: StoredIncident): Promise<void>;
  getIncident(id: string): Promise<StoredIncident | null>;
  listIncidents(query?: IncidentQuery): Promise<StoredIncident[]>;
  /** Sets acknowledgedAt/By; returns the updated incident, or null when there is no such incident. */
  acknowledgeIncident(id: string, by: string, at: number): Promise<StoredIncident | null>;

  recordDelivery(delivery: DeliveryRecord): Promise<void>;
  listDeliveries(incidentId?: string, limit?: number): Promise<DeliveryRecord[]>;
  getAlertState(incidentId: string, channel: string): Promise<AlertState | null>;
  setAlertState(state: AlertState): Promise<void>;
  /** Alert states whose last delivered event is not `resolved` (what a restarted notifier may still owe). */
  listUnresolvedAlertStates(): Promise<AlertState[]>;

  createToken(token: StoredToken): Promise<void>;
  findTokenByHash(hash: string): Promise<StoredToken | null>;
  listTokens(): Promise<StoredToken[]>;
  /** Returns false when no such token. */
  revokeToken(id: string, at: number): Promise<boolean>;

  /**
   * Keeps incidents' evidence of suspected dependencies, one entry per (component, cause, incident); an
   * entry already stored is merged, never replaced (mergeEvidence: the widest sighting, the first word on
   * recovery), so hubs and runs that each saw part of an incident lose nothing.
   */
  saveSuspectedEvidence(evidence: SuspectedEvidence[]): Promise<void>;
  /** Every stored entry, ordered by component, cause, incident. */
  listSuspectedEvidence(): Promise<SuspectedEvidence[]>;

  /** Last beat time per heartbeat check id (heartbeats must survive a restart, or every job looks late). */
  recordHeartbeat(checkId: string, at: number): Promise<void>;
  lastHeartbeats(): Promise<Map<string, number>>;

  close(): Promise<void>;
}

export type { SuspectedEvidence };
