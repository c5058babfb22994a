/**
 * The observations a replica took most recently, by the store's key (vantage, check, component, at), so
 * that one delivered again is not taken twice. On a durable bus the stream drops a repeated message only
 * when its Nats-Msg-Id (the hash of its ids, in order) is the same; an agent's retry that carries the
 * same observations in another batch (more behind them, or reordered) is a new message, and its copies
 * would reach the localizer twice. Bounded: the oldest keys are forgotten first.
 */
import type { Observation } from "../model/observation.js";

/** About a minute of observations at 1,500 a second; a copy older than that the API's stored-check skips. */
const DEFAULT_CAPACITY = 100_000;

export class RecentObservations {
  readonly #capacity: number;
  readonly #keys = new Set<string>();

  constructor(capacity = DEFAULT_CAPACITY) {
    this.#capacity = Math.max(1, capacity);
  }

  /** The observations of `batch` not seen before (nor earlier in it), remembering them. */
  fresh(batch: readonly Observation[]): Observation[] {
    const out: Observation[] = [];
    for (const o of batch) {
      // The store's key, joined by a character ids never hold.
      const key = `${o.vantage}\u0000${o.check}\u0000${o.component}\u0000${o.at}`;
      if (this.#keys.has(key)) continue;
      this.#keys.add(key);
      out.push(o);
    }
    // A Set iterates in insertion order: the first keys are the oldest.
    if (this.#keys.size > this.#capacity) {
      let over = this.#keys.size - this.#capacity;
      for (const key of this.#keys) {
        if (over-- <= 0) break;
        this.#keys.delete(key);
      }
    }
    return out;
  }
}
