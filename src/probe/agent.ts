/**
 * The agent: runs the checks assigned to one vantage and hands what they find, as observations, to the bus
 * (or to a hub over HTTP). It also probes a few well-known anchors and reports the vantage's own health as
 * an observation whose component is the vantage, so the localizer can tell "the watcher is blind" from
 * "the world is down".
 */
import type { Status } from "../model/model-types.js";
import { boundedMessage, type Observation } from "../model/observation.js";
import type { CheckRunner } from "./check-attempts.js";
import type { Check, CheckResult } from "./check-types.js";
import { LagWindow } from "./lag-window.js";
import { ObservationBatcher, type PublishFn, type RefusedObservation } from "./observation-batcher.js";
import { Scheduler } from "./scheduler.js";
import type { ScheduledResult, SchedulerOptions } from "./scheduler-options.js";
import { startStallMeter } from "./stall-meter.js";

export interface AgentOptions {
  /** The vantage's id (`probe/us-east`); observations carry it. */
  vantage: string;
  /** Source address for every probe (vantages sharing a host: 127.0.0.2, 127.0.0.3 ...). */
  localAddress?: string;
  /** All checks; the agent keeps those for its vantage (empty `vantages` = every vantage) and not heartbeats. */
  checks: readonly Check[];
  runner: CheckRunner;
  /**
   * Where batches go: a Bus's publish, or httpPublisher(...). Awaited; a rejection is retried, unless it
   * says the batch was refused for what it holds (PublishRefusal): then the refused observations are found
   * and handed to `onRefused`, and the rest delivered.
   */
  publish: PublishFn;
  /** Told of observations the far side refused for good (the CLI writes them to a dead-letter file). */
  onRefused?: (refused: RefusedObservation[]) => void;
  /** Given what is still unpublished at stop (the CLI's spool), so it is kept instead of dropped. */
  onLeft?: (left: Observation[]) => Promise<void>;
  /** Observations a previous run left unpublished, published before any new one. */
  pending?: readonly Observation[];
  /** Wall clock for observation times (default Date.now). */
  clock?: () => number;
  /**
   * Well-known targets (http or tcp checks) that tell whether this vantage can reach the world: all
   * reachable is `up`, some `degraded`, none `down`. Their results are reported on component = vantage.
   */
  anchors?: readonly Check[];
  /** Batching (defaults 250 ms, 500 observations, buffer of 100,000). */
  batchMs?: number;
  batchMax?: number;
  bufferMax?: number;
  /**
   * Scheduler tuning (concurrency, perHost, confirmDelayMs). `stalls`: this process's stall meter (default
   * one of the agent's own on the real clock; none when `now` is given without it, as a made-up clock's
   * jumps are no stalls).
   */
  scheduler?: Pick<SchedulerOptions, "concurrency" | "perHost" | "confirmDelayMs" | "now" | "stalls">;
}

export interface AgentStats {
  vantage: string;
  /** Checks assigned to this vantage. */
  checks: number;
  /** Check runs reported (after confirmation). */
  checksRun: number;
  /** Of those, how many were down. */
  failures: number;
  /** Slots skipped because the previous run was still going. */
  skipped: number;
  observationsPublished: number;
  /** Waiting to be published. */
  observationsBuffered: number;
  /** Lost because publishing failed for longer than the buffer holds (or at stop). */
  dropped: number;
  /** Refused for good by the hub (an unknown component, a bad field): set aside, not retried. */
  refused: number;
  /** Unpublished at stop and handed to onLeft. */
  kept: number;
  publishErrors: number;
  lastPublishError: string | null;
  /** The status the hub answered the last failed publish with (null: no answer). */
  lastPublishStatus: number | null;
  /** Epoch ms since when publishing fails (null while it works). */
  publishFailingSince: number | null;
  /** Scheduling lag (start − due) over the last minute of runs. */
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  /** The vantage's own health from its anchors; null without anchors or before all have answered once. */
  health: Status | null;
}

export interface Agent {
  readonly vantage: string;
  /** Replaces the check set (a config reload); unchanged checks keep their schedule. */
  setChecks(checks: readonly Check[]): void;
  stats(): AgentStats;
  /** Stops probing; in-flight checks may finish until `deadlineMs`, then what is buffered is published within the rest of it. */
  stop(deadlineMs?: number): Promise<AgentStats>;
}

/** Checks this vantage runs: assigned to it (or to all), and not heartbeats (the hub judges those). */
export function checksForVantage(checks: readonly Check[], vantage: string): Check[] {
  return checks.filter(
    (c) => c.type !== "heartbeat" && (c.vantages.length === 0 || c.vantages.includes(vantage)),
  );
}

/**
 * What one result says, as observations: one for the check's component; for a status page, one per
 * component it reported, and none when the page itself could not be read (that is not the vendor's outage).
 */
