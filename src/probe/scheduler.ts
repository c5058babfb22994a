/**
 * Runs checks on time, tens of thousands in one process: one timer over a heap of due times (the plan in
 * schedule-plan.ts), a global concurrency cap plus one per host so a slow or hanging target only ever holds
 * its own host's slots, a hard timeout per attempt through its AbortSignal, a quick confirmation re-run before
 * a `down` is reported, and a stop that lets in-flight checks finish until a deadline, then abandons them.
 */
import type { Check, CheckContext, CheckResult } from "./check-types.js";
import { DueHeap } from "./due-heap.js";
import { HostGate, hostKey } from "./host-gate.js";
import { assignPhases, dueAt, nextSlot, type Slot, slotAtOrAfter } from "./schedule-plan.js";
import { type Deadline, SharedDeadlines } from "./shared-deadlines.js";

/** Runs one check once; resolves with what it found (never rejects) and stops when `ctx.signal` aborts. */
export type CheckRunner = (check: Check, ctx: CheckContext) => Promise<CheckResult>;

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
  /** Attempts ended by their timeout. */
  timeouts: number;
  /** Runs dropped at stop. */
  abandoned: number;
  inFlight: number;
  waiting: number;
}

interface Entry {
  check: Check;
  slot: Slot;
  host: string;
  gen: number;
  running: boolean;
  /** The state of its run, made on its first run and reused by the next ones (one run at a time). */
  run: Run | undefined;
}

/** One slot's run in progress; it waits in the host gate as it is, so a waiting run costs no promise. */
interface Run {
  entry: Entry;
  /** The check as it was when the run began (a reload may replace the entry's). */
  check: Check;
  /** The host of the current attempt, fixed while it waits and runs. */
  host: string;
  due: number;
  startedAt: number;
  attempt: number;
}

const SHUTDOWN = Symbol("shutdown");
type Attempt = CheckResult | typeof SHUTDOWN;

/** One attempt in flight; its signal is its shared deadline's (shared-deadlines.ts). */
interface InFlight {
  deadline: Deadline<InFlight>;
  begin: number;
  check: Check;
  /** Settles the attempt (stop settles it as abandoned). */
  finish: (value: Attempt) => void;
  grace: ReturnType<typeof setTimeout> | undefined;
}

