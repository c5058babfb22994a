/**
 * The bus on NATS JetStream, for scale-out: agents publish observations to `<prefix>.<vantage token>`
 * (one message per batch and vantage, at most `messageMax` observations: src/bus/nats/nats-batch-codec.ts),
 * the stream `EPICENTER_OBS` keeps them on disk, and each consumer group is a durable pull consumer
 * (src/bus/nats/nats-consumer.ts).
 *
 * A message per batch, not per observation: each message costs a publish and its ack plus a delivery and an
 * ack per consumer group, so a message per observation held the bus near 8,000 observations/s on two cores.
 * Nats-Msg-Id hashes the message's observation ids, so a retried publish of the same batch is dropped by
 * JetStream; a batch cut differently (batcher retry, spool replay) may repeat observations in the stream,
 * which the store absorbs (it is idempotent on vantage, check, component and time).
 */
import {
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { type NatsConnection, nanos } from "@nats-io/transport-node";
import type { Observation } from "../../model/observation.js";
import type { Bus, ConsumeOptions, ObservationHandler, Subscription } from "../bus.js";
import { BusError } from "../bus-errors.js";
import { BusClosedError } from "../memory/memory-bus.js";
import { encodeBatch, type WireMessage } from "./nats-batch-codec.js";
import { connectNats, type NatsConnectOptions } from "./nats-connect.js";
import { NatsGroup } from "./nats-consumer.js";

export interface NatsBusOptions extends NatsConnectOptions {
  /** The stream (default EPICENTER_OBS). */
  stream?: string;
  /** Observations go to `<subjectPrefix>.<vantage token>` (default epicenter.obs). */
  subjectPrefix?: string;
  /**
   * Create the stream, or update its limits, on open (default true: the hub). Agents pass false: their
   * credentials may only publish to their own subject.
   */
  manage?: boolean;
  /**
   * Stream limits: age (default 7 days), size in bytes (default -1: no limit but age; a size is reserved on
   * the server's disk when the stream is made, and the oldest observations go first when full), replicas.
   */
  maxAgeMs?: number;
  maxBytes?: number;
  replicas?: number;
  /** A re-sent batch (same observation ids) within this window is dropped by the server (default 2 minutes). */
  duplicateWindowMs?: number;
  /** A publish not acknowledged by JetStream within this rejects (default 5 s). */
  publishTimeoutMs?: number;
  /**
   * Most observations per message (default 1,000); a message also stays under the server's max_payload
   * (1 MB by default), bigger batches are split.
   */
  messageMax?: number;
  /**
   * Consumers: ack wait (default 30 s); most unacknowledged messages per group (default 64, up to 64
   * batches: back-pressure); observations per handler call (default 1,000; whole messages, at least one).
   */
  ackWaitMs?: number;
  maxAckPending?: number;
  batchMax?: number;
  /** Where consumer problems go (a missing stream, a dropped message); default: a process warning. */
  onError?: (error: Error) => void;
  /** The clock consumers bound observation times by (MAX_AHEAD_MS ahead of it; default Date.now). */
  clock?: () => number;
}

const DAY_MS = 86_400_000;
/** Left of max_payload for the message's headers (Nats-Msg-Id) and subject. */
const HEADER_ROOM = 4096;

type Settings = Required<Omit<NatsBusOptions, keyof NatsConnectOptions>>;

export class NatsBus implements Bus {
  readonly durable = true;
  readonly connection: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #o: Settings;
  readonly #groups = new Map<string, NatsGroup>();
  readonly #ownsConnection: boolean;
  #closed = false;
  #futureDropped = 0;

  private constructor(nc: NatsConnection, jsm: JetStreamManager, o: Settings, owns: boolean) {
    this.connection = nc;
    this.#js = jetstream(nc, { timeout: o.publishTimeoutMs });
    this.#jsm = jsm;
    this.#o = o;
    this.#ownsConnection = owns;
  }

  /** Connects (or uses `connection`), and with `manage` creates or updates the stream. */
  static async open(options: NatsBusOptions, connection?: NatsConnection): Promise<NatsBus> {
    const o: Settings = {
      stream: options.stream ?? "EPICENTER_OBS",
      subjectPrefix: options.subjectPrefix ?? "epicenter.obs",
      manage: options.manage ?? true,
      maxAgeMs: options.maxAgeMs ?? 7 * DAY_MS,
      maxBytes: options.maxBytes ?? -1,
      replicas: options.replicas ?? 1,
      duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
      publishTimeoutMs: options.publishTimeoutMs ?? 5000,
      ackWaitMs: options.ackWaitMs ?? 30_000,
      messageMax: options.messageMax ?? 1000,
      maxAckPending: options.maxAckPending ?? 64,
      batchMax: options.batchMax ?? 1000,
      onError: options.onError ?? ((e: Error) => process.emitWarning(e)),
      clock: options.clock ?? Date.now,
    };
    const nc = connection ?? (await connectNats(options));
    try {
      const jsm = await jetstreamManager(nc, { timeout: o.publishTimeoutMs, checkAPI: false });
      if (o.manage) await ensureStream(jsm, o);
      return new NatsBus(nc, jsm, o, !connection);
    } catch (error) {
      if (!connection) await nc.close();
      if (error instanceof BusError) throw error;
      throw new BusError(
        "E_BUS_UNREACHABLE",
        `cannot set up stream ${o.stream}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  /**
   * Resolves when JetStream has stored every message of the batch (or recognised it as a duplicate). The
   * messages are pipelined on one connection, which keeps their order in the stream.
   */
  async publish(batch: Observation[]): Promise<void> {
    if (this.#closed) throw new BusClosedError();
    let messages: WireMessage[];
    try {
      const maxPayload = this.connection.info?.max_payload ?? 1_048_576;
      messages = encodeBatch(batch, this.#o.subjectPrefix, {
        maxObservations: this.#o.messageMax,
        maxBytes: maxPayload - HEADER_ROOM,
      });
    } catch (error) {
      throw new BusError("E_BUS_REFUSED", (error as Error).message, { cause: error });
    }
    const sent = messages.map((m) =>
      this.#js.publish(m.subject, m.data, { msgID: m.msgId, timeout: this.#o.publishTimeoutMs }),
    );
    const results = await Promise.allSettled(sent);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (!failed) return;
    const why = (failed.reason as Error).message ?? String(failed.reason);
    const refused = /permission/i.test(why);
    const lost = messages.reduce((n, m, i) => n + (results[i]!.status === "rejected" ? m.count : 0), 0);
    throw new BusError(
      refused ? "E_BUS_REFUSED" : "E_BUS_UNREACHABLE",
      refused
        ? `the NATS server refused to take observations (${why}); this agent's user may only publish its own vantage's subject`
        : `JetStream did not store ${lost} of ${batch.length} observations: ${why}`,
      { cause: failed.reason },
    );
  }

  /**
   * Observations this process's consumers dropped for a time more than MAX_AHEAD_MS ahead of the clock
   * (an agent with a skewed clock, or a forged message): never handed over, never retried.
   */
  get futureDropped(): number {
    return this.#futureDropped;
  }

  consume(group: string, handler: ObservationHandler, options: ConsumeOptions = {}): Subscription {
    if (this.#closed) throw new BusClosedError();
    if (!/^[A-Za-z0-9_-]+$/.test(group))
      throw new BusError("E_BUS_URL", `consumer group "${group}" must be letters, digits, "_" or "-"`);
    if (this.#groups.has(group))
      throw new BusError("E_BUS_URL", `consumer group "${group}" already has a consumer in this process`);
    const member = new NatsGroup(this.#js, this.#jsm, group, handler, {
      ...this.#o,
      now: this.#o.clock,
      onFutureDropped: (n) => {
        this.#futureDropped += n;
      },
      redeliverMs: options.redeliverMs ?? 1000,
      ...(options.startAt === undefined ? {} : { startAt: options.startAt }),
      ...(options.inactiveMs === undefined ? {} : { inactiveMs: options.inactiveMs }),
    });
    this.#groups.set(group, member);
    return {
      get pending() {
        return member.pending;
      },
      unsubscribe: async () => {
        this.#groups.delete(group);
        await member.unsubscribe();
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#groups.values()].map((g) => g.unsubscribe()));
    this.#groups.clear();
    if (this.#ownsConnection && !this.connection.isClosed()) await this.connection.drain();
  }
}

/** Creates the stream, or brings an existing one's limits to the options. */
async function ensureStream(jsm: JetStreamManager, o: Settings): Promise<void> {
  const config = {
    subjects: [`${o.subjectPrefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(o.maxAgeMs),
    max_bytes: o.maxBytes,
    duplicate_window: nanos(o.duplicateWindowMs),
    num_replicas: o.replicas,
  };
  let exists = true;
  try {
    await jsm.streams.info(o.stream);
  } catch {
    exists = false;
  }
  if (exists) await jsm.streams.update(o.stream, config);
  else await jsm.streams.add({ name: o.stream, ...config });
}
