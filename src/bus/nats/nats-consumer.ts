/**
 * One consumer group on JetStream: a durable pull consumer (explicit acknowledgement) that this process
 * feeds to its handler one batch at a time, in stream order. A batch whose handler rejects is kept and
 * retried here after `redeliverMs` (a server-side nak would let later messages overtake it); while held,
 * its messages are kept alive with `working()` so the ack wait does not hand them to another member. If
 * this process dies, the ack wait expires and the server redelivers them to another member of the group.
 * A message is a batch of observations (src/bus/nats/nats-batch-codec.ts); the handler gets whole messages,
 * up to `batchMax` observations (at least one message), so server-side limits count messages.
 */
import type {
  Consumer,
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from "@nats-io/jetstream";
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { futureTimeReason, type Observation } from "../../model/observation.js";
import type { ObservationHandler, Subscription } from "../bus.js";
import { decodeMessage } from "./nats-batch-codec.js";

/** A delivered message and the observations it carries. */
interface Held {
  m: JsMsg;
  observations: Observation[];
}

export interface GroupSettings {
  stream: string;
  subjectPrefix: string;
  ackWaitMs: number;
  maxAckPending: number;
  batchMax: number;
  redeliverMs: number;
  onError: (error: Error) => void;
  /** The clock observation times are bounded by (see MAX_AHEAD_MS). */
  now: () => number;
  /** Told how many observations of a message were dropped for a time too far ahead. */
  onFutureDropped: (count: number) => void;
  startAt?: number;
  inactiveMs?: number;
}

const SETUP_RETRY_MS = 1000;
const PENDING_REFRESH_MS = 500;

export class NatsGroup implements Subscription {
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #durable: string;
  readonly #handler: ObservationHandler;
  readonly #s: GroupSettings;
  /** Delivered, not yet handed to the handler (decoded on arrival). */
  #queue: Held[] = [];
  /** The messages the handler has (or will retry). */
  #batch: Held[] = [];
  /** Observations in the queue and the batch. */
  #heldObservations = 0;
  /** Messages of the group's server count not held here (undelivered, or with another member), last seen. */
  #remoteMessages = 0;
  /** Messages and observations this group has received: their ratio turns remote messages into observations. */
  #seenMessages = 0;
  #seenObservations = 0;
  /** Stream sequences held (queued or in the batch): a redelivery of one is not queued twice. */
  readonly #held = new Set<number>();
  #consumer: Consumer | null = null;
  #messages: ConsumerMessages | null = null;
  #running = false;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | null = null;
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #inFlight: Promise<void> | null = null;
  /** Messages terminated because they were not observations of the vantage their subject names. */
  rejected = 0;

  constructor(
    js: JetStreamClient,
    jsm: JetStreamManager,
    durable: string,
    handler: ObservationHandler,
    s: GroupSettings,
  ) {
    this.#js = js;
    this.#jsm = jsm;
    this.#durable = durable;
    this.#handler = handler;
    this.#s = s;
    void this.#setup();
    this.#timers.push(
      setInterval(() => this.#keepAlive(), Math.max(100, s.ackWaitMs / 3)),
      setInterval(() => void this.#refreshPending(), PENDING_REFRESH_MS),
    );
  }

  /**
   * Observations not yet acknowledged: those held here exactly, plus the server's count of the rest (in
   * messages) times the observations per message seen so far (one before any arrived).
   */
  get pending(): number {
    const perMessage = this.#seenMessages === 0 ? 1 : this.#seenObservations / this.#seenMessages;
    return this.#heldObservations + Math.round(this.#remoteMessages * perMessage);
  }

  async unsubscribe(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    if (this.#retry) clearTimeout(this.#retry);
    await this.#messages?.close();
    await this.#inFlight;
    // What we hold but will not handle goes back at once, for another member of the group.
    for (const h of [...this.#batch, ...this.#queue]) h.m.nak();
    this.#batch = [];
    this.#queue = [];
    this.#held.clear();
    this.#heldObservations = 0;
  }

  /** Creates the durable consumer (or updates its limits) and starts pulling; retried until it works. */
  async #setup(): Promise<void> {
    const { stream, subjectPrefix, ackWaitMs, maxAckPending, batchMax } = this.#s;
    while (!this.#closed) {
      try {
        const limits = { ack_wait: nanos(ackWaitMs), max_ack_pending: maxAckPending };
        try {
          await this.#jsm.consumers.info(stream, this.#durable);
          await this.#jsm.consumers.update(stream, this.#durable, limits);
        } catch {
          await this.#jsm.consumers.add(stream, {
            durable_name: this.#durable,
            ack_policy: AckPolicy.Explicit,
            ...(this.#s.startAt === undefined
              ? { deliver_policy: DeliverPolicy.All }
              : {
                  deliver_policy: DeliverPolicy.StartTime,
                  opt_start_time: new Date(this.#s.startAt).toISOString(),
                }),
            ...(this.#s.inactiveMs === undefined ? {} : { inactive_threshold: nanos(this.#s.inactiveMs) }),
            filter_subject: `${subjectPrefix}.>`,
            ...limits,
          });
        }
        if (this.#closed) return;
        this.#consumer = await this.#js.consumers.get(stream, this.#durable);
        this.#messages = await this.#consumer.consume({
          // Enough buffered messages to fill a handler batch, within max_ack_pending.
          max_messages: Math.max(1, Math.min(maxAckPending, Math.ceil(batchMax / 50), 32)),
          callback: (m) => this.#onMessage(m),
        });
        await this.#refreshPending();
        return;
      } catch (error) {
        this.#s.onError(
          new Error(`consumer group "${this.#durable}" on stream ${stream}: ${(error as Error).message}`, {
            cause: error,
          }),
        );
        await new Promise((r) => setTimeout(r, SETUP_RETRY_MS));
      }
    }
  }

  #onMessage(m: JsMsg): void {
    if (this.#closed) {
      m.nak();
      return;
    }
    if (this.#held.has(m.seq)) return; // a redelivery of what we hold: already queued
    const decoded = decodeMessage(m.string(), m.subject, this.#s.subjectPrefix);
    if ("invalid" in decoded) {
      this.rejected++;
      m.term(decoded.invalid);
      this.#s.onError(new Error(`dropped message ${m.seq} on ${m.subject}: ${decoded.invalid}`));
      return;
    }
    const observations = this.#withinBound(m, decoded.observations);
    if (observations.length === 0) return;
    this.#held.add(m.seq);
    this.#queue.push({ m, observations });
    this.#heldObservations += observations.length;
    this.#seenMessages++;
    this.#seenObservations += observations.length;
    this.#pump();
  }

  /**
   * The message's observations without those more than MAX_AHEAD_MS ahead of the clock (the hub's ingest
   * refuses them; here an agent published straight to the stream). They are dropped with a log line and
   * counted, never retried: a retry would not make them any less wrong. A message left empty is terminated.
   */
  #withinBound(m: JsMsg, observations: Observation[]): Observation[] {
    const now = this.#s.now();
    const late = (o: Observation) => typeof o.at === "number" && futureTimeReason(o.at, now) !== null;
    if (!observations.some(late)) return observations;
    const kept = observations.filter((o) => !late(o));
    const dropped = observations.length - kept.length;
    const first = observations.find(late)!;
    const reason = `observation ${first.id}: ${futureTimeReason(first.at, now)}`;
    this.#s.onFutureDropped(dropped);
    this.#s.onError(
      new Error(
        `dropped ${dropped} observation${dropped === 1 ? "" : "s"} of message ${m.seq} on ${m.subject} (${reason})`,
      ),
    );
    if (kept.length === 0) m.term(reason);
    return kept;
  }

  /** Hands the queue's oldest messages to the handler as one batch; acknowledges them when it resolves. */
  #pump(): void {
    if (this.#running || this.#closed || this.#retry) return;
    if (this.#batch.length === 0) this.#batch = this.#takeBatch();
    const batch = this.#batch;
    if (batch.length === 0) return;
    this.#running = true;
    this.#inFlight = (async () => {
      let ok = false;
      try {
        await this.#handler(
          batch.length === 1 ? batch[0]!.observations : batch.flatMap((h) => h.observations),
        );
        ok = true;
      } catch {
        // Kept: the same batch is handled again after redeliverMs, before anything later.
      }
      if (ok) await this.#ack(batch);
      this.#running = false;
      if (this.#closed) return;
      if (ok) {
        this.#batch = [];
        void this.#refreshPending();
        this.#pump();
      } else {
        this.#retry = setTimeout(() => {
          this.#retry = null;
          this.#pump();
        }, this.#s.redeliverMs);
      }
    })();
  }

  /** Queued messages, oldest first, up to batchMax observations (at least one message). */
  #takeBatch(): Held[] {
    const batch: Held[] = [];
    let count = 0;
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!;
      if (batch.length > 0 && count + next.observations.length > this.#s.batchMax) break;
      batch.push(this.#queue.shift()!);
      count += next.observations.length;
    }
    return batch;
  }

  /** Acknowledges a batch; the last one waits for the server, which has then taken the ones before it. */
  async #ack(batch: Held[]): Promise<void> {
    for (const h of batch) {
      this.#held.delete(h.m.seq);
      this.#heldObservations -= h.observations.length;
    }
    for (const h of batch.slice(0, -1)) h.m.ack();
    try {
      await batch.at(-1)?.m.ackAck();
    } catch {
      // Not confirmed (connection lost): the server redelivers after the ack wait; consumers de-duplicate.
    }
  }

  #keepAlive(): void {
    for (const h of this.#batch) h.m.working();
    for (const h of this.#queue) h.m.working();
  }

  /** The group's unacknowledged count on the server: not yet delivered plus delivered and not acknowledged. */
  async #refreshPending(): Promise<void> {
    if (!this.#consumer || this.#closed) return;
    try {
      const info = await this.#consumer.info(false);
      this.#remoteMessages = Math.max(0, info.num_pending + info.num_ack_pending - this.#held.size);
    } catch {
      // Keep the last known value while the server is away.
    }
  }
}
