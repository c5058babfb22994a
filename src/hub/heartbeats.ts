/**
 * Heartbeat checks: a job calls its secret URL; once a round the hub judges each check by its last beat, as
 * an observation from the hub's own vantage (down when none came within the interval and its grace). Pure:
 * the caller passes time, and reads and writes the store.
 */
import type { Observation } from "../model/observation.js";
import type { Check, HeartbeatCheck } from "../probe/check-types.js";

/** The vantage heartbeat observations are made from: the hub itself receives the beats. */
export const HUB_VANTAGE = "hub";

/** The heartbeat check whose secret is `token`; undefined when no check has it. */
export function heartbeatCheck(checks: readonly Check[], token: string): HeartbeatCheck | undefined {
  return checks.find((c): c is HeartbeatCheck => c.type === "heartbeat" && c.token === token);
}

export class Heartbeats {
  /** check id → time of its last beat. */
  readonly #beats = new Map<string, number>();
  /** A check that never beat counts from here (the hub's start). */
  #since = 0;
  #lastJudged = 0;

  /** Starts counting at `now`, from the beats a previous run stored; the first tick judges. */
  start(now: number, stored: ReadonlyMap<string, number>): void {
    this.#since = now;
    this.take(stored);
  }

  /** A beat of this check arrived. */
  beat(check: string, at: number): void {
    this.#beats.set(check, at);
  }

  /** Takes stored beats newer than ours (another replica received them). */
  take(stored: ReadonlyMap<string, number>): void {
    for (const [check, at] of stored)
      if (at > (this.#beats.get(check) ?? Number.NEGATIVE_INFINITY)) this.#beats.set(check, at);
  }

  /** Whether a round has passed since the last judgement (or `restart`): then judge. */
  due(now: number, roundMs: number): boolean {
    return now - this.#lastJudged >= roundMs;
  }

  /** The next judgement is a round from `now` (a replica that just took the lead). */
  restart(now: number): void {
    this.#lastJudged = now;
  }

  /** Each heartbeat check as an observation at `now` from the hub's vantage. */
  judge(now: number, checks: readonly Check[]): Observation[] {
    this.#lastJudged = now;
    const batch: Observation[] = [];
    for (const check of checks) {
      if (check.type !== "heartbeat") continue;
      const last = this.#beats.get(check.id) ?? this.#since;
      const late = now - last > check.intervalMs + check.graceMs;
      batch.push({
        id: `${HUB_VANTAGE}:${check.id}:${now}`,
        at: now,
        vantage: HUB_VANTAGE,
        component: check.component,
        check: check.id,
        status: late ? "down" : "up",
        latencyMs: null,
        errorClass: late ? "missed" : null,
        ...(late ? { message: `no beat for ${Math.round((now - last) / 1000)} s` } : {}),
      });
    }
    return batch;
  }
}
