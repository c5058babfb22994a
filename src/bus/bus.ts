/**
 * The bus: where agents hand observations over and the hub's consumers (store, localizer) take them.
 * Guarantees every implementation keeps (and the contract suite checks):
 * - at-least-once: a batch whose handler did not resolve is delivered again (consumers de-duplicate by id);
 * - order: one consumer group sees batches in publish order, one at a time;
 * - each consumer group gets every batch; members of one group share them.
 * `durable` tells whether a published batch survives a crash of this process (the in-memory bus: no).
 */
import type { Observation } from "../model/observation.js";
import type { Check } from "../probe/check-types.js";
import type { ProbePolicy } from "../probe/target-guard.js";

export interface Bus {
  readonly durable: boolean;
  /** Resolves when the bus has taken the batch (for a durable bus: when it is stored). */
  publish(batch: Observation[]): Promise<void>;
  /**
   * Calls `handler` with each batch for consumer group `group`. The batch is acknowledged when the handler
   * resolves; when it rejects, the batch is redelivered after `redeliverMs` (default 1 s).
   */
  consume(group: string, handler: ObservationHandler, options?: ConsumeOptions): Subscription;
  /** Stops delivery; pending handlers finish first. */
  close(): Promise<void>;
}

export type ObservationHandler = (batch: Observation[]) => Promise<void>;

export interface ConsumeOptions {
  redeliverMs?: number;
  /**
   * For a group that does not exist yet: deliver what was published from this time on (epoch ms) instead of
   * everything the bus holds. A hub replica's own group starts a few rounds back, to warm its localizer up.
   */
  startAt?: number;
  /** Let the bus forget the group after this long without a member (a group of one process's own). */
  inactiveMs?: number;
}

export interface Subscription {
  /**
   * Observations published but not yet acknowledged by this group (a remote bus reports it with a short
   * delay: it is the server's count as last seen, plus what this process holds).
   */
  readonly pending: number;
  unsubscribe(): Promise<void>;
}

/**
 * What one vantage is told to run: its checks, and the probe policy (where probes may connect) that goes
 * with them. The hub writes one per vantage; agents watch theirs and apply changes without restarting.
 */
export interface Assignment {
  checks: Check[];
  probes?: ProbePolicy;
}

/**
 * The checks assigned to each vantage, as a key-value view keyed by vantage id (the embedded hub: in
 * memory; scale-out: a JetStream key-value bucket the hub writes and agents watch).
 * Guarantees: `get` after a resolved `put` sees it (read your writes); `watch` calls `onChange` with the
 * current value (null when none) first, then with every later value in write order, until stopped.
 */
export interface AssignmentStore {
  put(vantage: string, assignment: Assignment): Promise<void>;
  get(vantage: string): Promise<Assignment | null>;
  delete(vantage: string): Promise<void>;
  watch(vantage: string, onChange: (assignment: Assignment | null) => void): AssignmentWatch;
}

export interface AssignmentWatch {
  stop(): Promise<void>;
}

/**
 * A named lock with a time to live, for one leader among hub replicas (who runs the localizer, who writes
 * assignments). Guarantees: at most one holder per name at a time, as long as holders renew within `ttlMs`;
 * a holder that stops renewing loses it after `ttlMs`, and then another may take it.
 */
export interface LeaderLock {
  readonly ttlMs: number;
  /** Takes the lock if free (or already ours); false when someone else holds it. */
  tryAcquire(): Promise<boolean>;
  /** Extends our hold; false when we lost it (expired and taken, or never held): stop leading then. */
  renew(): Promise<boolean>;
  /** Gives it up at once if we hold it. */
  release(): Promise<void>;
}
