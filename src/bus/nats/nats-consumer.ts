/**
 * One consumer group on JetStream: a durable pull consumer (explicit acknowledgement) that this process
 * feeds to its handler one batch at a time, in stream order. A batch whose handler rejects is kept and
 * retried here after `redeliverMs` (a server-side nak would let later messages overtake it); while held,
 * its messages are kept alive with `working()` so the ack wait does not hand them to another member. If
 * this process dies, the ack wait expires and the server redelivers them to another member of the group.
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
import type { Observation } from "../../model/observation.js";
import type { ObservationHandler, Subscription } from "../bus.js";
import { vantageToken } from "./nats-connect.js";

export interface GroupSettings {
  stream: string;
  subjectPrefix: string;
  ackWaitMs: number;
  maxAckPending: number;
  batchMax: number;
  redeliverMs: number;
  onError: (error: Error) => void;
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
  /** Delivered, not yet handed to the handler. */
  #queue: JsMsg[] = [];
  /** The batch the handler has (or will retry). */
  #batch: JsMsg[] = [];
  /** Stream sequences held (queued or in the batch): a redelivery of one is not queued twice. */
  readonly #held = new Set<number>();
  #consumer: Consumer | null = null;
  #messages: ConsumerMessages | null = null;
  #serverPending = 0;
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

  get pending(): number {
    return this.#serverPending;
  }

  async unsubscribe(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    if (this.#retry) clearTimeout(this.#retry);
    await this.#messages?.close();
    await this.#inFlight;
    // What we hold but will not handle goes back at once, for another member of the group.
    for (const m of [...this.#batch, ...this.#queue]) m.nak();
    this.#batch = [];
    this.#queue = [];
    this.#held.clear();
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
          max_messages: batchMax,
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
    this.#held.add(m.seq);
    this.#queue.push(m);
    this.#pump();
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
        await this.#handler(batch.map((m) => m.json<Observation>()));
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

  /** Up to batchMax queued messages, after terminating those that are not what their subject says. */
  #takeBatch(): JsMsg[] {
    const batch: JsMsg[] = [];
    while (batch.length < this.#s.batchMax && this.#queue.length > 0) {
      const m = this.#queue.shift()!;
      const why = this.#invalid(m);
      if (why === null) batch.push(m);
      else {
        this.#held.delete(m.seq);
        this.rejected++;
        m.term(why);
        this.#s.onError(new Error(`dropped message ${m.seq} on ${m.subject}: ${why}`));
      }
    }
    return batch;
  }

  /** Why a message is not an observation of its subject's vantage (an agent may publish only its own). */
  #invalid(m: JsMsg): string | null {
    let o: Partial<Observation>;
    try {
      o = m.json<Partial<Observation>>();
    } catch {
      return "not JSON";
    }
    if (typeof o !== "object" || o === null || typeof o.id !== "string" || typeof o.vantage !== "string")
      return "not an observation";
    const token = m.subject.slice(this.#s.subjectPrefix.length + 1);
    if (vantageToken(o.vantage) !== token)
      return `vantage "${o.vantage}" published on another vantage's subject`;
    return null;
  }

  /** Acknowledges a batch; the last one waits for the server, which has then taken the ones before it. */
  async #ack(batch: JsMsg[]): Promise<void> {
    for (const m of batch) this.#held.delete(m.seq);
    for (const m of batch.slice(0, -1)) m.ack();
    try {
      await batch.at(-1)?.ackAck();
    } catch {
      // Not confirmed (connection lost): the server redelivers after the ack wait; consumers de-duplicate.
    }
  }

  #keepAlive(): void {
    for (const m of this.#batch) m.working();
    for (const m of this.#queue) m.working();
  }

  /** The group's unacknowledged count on the server: not yet delivered plus delivered and not acknowledged. */
  async #refreshPending(): Promise<void> {
    if (!this.#consumer || this.#closed) return;
    try {
      const info = await this.#consumer.info(false);
      this.#serverPending = info.num_pending + info.num_ack_pending;
    } catch {
      // Keep the last known value while the server is away.
    }
  }
}
