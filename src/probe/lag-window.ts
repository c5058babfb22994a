/** Scheduling lag over a sliding window: the last `windowMs` of runs, at most the last `capacity` of them. */

export interface LagSummary {
  /** Runs in the window. */
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export class LagWindow {
  readonly #at: Float64Array;
  readonly #lag: Float64Array;
  readonly #windowMs: number;
  #next = 0;
  #size = 0;

  constructor(windowMs = 60_000, capacity = 20_000) {
    this.#at = new Float64Array(capacity);
    this.#lag = new Float64Array(capacity);
    this.#windowMs = windowMs;
  }

  add(at: number, lagMs: number): void {
    this.#at[this.#next] = at;
    this.#lag[this.#next] = lagMs;
    this.#next = (this.#next + 1) % this.#at.length;
    this.#size = Math.min(this.#size + 1, this.#at.length);
  }

  /** Percentiles (nearest rank) of the lags recorded after `now - windowMs`. */
  summary(now: number): LagSummary {
    const since = now - this.#windowMs;
    const values: number[] = [];
    for (let i = 0; i < this.#size; i++) if (this.#at[i]! > since) values.push(this.#lag[i]!);
    if (values.length === 0) return { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
    const sorted = Float64Array.from(values).sort();
    const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    return { count: sorted.length, p50Ms: rank(0.5), p99Ms: rank(0.99), maxMs: sorted[sorted.length - 1]! };
  }
}
