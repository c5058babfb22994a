/**
 * The leader's upkeep of the store, on the hub's clock: every minute the last minutes' observations are
 * folded into rollups (two minutes back, for late arrivals), every hour retention deletes what is too old.
 * A failure is warned and tried again at the next turn.
 */
import type { Store } from "../store/store.js";

const ROLLUP_MS = 60_000;
/** How far back each fold reaches before the last one, for observations that arrived late. */
const ROLLUP_OVERLAP_MS = 120_000;
const RETENTION_MS = 3_600_000;

export class StoreUpkeep {
  #lastRollup = 0;
  #lastRetention = 0;

  /** The first fold and deletion are a period after `now`. */
  start(now: number): void {
    this.#lastRollup = now;
    this.#lastRetention = now;
  }

  async run(
    now: number,
    store: Pick<Store, "rollup" | "applyRetention">,
    onWarning?: (message: string) => void,
  ): Promise<void> {
    if (now - this.#lastRollup >= ROLLUP_MS) {
      const from = this.#lastRollup - ROLLUP_OVERLAP_MS;
      this.#lastRollup = now;
      await store.rollup(from, now).catch((e: Error) => onWarning?.(`rollup failed: ${e.message}`));
    }
    if (now - this.#lastRetention >= RETENTION_MS) {
      this.#lastRetention = now;
      await store.applyRetention(now).catch((e: Error) => onWarning?.(`retention failed: ${e.message}`));
    }
  }
}
