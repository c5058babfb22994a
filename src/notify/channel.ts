/**
 * A notification channel: one configured destination (a Slack webhook, a mailbox, a PagerDuty service…).
 * Each implementation lives in channels/, builds its payload with a pure function and sends it; the notifier
 * owns retries, ordering, records and alert state, so a channel only makes one attempt per `send`.
 */
import type { StoredIncident } from "../store/store.js";
import type { MessageFacts, NotifyEvent } from "./message-format.js";

/** One event to deliver, with its facts already worked out (the same for every channel). */
export interface Notification {
  event: NotifyEvent;
  incident: StoredIncident;
  facts: MessageFacts;
  /** When this attempt is made, epoch ms. */
  at: number;
}

/** What a channel wants to hear about. */
export interface ChannelFilter {
  events: readonly NotifyEvent[];
  minConfidence: number;
  /** Only incidents whose named cause or affected components carry one of these; absent: every incident. */
  tags?: readonly string[];
}

/** A maintenance window beginning or ending, for channels configured with `maintenance: true`. */
export interface MaintenanceAnnouncement {
  type: "started" | "ended";
  id: string;
  title: string;
  components: readonly string[];
  /** Epoch ms; `end` is the actual end once ended (early, when someone ended it). */
  start: number;
  end: number;
  /** When the hub saw the change, epoch ms. */
  at: number;
}

export interface NotifyChannel {
  readonly name: string;
  readonly type: string;
  readonly filter: ChannelFilter;
  /**
   * Makes one delivery attempt; resolves with a short detail for the record (HTTP status, SMTP reply) or
   * throws a DeliveryError. Must give up when `signal` aborts.
   */
  send(notification: Notification, signal: AbortSignal): Promise<string>;
  /** Present when the channel asked for maintenance notices: one attempt, like `send`. */
  announce?(notice: MaintenanceAnnouncement, signal: AbortSignal): Promise<string>;
  /** Releases connections (pools, SMTP transports). */
  close?(): Promise<void>;
}

/** A delivery attempt that failed; `retryable` is false when trying again cannot help (a 4xx, a bad address). */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  readonly code = "E_DELIVERY";
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
