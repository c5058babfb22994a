/**
 * What the HTTP server asks of the hub. The server (src/server) only translates HTTP to these calls; the hub
 * (src/hub) owns the pipeline behind them. Times are epoch ms; the server renders them as ISO 8601.
 */
import type { SuspectedDependency } from "../localize/suspected-dependencies.js";
import type { GroupRule } from "../model/group-rule.js";
import type { ComponentSpec } from "../model/model-types.js";
import type { Observation } from "../model/observation.js";
import type { Check } from "../probe/check-types.js";
import type { IncidentUpdateLog } from "../store/incident-update-store.js";
import type {
  IncidentQuery,
  ObservationQuery,
  Role,
  Rollup,
  RollupQuery,
  Store,
  StoredIncident,
} from "../store/store.js";
import type { MaintenanceBook } from "./maintenance-book.js";

/** A component's state as the hub sees it now: observed by each vantage, and the localizer's belief. */
export interface ComponentState {
  component: string;
  /** Latest status per vantage (observed components only). */
  observed: {
    vantage: string;
    status: "up" | "degraded" | "down";
    at: number;
    errorClass: Observation["errorClass"];
  }[];
  /** The localizer's view: up, or failing as an epicenter, or affected by one. */
  belief: "up" | "failing" | "affected";
  /** Open incident naming or affecting it. */
  incidentId: string | null;
}

/** Pushed to live-stream subscribers. */
export type HubEvent =
  | { type: "incident"; action: "opened" | "changed" | "resolved" | "acknowledged"; incident: StoredIncident }
  | { type: "state"; states: ComponentState[] }
  | { type: "config"; action: "reloaded" | "rejected"; message: string };

export interface WhatIfAnswer {
  failed: string[];
  down: string[];
  degraded: string[];
  /** Observed (monitored) components hit, the user's own services. */
  observedHit: string[];
}

/** Someone who may log in with a name and password (`server.users`); the hash is `scrypt$N$r$p$salt$hash`. */
export interface HubUser {
  name: string;
  role: Role;
  passwordHash: string;
}

/** The API tokens (and password sessions) the hub keeps, shared by every replica: the store's token table. */
export type HubTokens = Pick<Store, "createToken" | "findTokenByHash" | "listTokens" | "revokeToken">;

export interface Hub {
  readonly tokens: HubTokens;
  /** Maintenance windows: listed, made and ended through the API, shown on the status page. */
  readonly maintenance: MaintenanceBook;
  /** What people wrote about incidents (the store's, shared by every replica), beside the localizer's history. */
  readonly incidentUpdates: IncidentUpdateLog;
  /** Who may log in with a password (the config's `server.users`, after reloads); empty: tokens only. */
  users(): HubUser[];
  /** The model the hub runs now (after reloads). */
  components(): ComponentSpec[];
  /** The `groups:` rules now (after reloads): when each named group counts as down. */
  groupRules(): Record<string, GroupRule>;
  checks(): Check[];
  vantages(): string[];
  states(): ComponentState[];
  /**
   * The component's last down or degraded observation from each vantage (with the check's phases), newest
   * first; held in memory since the hub started, not read from the store.
   */
  lastFailures(component: string): Observation[];
  /**
   * Incidents newest first (ties by id, descending), filtered and paged as the store's `listIncidents`: the
   * open ones as the hub holds them now (one it just opened or changed before its save is done included),
   * the rest as stored.
   */
  incidents(query?: IncidentQuery): Promise<StoredIncident[]>;
  /** One incident, as `incidents` has it; null when neither the hub nor the store knows the id. */
  incident(id: string): Promise<StoredIncident | null>;
  /** Stored observations, newest first (the store's `queryObservations`). */
  observations(query: ObservationQuery): Promise<Observation[]>;
  /**
   * For each observation of the batch, whether the store holds it already (same vantage, check, component
   * and time: the store's `storedObservations`), so that a batch an agent sends again is not taken twice.
   */
  storedObservations(batch: readonly Observation[]): Promise<boolean[]>;
  /** Stored rollups (the store's `queryRollups`). */
  rollups(query: RollupQuery): Promise<Rollup[]>;
  /** Dependencies the model probably lacks, learned from the incidents so far (kept across restarts), best score first. */
  suspectedDependencies(): Promise<SuspectedDependency[]>;
  /** Accepts observations from agents; resolves once they are committed to the store (then 202). */
  ingest(observations: Observation[]): Promise<void>;
  /** A heartbeat arrived for this secret token; false when no check has it. */
  heartbeat(token: string, at: number): Promise<boolean>;
  whatIf(failed: string[]): WhatIfAnswer;
  acknowledge(incidentId: string, by: string): Promise<StoredIncident | null>;
  /** Subscribes to live events; returns the unsubscribe function. */
  subscribe(listener: (event: HubEvent) => void): () => void;
  /** Prometheus text exposition of the hub's metrics. */
  metrics(): Promise<string>;
}

/** One observation of a batch the hub refuses, and why (see hub/observation-admission.ts). */
export interface ObservationRefusal {
  /** Its place in the batch. */
  index: number;
  /** The field to blame: `observations[3].component`. */
  path: string;
  code: "E_UNKNOWN_COMPONENT" | "E_UNKNOWN_VANTAGE" | "E_FUTURE_TIME";
  message: string;
}

/**
 * Input the hub refuses for what it names or says, not for its shape (the server validated that): an
 * observation of a component or vantage the model does not have, or from too far in the future. The server
 * answers 422 with `message`, and each refused observation of a batch in `refusals`.
 */
export class HubInputError extends Error {
  override readonly name = "HubInputError";
  /**
   * A refusal for what the input holds: an agent publishing straight to `ingest` (serve's own) splits the
   * batch to set the refused observations aside instead of retrying it (the batcher's PublishRefusal).
   */
  readonly permanent = true;
  readonly status = 422;
  constructor(
    readonly code: ObservationRefusal["code"],
    message: string,
    /** Where in the request: `observations[3].component`. */
    readonly path: string,
    /** Every refused observation of an ingested batch (empty for other input). */
    readonly refusals: readonly ObservationRefusal[] = [],
  ) {
    super(message);
  }
}
