/**
 * The hub's side of heartbeat checks: a beat is stored and counted, and once per round the leader judges
 * every heartbeat check as an observation from the hub's own vantage, which it ingests like any other.
 * Replicas behind one address share the beats through the store. Split from the hub (hub.ts); the
 * judgement itself is heartbeats.ts.
 */
import type { Observation } from "../model/observation.js";
import type { Check } from "../probe/check-types.js";
import type { Store } from "../store/store.js";
import { Heartbeats, heartbeatCheck } from "./heartbeats.js";

export interface HeartbeatJudgeOptions {
  store: Pick<Store, "lastHeartbeats" | "recordHeartbeat">;
  /** Where the judged observations go (the hub's ingest). */
  ingest: (batch: Observation[]) => Promise<void>;
  onWarning?: (message: string) => void;
}

export class HeartbeatJudge {
  readonly #o: HeartbeatJudgeOptions;
  readonly #heartbeats = new Heartbeats();

  constructor(options: HeartbeatJudgeOptions) {
    this.#o = options;
  }

  /** Starts counting at `now`, from the beats a previous run stored. */
  async start(now: number): Promise<void> {
    this.#heartbeats.start(now, await this.#o.store.lastHeartbeats());
  }

  /** The next judgement is a round from `now` (a replica that just took the lead). */
  restart(now: number): void {
    this.#heartbeats.restart(now);
  }

  /** A beat for the check whose secret is `token`: false when no check has it. */
  async beat(checks: readonly Check[], token: string, at: number): Promise<boolean> {
    const check = heartbeatCheck(checks, token);
    if (!check) return false;
    await this.#o.store.recordHeartbeat(check.id, at);
    this.#heartbeats.beat(check.id, at);
    return true;
  }

  /** Heartbeat checks become observations from the hub's own vantage once per round. */
  async judge(now: number, roundMs: number, checks: readonly Check[], replicated: boolean): Promise<void> {
    if (!this.#heartbeats.due(now, roundMs)) return;
    this.#heartbeats.restart(now);
    // Replicas behind one address share the beats: one may arrive at a standby, which stores it.
    if (replicated) {
      try {
        this.#heartbeats.take(await this.#o.store.lastHeartbeats());
      } catch (error) {
        this.#o.onWarning?.(`could not read heartbeats: ${(error as Error).message}`);
      }
    }
    const batch = this.#heartbeats.judge(now, checks);
    if (batch.length > 0)
      await this.#o.ingest(batch).catch((e: Error) => this.#o.onWarning?.(`heartbeats: ${e.message}`));
  }
}
