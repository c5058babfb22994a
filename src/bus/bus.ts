/**
 * The bus: where agents hand observations over and the hub's consumers (store, localizer) take them.
 * Guarantees every implementation keeps (and the contract suite checks):
 * - at-least-once: a batch whose handler did not resolve is delivered again (consumers de-duplicate by id);
 * - order: one consumer group sees batches in publish order, one at a time;
 * - each consumer group gets every batch; members of one group share them.
 * `durable` tells whether a published batch survives a crash of this process (the in-memory bus: no).
 */
import type { Observation } from "../model/observation.js";

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
}

export interface Subscription {
  /** Batches published but not yet acknowledged by this group. */
  readonly pending: number;
  unsubscribe(): Promise<void>;
}
