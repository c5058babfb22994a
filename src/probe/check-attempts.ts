/**
 * Check attempts under a hard timeout, for the scheduler: each attempt's signal is a shared deadline's
 * (shared-deadlines.ts); a runner that ignores its aborted signal is given a grace, then a `timeout` is made
 * up for it; a runner that throws or rejects is reported down rather than lost; and stop abandons them all.
 */
import type { Check, CheckContext, CheckResult } from "./check-types.js";
import { type Deadline, SharedDeadlines } from "./shared-deadlines.js";

/** Runs one check once; resolves with what it found (never rejects) and stops when `ctx.signal` aborts. */
export type CheckRunner = (check: Check, ctx: CheckContext) => Promise<CheckResult>;

/** What an abandoned attempt settles with. */
export const SHUTDOWN = Symbol("shutdown");
export type Attempt = CheckResult | typeof SHUTDOWN;

export interface AttemptOptions {
  runner: CheckRunner;
  /** The scheduler's clock, ms. */
  now: () => number;
  /** After a timeout aborts an attempt, how long the runner has to report before a `timeout` is made up for it. */
  abortGraceMs: number;
  /** Source address the runner binds. */
  localAddress?: string | undefined;
}

/** One attempt in flight. */
interface InFlight {
  deadline: Deadline<InFlight>;
  begin: number;
  check: Check;
  /** Settles the attempt (abandonAll settles it as abandoned). */
  finish: (value: Attempt) => void;
  grace: ReturnType<typeof setTimeout> | undefined;
}

/** The attempts in flight of one scheduler. */
export class CheckAttempts {
  readonly #o: AttemptOptions;
  readonly #inFlight = new Set<InFlight>();
  readonly #deadlines: SharedDeadlines<InFlight>;
  #timeouts = 0;

  constructor(options: AttemptOptions) {
    this.#o = options;
    this.#deadlines = new SharedDeadlines<InFlight>(
      () => this.#o.now(),
      (attempt) => {
        // Aborted: the runner has abortGraceMs to report, then a timeout is made up for it.
        this.#timeouts++;
        attempt.grace = setTimeout(
          () => attempt.finish(timeoutResult(attempt.check, this.#o.now() - attempt.begin)),
          this.#o.abortGraceMs,
        );
      },
    );
  }

  /** Attempts in flight. */
  get size(): number {
    return this.#inFlight.size;
  }

  /** Attempts ended by their timeout so far. */
  get timeouts(): number {
    return this.#timeouts;
  }

  /** One attempt under a hard timeout: a runner that ignores its signal is given abortGraceMs, then left. */
  run(check: Check): Promise<Attempt> {
    const begin = this.#o.now();
    return new Promise<Attempt>((resolve) => {
      const attempt: InFlight = {
        deadline: undefined as unknown as Deadline<InFlight>, // joined just below: join needs the attempt
        begin,
        check,
        grace: undefined,
        finish: (value: Attempt) => {
          if (!this.#inFlight.delete(attempt)) return;
          clearTimeout(attempt.grace);
          this.#deadlines.leave(attempt.deadline, attempt);
          resolve(attempt.deadline.controller.signal.reason === SHUTDOWN ? SHUTDOWN : value);
        },
      };
      attempt.deadline = this.#deadlines.join(attempt, check.timeoutMs, begin);
      this.#inFlight.add(attempt);
      const ctx: CheckContext = { signal: attempt.deadline.controller.signal, timeoutInSignal: true };
      if (this.#o.localAddress) ctx.localAddress = this.#o.localAddress;
      // A runner that throws instead of rejecting is reported down too, and its slot still freed.
      let running: Promise<CheckResult>;
      try {
        running = this.#o.runner(check, ctx);
      } catch (error) {
        running = Promise.reject(error);
      }
      running.then(attempt.finish, (error: unknown) =>
        attempt.finish(runnerFailure(error, this.#o.now() - begin)),
      );
    });
  }

  /** Aborts every attempt in flight and settles each as SHUTDOWN. */
  abandonAll(): void {
    for (const attempt of this.#inFlight) {
      attempt.deadline.controller.abort(SHUTDOWN);
      attempt.finish(SHUTDOWN);
    }
  }
}

function timeoutResult(check: Check, elapsed: number): CheckResult {
  const message = `no answer within ${check.timeoutMs} ms`;
  return { status: "down", errorClass: "timeout", latencyMs: elapsed, phases: { total: elapsed }, message };
}

/** A runner must not reject; if one does, the check is reported down with the reason rather than lost. */
function runnerFailure(error: unknown, elapsed: number): CheckResult {
  const message = `runner failed: ${error instanceof Error ? error.message : String(error)}`;
  return { status: "down", errorClass: "protocol", latencyMs: elapsed, phases: { total: elapsed }, message };
}
