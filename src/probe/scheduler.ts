/**
 * Runs checks on time, tens of thousands in one process: one timer over a heap of due times (the plan in
 * schedule-plan.ts), a global concurrency cap plus one per host so a slow or hanging target only ever holds
 * its own host's slots, a hard timeout per attempt (check-attempts.ts), a quick confirmation re-run before
 * a `down` is reported, one more at once for a failure seen while this process was stalled (stall-log.ts),
 * and a stop that lets in-flight checks finish until a deadline, then abandons them.
 */
import { type Attempt, CheckAttempts, SHUTDOWN } from "./check-attempts.js";
import type { Check, CheckResult } from "./check-types.js";
import { DueHeap } from "./due-heap.js";
import { HostGate, hostKey } from "./host-gate.js";
import { assignPhases, dueAt, nextSlot, type Slot, slotAtOrAfter } from "./schedule-plan.js";
import type { SchedulerOptions, SchedulerStats } from "./scheduler-options.js";
import type { StallMeter } from "./stall-meter.js";

/**
 * A failure is checked again at once when the process was stalled for this share of the check's timeout
 * (and at least STALL_MIN_MS) while its attempt ran: the target may have answered while nobody read it.
 */
const STALL_SHARE = 0.1;
const STALL_MIN_MS = 100;

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
  /** When the current attempt started. */
  attemptAt: number;
  /** The next attempt is the stall re-run (see STALL_SHARE), and whether this run has had it. */
  again: boolean;
  stallChecked: boolean;
}

export class Scheduler {
  readonly #o: Required<Omit<SchedulerOptions, "localAddress" | "stalls">> & { localAddress?: string };
  readonly #stalls: StallMeter | undefined;
  readonly #entries = new Map<string, Entry>();
  readonly #heap = new DueHeap();
  readonly #gate: HostGate<Run>;
  readonly #attempts: CheckAttempts;
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
    stallRuns: 0,
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
    this.#stalls = options.stalls;
    this.#attempts = new CheckAttempts({
      runner: this.#o.runner,
      now: () => this.#o.now(),
      abortGraceMs: this.#o.abortGraceMs,
      localAddress: this.#o.localAddress,
    });
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
      timeouts: this.#attempts.timeouts,
      inFlight: this.#attempts.size,
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
      this.#attempts.abandonAll();
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
    const run = entry.run ?? {
      entry,
      check: entry.check,
      host: "",
      due: 0,
      startedAt: 0,
      attempt: 0,
      attemptAt: 0,
      again: false,
      stallChecked: false,
    };
    entry.run = run;
    run.check = entry.check;
    run.due = due;
    run.startedAt = 0;
    run.attempt = 1;
    run.again = false;
    run.stallChecked = false;
    run.host = entry.host;
    this.#gate.acquire(run);
  }

  /** The run holds a slot: its attempt starts. */
  #go(run: Run): void {
    run.attemptAt = this.#o.now();
    if (run.again) {
      run.again = false;
      this.#stats.stallRuns++;
    } else if (run.attempt === 1) {
      run.startedAt = run.attemptAt;
      this.#stats.started++;
    } else this.#stats.confirmRuns++;
    this.#attempts.run(run.check).then((result) => this.#after(run, result));
  }

  #after(run: Run, result: Attempt): void {
    this.#gate.release(run.host);
    const { check } = run;
    if (result === SHUTDOWN) this.#end(run, true);
    else if (result.status !== "down" || run.attempt > check.confirm) {
      if (this.#stalledThrough(run, result)) {
        run.again = true;
        run.host = run.entry.host;
        this.#gate.acquire(run);
        return;
      }
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

  /**
   * Whether a failing result was seen while this process was stalled, so it is checked again (once a run)
   * before it is reported: a down (a timeout fires before the answer waiting in its socket is read; a
   * name server's answer is dropped as late) when the stall took STALL_SHARE of the timeout, a degraded
   * when without the stall it would not have been slow. A status page's own report is never re-run.
   */
  #stalledThrough(run: Run, result: CheckResult): boolean {
    if (!this.#stalls || run.stallChecked || this.#stopping) return false;
    if (result.status === "up" || result.errorClass === "reported") return false;
    run.stallChecked = true;
    const { check } = run;
    const stalled = this.#stalls.stalledMs(run.attemptAt, this.#o.now());
    if (stalled >= Math.max(STALL_MIN_MS, check.timeoutMs * STALL_SHARE)) return true;
    const over = check.type === "http" ? check.degradedOverMs : undefined;
    return (
      result.status === "degraded" && over !== undefined && stalled > 0 && result.latencyMs - stalled <= over
    );
  }

  #end(run: Run, abandoned: boolean): void {
    if (abandoned) this.#stats.abandoned++;
    run.entry.running = false;
    if (--this.#runs === 0) for (const resolve of this.#idle.splice(0)) resolve();
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
