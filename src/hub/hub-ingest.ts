/**
 * The hub's front door: a batch is admitted (what it names and when: `refuseObservations`, the same function
 * the API route calls), held back under back-pressure, and committed before `ingest` resolves: to the store
 * then the bus, or, on a durable bus, to the bus alone (its shared "store" group writes them). It also
 * subscribes the replica to the bus, the way in to its states and localizer.
 */
import type { Bus, Subscription } from "../bus/bus.js";
import type { Observation } from "../model/observation.js";
import type { Store } from "../store/store.js";
import { HubBusyError } from "./hub-busy-error.js";
import type { HubMetrics } from "./hub-metrics.js";
import { type AdmissionModel, refuseObservations, throwIfRefused } from "./observation-admission.js";
import { RecentObservations } from "./recent-observations.js";

/** See HubIngestOptions.maxBacklog. */
export const DEFAULT_INGEST_BACKLOG = 50_000;

export interface HubIngestOptions {
  store: Pick<Store, "insertObservations">;
  bus: Bus;
  metrics: HubMetrics;
  /**
   * Back-pressure: a batch is refused (HubBusyError: the API's 503 with Retry-After) while more than this
   * many observations are on their way to the store or bus, or wait for this replica's localizer (default
   * 50,000: about a quarter second of PostgreSQL's insert rate, a few tens of MB).
   */
  maxBacklog?: number;
  onWarning?: (message: string) => void;
}

export class HubIngest {
  readonly #options: HubIngestOptions;
  /** Observations inside `ingest`, not yet committed to the store or bus. */
  #ingesting = 0;
  /** The group feeding this replica's localizer (its backlog counts toward back-pressure). */
  #localizer: Subscription | null = null;

  constructor(options: HubIngestOptions) {
    this.#options = options;
  }

  /**
   * Subscribes `take` (this replica's states and localizer) to everything published. On a durable bus,
   * agents publish straight to it: one shared group stores (each observation once, by whichever replica
   * takes it), and this replica's own group (`hub-<replicaId>`, starting at `startAt`) feeds `take`.
   */
  consume(take: (batch: Observation[]) => Promise<void>, replicaId: string, startAt: number): Subscription[] {
    const { bus, store, metrics } = this.#options;
    if (!bus.durable) {
      this.#localizer = bus.consume("localizer", take);
      return [this.#localizer];
    }
    const recent = new RecentObservations();
    this.#localizer = bus.consume(
      `hub-${replicaId}`,
      async (batch) => {
        const fresh = recent.fresh(batch);
        if (fresh.length > 0) await take(fresh);
      },
      { startAt, inactiveMs: 10 * 60_000 },
    );
    const stored = bus.consume("store", async (batch) => {
      metrics.observationsIngested.inc((await store.insertObservations(batch)).length);
    });
    return [stored, this.#localizer];
  }

  /**
   * Admits and commits the batch; throws HubInputError (refused for what it holds) or HubBusyError. On the
   * in-process bus only what the store newly wrote goes on to the localizer: a batch posted twice at once
   * (an agent's retry racing its first try) is taken once, whichever commits first. On a durable bus the
   * batch goes to the stream, whose de-duplication (Nats-Msg-Id from the observation ids, within its
   * window) drops a second publish of the same batch; the "store" group writes each observation once, and
   * each replica's own group skips observations it took recently (a copy in another batch).
   */
  async ingest(observations: Observation[], model: AdmissionModel): Promise<void> {
    throwIfRefused(refuseObservations(observations, model));
    this.#admit(observations.length);
    const { bus, store, metrics } = this.#options;
    this.#ingesting += observations.length;
    let written: Observation[];
    try {
      if (bus.durable) {
        // Durable once the bus has them; the shared "store" group writes them.
        await bus.publish(observations);
        return;
      }
      written = await store.insertObservations(observations);
    } finally {
      this.#ingesting -= observations.length;
    }
    metrics.observationsIngested.inc(written.length);
    if (written.length === 0) return;
    try {
      await bus.publish(written);
    } catch (error) {
      // Committed already: the store has them; only this evaluation misses them.
      this.#options.onWarning?.(`bus publish failed: ${(error as Error).message}`);
    }
  }

  /**
   * Refuses a batch while the backlog is over the bound: observations being committed, plus those waiting
   * for the localizer on the in-process bus (a durable bus's backlog waits on the NATS server's disk, and
   * its consumers take at most max_ack_pending at a time). A lone batch larger than the bound still passes.
   */
  #admit(size: number): void {
    const bound = this.#options.maxBacklog ?? DEFAULT_INGEST_BACKLOG;
    const waiting = this.#ingesting + (this.#options.bus.durable ? 0 : (this.#localizer?.pending ?? 0));
    if (waiting === 0 || waiting + size <= bound) return;
    this.#options.metrics.observationsRefused.inc(size);
    throw new HubBusyError(
      `the hub is busy: ${waiting} observations are still being taken in (at most ${bound}); retry shortly`,
    );
  }
}