export function resultObservations(
  vantage: string,
  check: Check,
  result: CheckResult,
  at: number,
): Observation[] {
  if (check.type === "statuspage") {
    if (result.components) {
      return result.components.map((c) => ({
        id: `${vantage}:${check.id}:${at}:${c.component}`,
        at,
        vantage,
        component: c.component,
        check: check.id,
        status: c.status,
        latencyMs: result.latencyMs,
        errorClass: c.status === "up" ? null : "reported",
      }));
    }
    if (result.errorClass !== null && result.errorClass !== "reported") return [];
  }
  // One literal of fixed shape: this runs for every check result.
  const o: Observation = {
    id: `${vantage}:${check.id}:${at}`,
    at,
    vantage,
    component: check.component,
    check: check.id,
    status: result.status,
    latencyMs: result.latencyMs,
    errorClass: result.errorClass,
  };
  // Cut at the source: the hub refuses a longer one (a redirect to a long Location names it whole).
  if (result.message) o.message = boundedMessage(result.message);
  // Phases only where someone will look at them: the component page's last failing check.
  if (result.status !== "up") o.phases = result.phases;
  return [o];
}

export function startAgent(options: AgentOptions): Agent {
  const { vantage } = options;
  const clock = options.clock ?? Date.now;
  const monotonic = options.scheduler?.now ?? (() => performance.timeOrigin + performance.now());
  const batcher = new ObservationBatcher({
    publish: options.publish,
    ...(options.batchMs !== undefined ? { batchMs: options.batchMs } : {}),
    ...(options.batchMax !== undefined ? { batchMax: options.batchMax } : {}),
    ...(options.bufferMax !== undefined ? { bufferMax: options.bufferMax } : {}),
    ...(options.onRefused ? { onRefused: options.onRefused } : {}),
    ...(options.onLeft ? { onLeft: options.onLeft } : {}),
    clock,
  });
  if (options.pending?.length) batcher.add(options.pending);
  const lags = new LagWindow();
  const counts = { checksRun: 0, failures: 0 };
  const ownStalls =
    options.scheduler?.stalls || options.scheduler?.now ? undefined : startStallMeter(monotonic);
  const stalls = options.scheduler?.stalls ?? ownStalls;
  // Both schedulers: the source address, and the stalls whose failures are checked again.
  const local = {
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    ...(stalls ? { stalls } : {}),
  };

  const onResult = (r: ScheduledResult) => {
    counts.checksRun++;
    if (r.result.status === "down") counts.failures++;
    lags.add(r.finishedAt, r.lagMs);
    // Stamped when the run began: a timeout or a slow answer says what the target was like when it was
    // asked, not seconds later when the verdict came in (after the target may have recovered). Stamping
    // at the end made a region's blackholed checks, started before it recovered, look like failures of
    // the part still failing after it, and the localizer renamed the tail of its incident (live-truth).
    const at = Math.round(clock() - (monotonic() - r.startedAt));
    batcher.add(resultObservations(vantage, r.check, r.result, at));
  };
  const scheduler = new Scheduler({ ...options.scheduler, ...local, runner: options.runner, onResult });

  // Anchors: their own scheduler (a busy check set never delays them), one host each at a time.
  const anchors = (options.anchors ?? []).map((a) => ({ ...a, component: vantage, vantages: [] }));
  const reachable = new Map<string, boolean>();
  let health: Status | null = null;
  const anchorScheduler = new Scheduler({
    ...local,
    perHost: 1,
    runner: options.runner,
    onResult: ({ check, result }) => {
      reachable.set(check.id, result.status !== "down");
      if (reachable.size < anchors.length) return; // wait for every anchor's first answer
      const up = [...reachable.values()].filter(Boolean).length;
      health = up === anchors.length ? "up" : up === 0 ? "down" : "degraded";
      const at = Math.round(clock());
      const message = `${up} of ${anchors.length} anchors reachable (latest: ${check.id} ${result.status})`;
      batcher.add([
        {
          id: `${vantage}:${check.id}:${at}`,
          at,
          vantage,
          component: vantage,
          check: check.id,
          status: health,
          latencyMs: result.latencyMs,
          errorClass: health === "down" ? result.errorClass : null,
          message,
        },
      ]);
    },
  });

  let assigned = checksForVantage(options.checks, vantage);
  scheduler.start(assigned);
  if (anchors.length > 0) anchorScheduler.start(anchors);

  const stats = (): AgentStats => {
    const b = batcher.stats();
    const lag = lags.summary(monotonic());
    return {
      vantage,
      checks: assigned.length,
      ...counts,
      skipped: scheduler.stats().skipped,
      observationsPublished: b.published,
      observationsBuffered: b.buffered,
      dropped: b.dropped,
      refused: b.refused,
      kept: b.kept,
      publishErrors: b.publishErrors,
      lastPublishError: b.lastError,
      lastPublishStatus: b.lastStatus,
      publishFailingSince: b.failingSince,
      lagP50Ms: lag.p50Ms,
      lagP99Ms: lag.p99Ms,
      health,
    };
  };

  return {
    vantage,
    setChecks(checks) {
      assigned = checksForVantage(checks, vantage);
      scheduler.setChecks(assigned);
    },
    stats,
    async stop(deadlineMs = 5000) {
      // Runs in flight get most of the deadline; the last observations are published in the rest.
      const began = monotonic();
      const runs = deadlineMs * 0.7;
      await Promise.all([scheduler.stop(runs), anchorScheduler.stop(runs)]);
      ownStalls?.stop();
      await batcher.close(Math.max(0, deadlineMs - (monotonic() - began)));
      return stats();
    },
  };
}
