/**
 * Which replica leads: the holder of the leader lock stores incidents, judges heartbeats and notifies; the
 * others stand by, warm. Each tick keeps the lock (renewing it every third of its TTL) or seeks it. Without
 * a lock the hub always leads. Winning is two steps, so the caller can take the stored incidents over before
 * anyone sees it leading: `check` answers "won", the caller takes over, then calls `lead`.
 */
import type { LeaderLock } from "../bus/bus.js";

export interface LeadershipOptions {
  /** Told when this replica starts or stops leading. */
  onLeadership?: (leading: boolean) => void;
  onWarning?: (message: string) => void;
}

export class Leadership {
  readonly #lock: LeaderLock | undefined;
  readonly #options: LeadershipOptions;
  #leading: boolean;
  #lastRenew = 0;

  constructor(lock: LeaderLock | undefined, options: LeadershipOptions = {}) {
    this.#lock = lock;
    this.#options = options;
    this.#leading = lock === undefined;
  }

  get leading(): boolean {
    return this.#leading;
  }

  /** Whether there are replicas to lead (a lock); a lone hub has none. */
  get replicated(): boolean {
    return this.#lock !== undefined;
  }

  /**
   * Keeps or seeks the lock at `now`: "won" when this replica just acquired it (call `lead` once the
   * incidents are taken over), "lost" when it could not renew (it stands by now), else "unchanged". A lock
   * that cannot be reached changes nothing (warned).
   */
  async check(now: number): Promise<"won" | "lost" | "unchanged"> {
    const lock = this.#lock;
    if (!lock) return "unchanged";
    try {
      if (this.#leading) {
        if (now - this.#lastRenew < lock.ttlMs / 3) return "unchanged";
        this.#lastRenew = now;
        if (await lock.renew()) return "unchanged";
        this.#leading = false;
        this.#options.onWarning?.("lost the leader lock: another replica leads now");
        this.#options.onLeadership?.(false);
        return "lost";
      }
      if (!(await lock.tryAcquire())) return "unchanged";
    } catch (error) {
      this.#options.onWarning?.(`leader lock: ${(error as Error).message}`);
      return "unchanged";
    }
    this.#lastRenew = now;
    return "won";
  }

  /**
   * This replica leads from now on (after `check` answered "won"); `first` (what the leader writes on taking
   * over) runs leading, before anyone is told.
   */
  async lead(first: () => Promise<void>): Promise<void> {
    this.#leading = true;
    await first();
    this.#options.onLeadership?.(true);
  }

  /** Gives back a lock `check` just won, without leading (the take-over failed): another may take it. */
  async giveUp(): Promise<void> {
    if (!this.#leading && this.#lock) await this.#lock.release().catch(() => {});
  }

  /** Gives the lock up if this replica holds it (on stop), so another may lead at once. */
  async release(): Promise<void> {
    if (this.#leading && this.#lock) await this.#lock.release().catch(() => {});
  }
}
