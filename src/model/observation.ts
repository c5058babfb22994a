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

/** Longest `message` the hub takes (the API refuses longer ones); agents cut theirs to it at the source. */
export const MAX_MESSAGE_LENGTH = 1000;

/** `message` cut to MAX_MESSAGE_LENGTH characters (an ellipsis marks the cut). */
export function boundedMessage(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

/**
 * How far ahead of the hub's clock an observation's time may be: room for clock skew between an agent's
 * host and the hub's. Beyond it an observation is refused at ingest (and dropped from the bus), skipped
 * by reads and deleted by retention: one far-future row would otherwise pin a component's latest state,
 * hold a localizer round open until then, and outlive every retention.
 */
export const MAX_AHEAD_MS = 5 * 60_000;

/** Why an observation at `at` cannot be taken at `now` (it is too far in the future), or null. */
export function futureTimeReason(at: number, now: number): string | null {
  if (at <= now + MAX_AHEAD_MS) return null;
  const when = Number.isFinite(new Date(at).getTime()) ? new Date(at).toISOString() : `${at} ms`;
  const ahead = (at - now) / 1000;
  const by = ahead < 86_400 ? `${Math.round(ahead)} s` : `${Math.round(ahead / 86_400)} days`;
  return (
    `at ${when} is ${by} ahead of the hub's clock (${new Date(now).toISOString()}); ` +
    `at most ${MAX_AHEAD_MS / 60_000} minutes are allowed: check the agent's clock`
  );
}
