/**
 * Brakes on password guessing: failed logins counted per client address and per user name in a sliding
 * window; once either key has `limit` failures in the window, logins for it are refused until the oldest
 * failure leaves the window (answered 429 with Retry-After). In memory, per app: a restart forgets, which
 * at 5 guesses a minute costs an attacker nothing worth having.
 */

export interface ThrottleOptions {
  /** Failures allowed per key in the window (default 5). */
  limit?: number;
  /** The window, ms (default 60 s). */
  windowMs?: number;
  /** Keys remembered at most (the oldest are dropped first), so a flood of names cannot grow memory unbounded. */
  maxKeys?: number;
}

export class LoginThrottle {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  /** key → failure times, oldest first; Map order is insertion order, so the first keys are the oldest. */
  readonly #failures = new Map<string, number[]>();

  constructor(options: ThrottleOptions = {}) {
    this.#limit = options.limit ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /** Ms until a login for these keys may be tried again; 0 when it may be tried now. */
  retryAfterMs(keys: string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const times = this.#recent(key, now);
      if (times.length >= this.#limit)
        wait = Math.max(wait, times[times.length - this.#limit]! + this.#windowMs - now);
    }
    return wait;
  }

  fail(keys: string[], now: number): void {
    for (const key of keys) {
      const times = this.#recent(key, now);
      this.#failures.delete(key);
      this.#failures.set(key, [...times, now].slice(-this.#limit));
    }
    while (this.#failures.size > this.#maxKeys) this.#failures.delete(this.#failures.keys().next().value!);
  }

  /** Takes back one failure counted at `at` (an attempt counted before it was checked, that succeeded). */
  forgive(key: string, at: number): void {
    const times = this.#failures.get(key);
    const i = times?.indexOf(at) ?? -1;
    if (i >= 0) times!.splice(i, 1);
  }

  /** Forgets the failures of `key` (a user who got their password right). */
  clear(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    const times = (this.#failures.get(key) ?? []).filter((t) => t > now - this.#windowMs);
    if (times.length === 0) this.#failures.delete(key);
    return times;
  }
}
