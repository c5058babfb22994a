/**
 * Writes that survive a dropped connection. When PostgreSQL ends a backend (pg_terminate_backend, a restart,
 * a failover, a proxy's idle cut) the statement running on it fails, and the pool's next connection works.
 * An observation batch is idempotent (ON CONFLICT DO NOTHING, series likewise), so the writer simply tries
 * again on a fresh connection a few times before giving up; the caller (an agent's 5xx retry, the bus's
 * redelivery) remains the last line. A transaction PostgreSQL aborted to break a deadlock or a serialization
 * conflict (two replicas writing overlapping batches in other orders) is tried again the same way: it
 * wrote nothing, and the next try finds the other's rows stored.
 */
import type { Observation } from "../../model/observation.js";
import type { ObservationWriter } from "../observation-insert.js";

/** SQLSTATE classes of a lost or refused connection: 08 connection exception, 57P operator intervention. */
const CONNECTION_STATE = /^(08|57P)/;
/** pg's and Node's own words for a socket that went away (no SQLSTATE then). */
const CONNECTION_MESSAGE =
  /Connection terminated|connection timeout|ECONNRESET|ECONNREFUSED|EPIPE|Client has encountered a connection error/i;

/** SQLSTATE of a transaction aborted for another's sake: 40P01 deadlock detected, 40001 serialization failure. */
const CONFLICT_STATE = /^(40P01|40001)$/;

/** Whether `error` is a transaction PostgreSQL aborted to let a concurrent one through (worth retrying). */
export function isConflictAbort(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && CONFLICT_STATE.test(code);
}

/** Whether `error` says the connection failed (worth retrying on another), not the statement. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && CONNECTION_STATE.test(code)) return true;
  return CONNECTION_MESSAGE.test(error.message);
}

export interface RetryOptions {
  /** Tries in all (default 4). */
  attempts?: number;
  /** Wait before the second try; doubled each time (default 100 ms). */
  backoffMs?: number;
  /** Told of each retried failure. */
  onRetry?: (error: Error, attempt: number) => void;
}

export class RetryingObservationWriter implements ObservationWriter {
  readonly #inner: ObservationWriter;
  readonly #attempts: number;
  readonly #backoffMs: number;
  readonly #onRetry: ((error: Error, attempt: number) => void) | undefined;

  constructor(inner: ObservationWriter, options: RetryOptions = {}) {
    this.#inner = inner;
    this.#attempts = Math.max(1, options.attempts ?? 4);
    this.#backoffMs = options.backoffMs ?? 100;
    this.#onRetry = options.onRetry;
  }

  /**
   * A try whose commit landed but whose answer was lost reports nothing written on the next try: those
   * observations are stored, and only this replica's live evaluation misses them (as on a failed bus publish).
   */
  async write(batch: Observation[]): Promise<Observation[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#inner.write(batch);
      } catch (error) {
        if (attempt >= this.#attempts || !(isConnectionError(error) || isConflictAbort(error))) throw error;
        this.#onRetry?.(error as Error, attempt);
        await new Promise((r) => setTimeout(r, this.#backoffMs * 2 ** (attempt - 1)));
      }
    }
  }
}
