/**
 * Brakes on password guessing: failed logins counted in a sliding window under three keys, each with its own
 * limit: one address guessing one name (tight), one address guessing any names (looser), and one name guessed
 * from anywhere (much looser, so that a guesser cannot lock a user out from every address with a handful of
 * wrong passwords, while a distributed guess still meets a ceiling). Once any key has reached its limit in the
 * window, logins under it are refused until its oldest failure leaves the window (answered 429 with
 * Retry-After). In memory, per app: a restart forgets, which at these rates costs an attacker nothing worth
 * having.
 */

/** Failures allowed per window for each key. */
export interface ThrottleLimits {
  /** One address, one name (default 5). */
  addressName: number;
  /** One address, any names (default 20). */
  address: number;
  /** One name, any addresses (default 100). */
  name: number;
}

const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = { addressName: 5, address: 20, name: 100 };

export interface ThrottleOptions {
  limits?: Partial<ThrottleLimits>;
  /** The window, ms (default 60 s). */
  windowMs?: number;
  /** Keys remembered at most (the oldest are dropped first), so a flood of names cannot grow memory unbounded. */
  maxKeys?: number;
}

/** Who is trying: the peer's address and the name asked for. */
export interface LoginAttempt {
  address: string;
  name: string;
}

export class LoginThrottle {
  readonly #limits: ThrottleLimits;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  /** key → failure times, oldest first; Map order is insertion order, so the first keys are the oldest. */
  readonly #failures = new Map<string, number[]>();

  constructor(options: ThrottleOptions = {}) {
    this.#limits = { ...DEFAULT_THROTTLE_LIMITS, ...options.limits };
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /** Ms until this attempt may be tried; 0 when it may be tried now. */
  retryAfterMs(attempt: LoginAttempt, now: number): number {
    let wait = 0;
    for (const [key, limit] of this.#keys(attempt)) {
      const times = this.#recent(key, now);
      if (times.length >= limit) wait = Math.max(wait, times[times.length - limit]! + this.#windowMs - now);
    }
    return wait;
  }

  /** Counts a failure of this attempt at `now` under each of its keys. */
  fail(attempt: LoginAttempt, now: number): void {
    for (const [key, limit] of this.#keys(attempt)) {
      const times = this.#recent(key, now);
      this.#failures.delete(key);
      this.#failures.set(key, [...times, now].slice(-limit));
    }
    while (this.#failures.size > this.#maxKeys) this.#failures.delete(this.#failures.keys().next().value!);
  }

  /**
   * Takes back the failure counted at `at` for an attempt that then succeeded, and forgets the address's
   * earlier failures for that name (typos of the user's own). The name's failures from elsewhere stay: a
   * guesser's count does not restart because the real user logged in.
   */
  succeeded(attempt: LoginAttempt, at: number): void {
    const [pair, ...others] = this.#keys(attempt);
    this.#failures.delete(pair![0]);
    for (const [key] of others) {
      const times = this.#failures.get(key);
      const i = times?.indexOf(at) ?? -1;
      if (i >= 0) times!.splice(i, 1);
    }
  }

  #keys({ address, name }: LoginAttempt): [string, number][] {
    // JSON keeps the pair unambiguous whatever characters the name holds.
    return [
      [`pair:${JSON.stringify([address, name])}`, this.#limits.addressName],
      [`address:${address}`, this.#limits.address],
      [`name:${name}`, this.#limits.name],
    ];
  }

  #recent(key: string, now: number): number[] {
    const times = (this.#failures.get(key) ?? []).filter((t) => t > now - this.#windowMs);
    if (times.length === 0) this.#failures.delete(key);
    return times;
  }
}
