/** What the scheduler takes (options) and tells (each reported run, its counters); its own file, as hub-options.ts. */
import type { CheckRunner } from "./check-attempts.js";
import type { Check, CheckResult } from "./check-types.js";
import type { StallMeter } from "./stall-meter.js";

/** One reported run of a check (after confirmation re-runs, if any). Times are the scheduler clock's, ms. */
export interface ScheduledResult {
  check: Check;
  result: CheckResult;
  /** When the slot was due. */
  due: number;
  /** When its first attempt started; lagMs = startedAt − due. */
  startedAt: number;
  lagMs: number;
  finishedAt: number;
  /** 1, or more when a failure was re-run to confirm it. */
  attempts: number;
}

export interface SchedulerOptions {
  runner: CheckRunner;
  onResult: (result: ScheduledResult) => void;
  /** Attempts in flight at once, all hosts together (default 2,000). */
  concurrency?: number;
  /** Attempts in flight at once against one host (`host:port`; default 10). */
  perHost?: number;
  /** Wait before a confirmation re-run of a failed check (default 1,000 ms). */
  confirmDelayMs?: number;
  /** Source address the runner binds. */
  localAddress?: string;
  /** After a timeout aborts an attempt, how long the runner has to report before a `timeout` is made up for it (default 250 ms). */
  abortGraceMs?: number;
  /** Monotonic clock, epoch-based ms (default performance.timeOrigin + performance.now()). */
  now?: () => number;
  /**
   * This process's stalls on the same clock (stall-meter.ts): a failure seen during one is checked again at
   * once before it is reported. Default none (the agent passes its own).
   */
  stalls?: StallMeter;
}

export interface SchedulerStats {
  checks: number;
  /** Slots whose first attempt started. */
  started: number;
  /** Results reported. */
  reported: number;
  /** Slots not run because the check's previous run was still in flight (or waiting for a slot). */
  skipped: number;
  /** Slots passed over because the process fell more than an interval behind. */
  missed: number;
  /** Confirmation re-runs. */
  confirmRuns: number;
  /** Re-runs of a failure seen while the process was stalled. */
  stallRuns: number;
  /** Attempts ended by their timeout. */
  timeouts: number;
  /** Runs dropped at stop. */
  abandoned: number;
  inFlight: number;
  waiting: number;
}
