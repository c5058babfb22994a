/**
 * The store: everything the hub keeps, behind one interface with one folder per engine (sqlite/, postgres/).
 * Contract (checked by test/store-contract.ts on every engine, on real databases):
 * - a write that resolved is committed: it survives kill -9 of the process and a restart;
 * - writes keyed by id are idempotent (an observation or delivery written twice is stored once);
 * - times are Unix epoch milliseconds everywhere; lists are newest first unless said otherwise.
 * Engines differ only through `capabilities`, never through checks of which engine is in use.
 */

import type { Status } from "../model/model-types.js";
import type { ErrorClass, Observation } from "../model/observation.js";

export interface StoreCapabilities {
  /** Several hub processes may share this store (PostgreSQL yes, SQLite no). */
  shared: boolean;
}

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

/** Counts of one (component, vantage) over one minute or hour. */
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

/** How long each kind of history is kept; anything older is deleted by `applyRetention`. */
export interface Retention {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

/** Default retention: raw for 2 days, minute rollups for 14 days, hourly for 400 days. */
export const DEFAULT_RETENTION: Retention = {
  rawMs: 2 * 86_400_000,
  minuteMs: 14 * 86_400_000,
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

export type Role = "viewer" | "editor" | "admin";

export interface StoredToken {
  id: string;
  name: string;
  role: Role;
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

  /** Writes a batch in one transaction; ids already stored are skipped. Resolves once committed. */
  insertObservations(batch: Observation[]): Promise<void>;
  queryObservations(query: ObservationQuery): Promise<Observation[]>;
  /** Folds raw observations in [from, to) into minute and hour rollups (idempotent: recomputes buckets). */
  rollup(from: number, to: number): Promise<void>;
  queryRollups(query: RollupQuery): Promise<Rollup[]>;
  /** Deletes history older than the retention allows at `now`; returns rows deleted per kind. */
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

  /** Last beat time per heartbeat check id (heartbeats must survive a restart, or every job looks late). */
  recordHeartbeat(checkId: string, at: number): Promise<void>;
  lastHeartbeats(): Promise<Map<string, number>>;

  close(): Promise<void>;
}

export type { ErrorClass, Observation, Status };
