/**
 * When this process was held up: a ticker that should run every `tickMs` records each tick that came late by
 * more than `minStallMs` as a stall (the span it was late by), so a check's result can be asked "was the
 * prober itself stalled while you ran?". An event loop busy elsewhere (a large batch parsed, a long
 * evaluation, a garbage collection) or a process starved of CPU (a loaded laptop, a container's CPU quota
 * used up) makes a healthy target look slow or silent: the timer of a timeout fires before the answer
 * waiting in the socket is read. Pure: the caller passes the time (stall-meter.ts runs the ticker).
 */

export interface StallLogOptions {
  /** How often the ticker is meant to run, ms. */
  tickMs: number;
  /** Lateness below this is ordinary timer jitter, not a stall. */
  minStallMs: number;
  /** How long stalls are remembered (longer than any check's timeout). */
  keepMs: number;
}

export const DEFAULT_STALL_LOG: StallLogOptions = { tickMs: 20, minStallMs: 50, keepMs: 120_000 };

export class StallLog {
  readonly #o: StallLogOptions;
  /** Stalls as [start, end) pairs in time order: starts at even indices, ends at odd. */
  #spans: number[] = [];
  #last: number | null = null;

  constructor(options: Partial<StallLogOptions> = {}) {
    this.#o = { ...DEFAULT_STALL_LOG, ...options };
  }

  /** The ticker ran at `now`. */
  tick(now: number): void {
    const last = this.#last;
    this.#last = now;
    if (last === null || now < last) return; // first tick, or a clock stepped back: nothing to measure
    const due = last + this.#o.tickMs;
    if (now - due >= this.#o.minStallMs) this.#spans.push(due, now);
    // Forget what no check can ask about any more (amortised: drop in chunks).
    if (this.#spans.length > 64 && this.#spans[1]! < now - this.#o.keepMs) {
      let i = 0;
      while (i < this.#spans.length && this.#spans[i + 1]! < now - this.#o.keepMs) i += 2;
      this.#spans = this.#spans.slice(i);
    }
  }

  /** Milliseconds of [from, to] during which the process was stalled. */
  stalledMs(from: number, to: number): number {
    let total = 0;
    const s = this.#spans;
    for (let i = s.length - 2; i >= 0; i -= 2) {
      const start = s[i]!;
      const end = s[i + 1]!;
      if (end <= from) break; // spans are in time order: every earlier one ends earlier still
      const overlap = Math.min(end, to) - Math.max(start, from);
      if (overlap > 0) total += overlap;
    }
    return total;
  }

  /** Stalls remembered (for stats and tests). */
  get count(): number {
    return this.#spans.length / 2;
  }
}
