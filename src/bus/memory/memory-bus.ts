/**
 * The in-process bus: the embedded hub's default. Keeps each consumer group's backlog in memory, delivers
 * one batch at a time per group in publish order, and redelivers a batch whose handler rejected.
 * Not durable: a crash loses what no consumer acknowledged, which is why the embedded hub commits
 * observations to the store before it acknowledges them to an agent (and only then publishes).
 */
import type { Observation } from "../../model/observation.js";
import type { Bus, ConsumeOptions, ObservationHandler, Subscription } from "../bus.js";

interface Group {
  handler: ObservationHandler;
  backlog: Observation[][];
  redeliverMs: number;
  running: boolean;
  closed: boolean;
  timer: ReturnType<typeof setTimeout> | null;
  /** Settles when the in-flight handler does (for close and unsubscribe). */
  inFlight: Promise<void> | null;
}

export class MemoryBus implements Bus {
  readonly durable = false;
  readonly #groups = new Map<string, Group>();
  #closed = false;

  async publish(batch: Observation[]): Promise<void> {
    if (this.#closed) throw new BusClosedError();
    if (batch.length === 0) return;
    for (const group of this.#groups.values()) {
      group.backlog.push(batch);
      this.#pump(group);
    }
  }

  consume(name: string, handler: ObservationHandler, options: ConsumeOptions = {}): Subscription {
    if (this.#closed) throw new BusClosedError();
    if (this.#groups.has(name))
      throw new Error(`consumer group "${name}" already has a consumer on the in-memory bus`);
    const group: Group = {
      handler,
      backlog: [],
      redeliverMs: options.redeliverMs ?? 1000,
      running: false,
      closed: false,
      timer: null,
      inFlight: null,
    };
    this.#groups.set(name, group);
    return {
      get pending() {
        return group.backlog.reduce((n, batch) => n + batch.length, 0);
      },
      unsubscribe: async () => {
        group.closed = true;
        if (group.timer) clearTimeout(group.timer);
        this.#groups.delete(name);
        await group.inFlight;
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const groups = [...this.#groups.values()];
    for (const g of groups) {
      g.closed = true;
      if (g.timer) clearTimeout(g.timer);
    }
    this.#groups.clear();
    await Promise.all(groups.map((g) => g.inFlight));
  }

  /** Runs the group's handler on its oldest batch; on success drops it and goes on, on failure waits. */
  #pump(group: Group): void {
    if (group.running || group.closed || group.timer) return;
    const batch = group.backlog[0];
    if (!batch) return;
    group.running = true;
    group.inFlight = (async () => {
      let ok = false;
      try {
        await group.handler(batch);
        ok = true;
      } catch {
        // Not acknowledged: the same batch comes again after redeliverMs.
      }
      group.running = false;
      if (group.closed) return;
      if (ok) {
        group.backlog.shift();
        this.#pump(group);
      } else {
        group.timer = setTimeout(() => {
          group.timer = null;
          this.#pump(group);
        }, group.redeliverMs);
      }
    })();
  }
}

export class BusClosedError extends Error {
  override readonly name = "BusClosedError";
  readonly code = "E_BUS_CLOSED";
  constructor() {
    super("the bus is closed; no more observations can be published or consumed");
  }
}
