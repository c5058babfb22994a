/**
 * Hands observations to a publish function in batches (every `batchMs`, or as soon as `batchMax` wait), one
 * batch at a time and in order. A failed publish is retried with backoff, the batch kept at the front; while
 * the far side is away the buffer is bounded, and the oldest observations beyond it are dropped and counted.
 */
import type { Observation } from "../model/observation.js";

export type PublishFn = (batch: Observation[]) => Promise<void>;

export interface BatcherOptions {
  publish: PublishFn;
  /** Longest an observation waits before its batch goes (default 250 ms). */
  batchMs?: number;
  /** Largest batch (default 500). */
  batchMax?: number;
  /** Most observations held while publishing fails (default 100,000); beyond it the oldest are dropped. */
  bufferMax?: number;
  /** First retry delay after a failed publish, doubled up to 10 s (default 500 ms). */
  retryMs?: number;
}

export interface BatcherStats {
  published: number;
  /** Waiting, or in a publish not yet answered. */
  buffered: number;
  dropped: number;
  publishErrors: number;
  lastError: string | null;
}

export class ObservationBatcher {
  readonly #o: Required<BatcherOptions>;
  #buffer: Observation[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #sending: Promise<void> | null = null;
  #flight: { size: number; abandoned: boolean } | null = null;
  #failures = 0;
  #closed = false;
  /** Inside close(), before its deadline: a failed batch goes back to be tried again. */
  #draining = false;
  readonly #stats = { published: 0, dropped: 0, publishErrors: 0, lastError: null as string | null };

  constructor(options: BatcherOptions) {
    this.#o = { batchMs: 250, batchMax: 500, bufferMax: 100_000, retryMs: 500, ...options };
  }

  stats(): BatcherStats {
    return { ...this.#stats, buffered: this.#buffer.length + (this.#flight?.size ?? 0) };
  }

  add(observations: readonly Observation[]): void {
    if (this.#closed) {
      this.#stats.dropped += observations.length;
      return;
    }
    for (const o of observations) this.#buffer.push(o);
    this.#bound();
    if (this.#sending || this.#failures > 0) return; // the running send or the retry timer picks them up
    if (this.#buffer.length >= this.#o.batchMax) this.#sendSoon(0);
    else if (!this.#timer) this.#sendSoon(this.#o.batchMs);
  }

  /**
   * Publishes what is buffered until it is empty or `deadlineMs` from now has passed; what is left then is
   * dropped (counted). Later adds are dropped too.
   */
  async close(deadlineMs: number): Promise<BatcherStats> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const end = performance.now() + deadlineMs;
    this.#draining = true;
    while (performance.now() < end) {
      if (this.#sending) await race(this.#sending, end - performance.now());
      else if (this.#buffer.length === 0) break;
      else {
        const ok = await race(this.#send(), end - performance.now());
        if (ok && this.#failures > 0) await sleep(Math.min(this.#o.retryMs, end - performance.now()));
      }
    }
    this.#draining = false;
    // A batch still in flight at the deadline is given up: counted dropped, whatever it does later.
    if (this.#flight) {
      this.#flight.abandoned = true;
      this.#stats.dropped += this.#flight.size;
      this.#flight = null;
    }
    this.#stats.dropped += this.#buffer.length;
    this.#buffer = [];
    return this.stats();
  }

  #bound(): void {
    const over = this.#buffer.length - this.#o.bufferMax;
    if (over > 0) {
      this.#buffer.splice(0, over);
      this.#stats.dropped += over;
    }
  }

  #sendSoon(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#send();
    }, ms);
  }

  /** Sends one batch; then schedules the next (full batches at once, a partial one after batchMs, a retry). */
  #send(): Promise<void> {
    if (this.#sending) return this.#sending;
    const batch = this.#buffer.splice(0, this.#o.batchMax);
    if (batch.length === 0) return Promise.resolve();
    const flight = { size: batch.length, abandoned: false };
    this.#flight = flight;
    this.#sending = this.#o
      .publish(batch)
      .then(
        () => {
          if (flight.abandoned) return;
          this.#stats.published += batch.length;
          this.#failures = 0;
        },
        (error: unknown) => {
          if (flight.abandoned) return;
          this.#stats.publishErrors++;
          this.#stats.lastError = error instanceof Error ? error.message : String(error);
          this.#failures++;
          if (this.#closed && !this.#draining) this.#stats.dropped += batch.length;
          else {
            this.#buffer = batch.concat(this.#buffer);
            this.#bound();
          }
        },
      )
      .finally(() => {
        this.#sending = null;
        this.#flight = null;
        if (this.#closed || this.#buffer.length === 0) return;
        if (this.#failures > 0) this.#sendSoon(Math.min(10_000, this.#o.retryMs * 2 ** (this.#failures - 1)));
        else this.#sendSoon(this.#buffer.length >= this.#o.batchMax ? 0 : this.#o.batchMs);
      });
    return this.#sending;
  }
}

/** Whether `promise` settled within `ms`. */
async function race(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
