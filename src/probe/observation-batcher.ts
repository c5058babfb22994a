/**
 * Hands observations to a publish function in batches (every `batchMs`, or as soon as `batchMax` wait), one
 * batch at a time and in order. A failed publish is retried with backoff (or after the wait the far side
 * asked for), the batch kept at the front; while the far side is away the buffer is bounded, and the oldest
 * observations beyond it are dropped and counted. A batch refused for what it holds (a permanent refusal:
 * an observation the hub will never take) is split until the refused observations are found: those are
 * handed to `onRefused` (the agent's dead-letter file) and the rest are delivered, so one bad observation
 * never blocks the ones behind it. What is still unpublished at close goes to `onLeft` (the agent's spool, for
 * its next start) when one is given, instead of being dropped.
 */
import { backoffDelay } from "../model/backoff.js";
import type { Observation } from "../model/observation.js";

/** Longest wait between publish retries. */
const MAX_RETRY_MS = 10_000;

export type PublishFn = (batch: Observation[]) => Promise<void>;

/**
 * What a publish function's rejection may say, read structurally (HttpPublishError says all of it):
 * `permanent` when the batch was refused for what it holds, so sending it again cannot help; `refusals`
 * naming observations by their index in the batch sent; `reason` for the record; `retryAfterMs` the wait
 * the far side asked for. A rejection saying none of it is transient.
 */
export interface PublishRefusal {
  permanent?: boolean;
  status?: number | null;
  reason?: string;
  refusals?: readonly { index: number; message: string }[];
  retryAfterMs?: number | null;
}

/** An observation the far side will not take, and its words. */
export interface RefusedObservation {
  observation: Observation;
  /** Epoch ms of the refusal. */
  refusedAt: number;
  status: number | null;
  reason: string;
}

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
  /** Told of each observation refused for good (default: only counted). */
  onRefused?: (refused: RefusedObservation[]) => void;
  /**
   * Given what is still unpublished when close() ends (the far side away or refusing the credentials), so
   * it is kept rather than dropped; awaited. A rejection drops them after all (counted).
   */
  onLeft?: (left: Observation[]) => Promise<void>;
  /** Wall clock for `refusedAt` and `failingSince` (default Date.now). */
  clock?: () => number;
}

export interface BatcherStats {
  published: number;
  /** Waiting, or in a publish not yet answered. */
  buffered: number;
  dropped: number;
  /** Refused for good by the far side (handed to onRefused). */
  refused: number;
  /** Unpublished at close and handed to onLeft. */
  kept: number;
  publishErrors: number;
  lastError: string | null;
  /** The status of the last failed publish's answer (null: no answer, or a publish that said none). */
  lastStatus: number | null;
  /** Epoch ms of the first of the failed publishes since the last one that went through; null when none. */
  failingSince: number | null;
}

