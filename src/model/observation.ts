/** The observation: one check result from one vantage, the unit every edge (probe, bus, store, localizer) passes on. */
import type { Status } from "./model-types.js";

/**
 * Why a check failed. `blocked`: the target guard refused the address; `missed`: a heartbeat did not arrive
 * within its grace; `reported`: a vendor's status page says so.
 */
export const ERROR_CLASSES = [
  "dns",
  "connect-refused",
  "connect-timeout",
  "tls",
  "timeout",
  "http-5xx",
  "http-4xx",
  "assertion",
  "protocol",
  "blocked",
  "missed",
  "reported",
] as const;

export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** Time spent in each phase of a check, ms (what a probe measured); a phase that did not happen is absent. */
export interface Phases {
  dns?: number;
  connect?: number;
  tls?: number;
  firstByte?: number;
  total: number;
}

export interface Observation {
  /**
   * Unique per observation (the agent makes it: vantage, check, time, and the component for a status page);
   * buses de-duplicate on it, the store on (vantage, check, component, at), what the id is made of.
   */
  id: string;
  /** When the check finished, Unix epoch milliseconds. */
  at: number;
  vantage: string;
  component: string;
  /** The check's id (`<component>#<n>` unless the config names it). */
  check: string;
  status: Status;
  latencyMs: number | null;
  errorClass: ErrorClass | null;
  /** A short human reason ("HTTP 503", "ECONNREFUSED 127.0.0.5:80"); never required. */
  message?: string;
  /**
   * Where the time went (DNS, connect, TLS, first byte, total, ms), only on failed or degraded results: what
   * the component page shows of its last failing check. The store does not keep it (the hub holds the last
   * impaired observation per component and vantage in memory).
   */
  phases?: Phases;
}