export class Scheduler {
  readonly #o: Required<Omit<SchedulerOptions, "localAddress">> & { localAddress?: string };
  readonly #entries = new Map<string, Entry>();
  readonly #heap = new DueHeap();
  readonly #gate: HostGate<Run>;
  /** Attempts in flight. */
  readonly #inFlight = new Set<InFlight>();
  readonly #deadlines: SharedDeadlines<InFlight>;
  readonly #sleepers = new Set<() => void>();
  #idle: (() => void)[] = [];
  #runs = 0;
  #gen = 0;
  #t0 = 0;
  #started = false;
  #stopping = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerAt = Number.POSITIVE_INFINITY;
  readonly #stats = {
    started: 0,
    reported: 0,
    skipped: 0,
    missed: 0,
    confirmRuns: 0,
    timeouts: 0,
    abandoned: 0,
  };

  constructor(options: SchedulerOptions) {
    this.#o = {
      concurrency: 2000,
      perHost: 10,
      confirmDelayMs: 1000,
      abortGraceMs: 250,
      now: () => performance.timeOrigin + performance.now(),
      ...options,
    };
    this.#deadlines = new SharedDeadlines<InFlight>(
      () => this.#o.now(),
      (attempt) => {
        // Aborted: the runner has abortGraceMs to report, then a timeout is made up for it.
        this.#stats.timeouts++;
        attempt.grace = setTimeout(
          () => attempt.finish(timeoutResult(attempt.check, this.#o.now() - attempt.begin)),
          this.#o.abortGraceMs,
        );
      },
    );
    this.#gate = new HostGate<Run>(this.#o.concurrency, this.#o.perHost, (run, ok) =>
      ok ? this.#go(run) : this.#end(run, true),
    );
  }

  /** Starts the clock at `t0` (default now): every check is first due within one interval of it. */
  start(checks: readonly Check[], t0 = this.#o.now()): void {
    if (this.#started) throw new Error("the scheduler is already started");
    this.#started = true;
    this.#t0 = t0;
    this.setChecks(checks);
  }

  /** Replaces the check set (a config reload): unchanged checks keep their phase and their run in flight. */
  setChecks(checks: readonly Check[]): void {
    const kept = new Map([...this.#entries].map(([id, e]) => [id, e.slot]));
    const byId = new Map(checks.map((c) => [c.id, c]));
    const now = this.#o.now();
    const next = new Map<string, Entry>();
    for (const slot of assignPhases(checks, kept)) {
      const check = byId.get(slot.id)!;
      const old = this.#entries.get(slot.id);
      const moved = !old || old.slot.phaseMs !== slot.phaseMs || old.slot.intervalMs !== slot.intervalMs;
      const entry = old ?? { check, slot, host: "", gen: 0, running: false, run: undefined };
      Object.assign(entry, { check, slot, host: hostKey(check) });
      next.set(slot.id, entry);
      // gen 0: never scheduled (setChecks before start).
      if ((moved || entry.gen === 0) && this.#started && !this.#stopping) {
        entry.gen = ++this.#gen;
        const k = slotAtOrAfter(this.#t0, slot, now);
        this.#heap.push({ due: dueAt(this.#t0, slot, k), id: slot.id, gen: entry.gen, k });
      }
    }
    // Entries left out are dropped; their heap entries become stale and are skipped when popped.
    this.#entries.clear();
    for (const [id, e] of next) this.#entries.set(id, e);
    this.#arm();
  }

  stats(): SchedulerStats {
    return {
      checks: this.#entries.size,
      ...this.#stats,
      inFlight: this.#inFlight.size,
      waiting: this.#gate.waiting,
    };
  }

  /**
   * Stops scheduling; runs in flight may finish (and are reported) until `deadlineMs` from now, then they are
   * aborted and dropped, as are runs waiting for a slot or for their confirmation re-run. Resolves when none is left.
   */
  async stop(deadlineMs: number): Promise<SchedulerStats> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#heap.clear();
    this.#gate.close();
    for (const wake of this.#sleepers) wake();
    if (this.#runs > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, deadlineMs));
      });
      await Promise.race([this.#whenIdle(), deadline]);
      clearTimeout(timer);
      for (const attempt of this.#inFlight) {
        attempt.deadline.controller.abort(SHUTDOWN);
        attempt.finish(SHUTDOWN);
      }
      await this.#whenIdle();
    }
    return this.stats();
  }

  #whenIdle(): Promise<void> {
    if (this.#runs === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #arm(): void {
    const top = this.#heap.peek();
    if (!top || this.#stopping || (this.#timer && this.#timerAt <= top.due)) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = top.due;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, top.due - this.#o.now()));
  }

  #tick(): void {
    this.#timer = null;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.#o.now();
    for (let top = this.#heap.peek(); top && top.due <= now + 1; top = this.#heap.peek()) {
      this.#heap.pop();
      const entry = this.#entries.get(top.id);
      if (!entry || entry.gen !== top.gen) continue;
      const due = top.due;
      // The popped heap entry goes back as the check's next slot: k + 1, unless the process fell behind.
      let k = top.k + 1;
      if (dueAt(this.#t0, entry.slot, k) < now) {
        const next = nextSlot(this.#t0, entry.slot, top.k, now);
        k = next.k;
        this.#stats.missed += next.missed;
      }
      top.k = k;
      top.due = dueAt(this.#t0, entry.slot, k);
      this.#heap.push(top);
      if (entry.running) this.#stats.skipped++;
      else this.#begin(entry, due);
    }
    this.#arm();
  }

  /**
   * One slot of one check: attempts (each waiting for a slot in the gate, then run by #go and judged by
   * #after) until it is not down or its confirmations are used up, then reports. Callbacks rather than an
   * async function: under load thousands of runs wait for a busy host, and each would hold a promise chain.
   */
  #begin(entry: Entry, due: number): void {
    entry.running = true;
    this.#runs++;
    const run = entry.run ?? { entry, check: entry.check, host: "", due: 0, startedAt: 0, attempt: 0 };
    entry.run = run;
    run.check = entry.check;
    run.due = due;
    run.startedAt = 0;
    run.attempt = 1;
    run.host = entry.host;
    this.#gate.acquire(run);
  }

  /** The run holds a slot: its attempt starts. */
  #go(run: Run): void {
    if (run.attempt === 1) {
      run.startedAt = this.#o.now();
      this.#stats.started++;
    } else this.#stats.confirmRuns++;
    this.#attempt(run.check).then((result) => this.#after(run, result));
  }

  #after(run: Run, result: Attempt): void {
    this.#gate.release(run.host);
    const { check } = run;
    if (result === SHUTDOWN) this.#end(run, true);
    else if (result.status !== "down" || run.attempt > check.confirm) {
      const finishedAt = this.#o.now();
      this.#stats.reported++;
      const { due, startedAt, attempt } = run;
      try {
        this.#o.onResult({
          check,
          result,
          due,
          startedAt,
          lagMs: startedAt - due,
          finishedAt,
          attempts: attempt,
        });
      } finally {
        this.#end(run, false);
      }
    } else
      void this.#sleep(this.#o.confirmDelayMs).then(() => {
        if (this.#stopping) this.#end(run, true);
        else {
          run.attempt++;
          run.host = run.entry.host;
          this.#gate.acquire(run);
        }
      });
  }

  #end(run: Run, abandoned: boolean): void {
    if (abandoned) this.#stats.abandoned++;
    run.entry.running = false;
    if (--this.#runs === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** One attempt under a hard timeout: a runner that ignores its signal is given abortGraceMs, then left. */
  #attempt(check: Check): Promise<Attempt> {
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

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleepers.add(wake);
    });
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