export class ObservationBatcher {
  readonly #o: Required<Omit<BatcherOptions, "onRefused" | "onLeft">> &
    Pick<BatcherOptions, "onRefused" | "onLeft">;
  #buffer: Observation[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #sending: Promise<void> | null = null;
  #flight: Flight | null = null;
  #failures = 0;
  #closed = false;
  /** Inside close(), before its deadline: a failed batch goes back to be tried again. */
  #draining = false;
  /** The wait the last transient refusal asked for (a 429's or 503's Retry-After), if any. */
  #retryAfterMs: number | null = null;
  readonly #stats = {
    published: 0,
    dropped: 0,
    refused: 0,
    kept: 0,
    publishErrors: 0,
    lastError: null as string | null,
    lastStatus: null as number | null,
    failingSince: null as number | null,
  };

  constructor(options: BatcherOptions) {
    this.#o = {
      batchMs: 250,
      batchMax: 500,
      bufferMax: 100_000,
      retryMs: 500,
      clock: Date.now,
      ...options,
    };
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
    // A batch still in flight at the deadline is given up, whatever it does later: kept with the rest
    // (the far side drops a copy it stored meanwhile) or counted dropped.
    const left: Observation[] = [];
    if (this.#flight) {
      this.#flight.abandoned = true;
      left.push(...this.#flight.work.flatMap((w) => w.part));
      this.#flight = null;
    }
    left.push(...this.#buffer);
    this.#buffer = [];
    if (left.length > 0 && this.#o.onLeft) {
      try {
        await this.#o.onLeft(left);
        this.#stats.kept += left.length;
        return this.stats();
      } catch (error) {
        this.#stats.lastError = `cannot keep ${left.length} unpublished observations: ${(error as Error).message}`;
      }
    }
    this.#stats.dropped += left.length;
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
    const flight: Flight = { size: batch.length, abandoned: false, work: [] };
    this.#flight = flight;
    this.#sending = this.#deliver(batch, flight)
      .then((unsettled) => {
        if (flight.abandoned) return;
        if (unsettled.length === 0) {
          this.#failures = 0;
          this.#retryAfterMs = null;
          return;
        }
        this.#failures++;
        if (this.#closed && !this.#draining) this.#stats.dropped += unsettled.length;
        else {
          this.#buffer = unsettled.concat(this.#buffer);
          this.#bound();
        }
      })
      .finally(() => {
        this.#sending = null;
        this.#flight = null;
        if (this.#closed || this.#buffer.length === 0) return;
        if (this.#failures > 0) {
          const backoff = backoffDelay(this.#failures, { firstMs: this.#o.retryMs, maxMs: MAX_RETRY_MS });
          this.#sendSoon(Math.max(backoff, this.#retryAfterMs ?? 0));
        } else this.#sendSoon(this.#buffer.length >= this.#o.batchMax ? 0 : this.#o.batchMs);
      });
    return this.#sending;
  }

  /**
   * Publishes `batch`, splitting what is refused for good until every observation is published or refused
   * (in order); returns what is left unsettled by a transient failure (empty when all settled).
   */
  async #deliver(batch: Observation[], flight: Flight): Promise<Observation[]> {
    const work: Flight["work"] = [{ part: batch, refusal: null }];
    flight.work = work;
    while (work.length > 0) {
      const item = work[0]!;
      if (item.refusal === null) {
        try {
          await this.#o.publish(item.part);
          if (flight.abandoned) return [];
          work.shift();
          this.#stats.published += item.part.length;
          this.#stats.failingSince = null;
          this.#stats.lastStatus = null;
          flight.size -= item.part.length;
          continue;
        } catch (error) {
          if (flight.abandoned) return [];
          this.#stats.publishErrors++;
          this.#stats.lastError = error instanceof Error ? error.message : String(error);
          const refusal = (typeof error === "object" && error !== null ? error : {}) as PublishRefusal;
          this.#stats.lastStatus = refusal.status ?? null;
          if (refusal.permanent !== true) {
            this.#stats.failingSince ??= this.#o.clock();
            this.#retryAfterMs = refusal.retryAfterMs ?? null;
            return work.flatMap((w) => w.part);
          }
          item.refusal = refusal;
        }
      }
      work.shift();
      const { refused, rest } = blame(item.part, item.refusal!, this.#stats.lastError ?? "refused");
      if (refused.length > 0) this.#refuse(refused, item.refusal!.status ?? null, flight);
      work.unshift(...rest.map((part) => ({ part, refusal: null })));
    }
    return [];
  }

  #refuse(
    refused: { observation: Observation; reason: string }[],
    status: number | null,
    flight: { size: number },
  ): void {
    this.#stats.refused += refused.length;
    flight.size -= refused.length;
    const refusedAt = this.#o.clock();
    try {
      this.#o.onRefused?.(refused.map((r) => ({ ...r, refusedAt, status })));
    } catch {
      // The record is best effort; delivering the rest is not.
    }
  }
}

/**
 * What a permanent refusal of `part` tells: a lone observation is the one refused; observations the far
 * side named are refused with its words and the rest go on as one part; otherwise the part is halved
 * (bisection: k bad observations among n cost about 2k·log2(n/k) publishes).
 */
function blame(
  part: readonly Observation[],
  refusal: PublishRefusal,
  fallback: string,
): { refused: { observation: Observation; reason: string }[]; rest: Observation[][] } {
  const prefix = refusal.status ? `HTTP ${refusal.status}: ` : "";
  if (part.length === 1)
    return { refused: [{ observation: part[0]!, reason: refusal.reason ?? fallback }], rest: [] };
  const named = new Map<number, string>();
  for (const r of refusal.refusals ?? [])
    if (Number.isInteger(r.index) && r.index >= 0 && r.index < part.length && !named.has(r.index))
      named.set(r.index, r.message);
  if (named.size > 0) {
    const refused = [...named]
      .sort((a, b) => a[0] - b[0])
      .map(([i, m]) => ({ observation: part[i]!, reason: `${prefix}${m}` }));
    const rest = part.filter((_, i) => !named.has(i));
    return { refused, rest: rest.length > 0 ? [rest] : [] };
  }
  const half = Math.ceil(part.length / 2);
  return { refused: [], rest: [part.slice(0, half), part.slice(half)] };
}

/** A batch being published: what is left of it to settle (its parts, in order), and whether close gave it up. */
interface Flight {
  size: number;
  abandoned: boolean;
  work: { part: Observation[]; refusal: PublishRefusal | null }[];
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
