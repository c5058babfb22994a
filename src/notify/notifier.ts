/**
 * Delivers incident events to every configured channel: one queue per channel (a slow or failing channel never
 * delays the others, and one channel's events stay in order), retries with exponential backoff, every attempt
 * recorded, and alert state written after each success, so a restarted notifier neither re-sends an opening
 * nor forgets a resolve it owes (`resume`). One delivery (decision, claim, attempts) is channel-delivery.ts;
 * what to send is decided by notify-decision.ts.
 */
import type { StoredIncident } from "../store/store.js";
import type { MaintenanceAnnouncement, NotifyChannel } from "./channel.js";
import {
  type Backoff,
  DEFAULT_BACKOFF,
  type DeliveryContext,
  type DeliveryOutcome,
  deliver,
  type NotifyLog,
} from "./channel-delivery.js";
import { type AnnouncementOutcome, deliverAnnouncement } from "./maintenance-delivery.js";
import type { NotifyEvent } from "./message-format.js";
import type { ComponentTags } from "./notify-decision.js";

export interface IncidentNotice {
  type: NotifyEvent;
  incident: StoredIncident;
}

export interface NotifierOptions {
  channels: readonly NotifyChannel[];
  log: NotifyLog;
  /** Wall clock for delivery and alert-state times (default Date.now). */
  clock?: () => number;
  backoff?: Partial<Backoff>;
  /** The incident's page, for `{{url}}` and links; no link when omitted. */
  incidentUrl?: (incidentId: string) => string;
  /** The model's tags of a component (after reloads), for channels with `tags`; default: none has any. */
  componentTags?: ComponentTags;
  /** Told when the store fails under the notifier (default: ignored; deliveries go on). */
  onStoreError?: (error: unknown) => void;
  /** Told of each outcome as it settles, channel by channel (metrics, logs). */
  onOutcome?: (outcome: DeliveryOutcome) => void;
}

export class Notifier {
  readonly #channels: Map<string, NotifyChannel>;
  readonly #delivery: DeliveryContext;
  readonly #onOutcome: (outcome: DeliveryOutcome) => void;
  /** The last job queued per channel. */
  readonly #tails = new Map<string, Promise<unknown>>();
  /** Aborted when draining starts: waits between attempts end at once. */
  readonly #hurry = new AbortController();
  /** Aborted at the drain deadline: attempts in flight are abandoned. */
  readonly #stop = new AbortController();

  constructor(options: NotifierOptions) {
    this.#channels = new Map(options.channels.map((c) => [c.name, c]));
    this.#delivery = {
      log: options.log,
      now: options.clock ?? Date.now,
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
      incidentUrl: options.incidentUrl ?? (() => ""),
      onStoreError: options.onStoreError ?? (() => {}),
      componentTags: options.componentTags ?? (() => undefined),
      hurry: this.#hurry.signal,
      stop: this.#stop.signal,
    };
    this.#onOutcome = options.onOutcome ?? (() => {});
  }

  /**
   * Queues the event on every channel and returns at once with a promise of the outcomes, which settles when
   * every channel is done with it (delivered, given up, or decided not to send). Never rejects.
   */
  notify(notice: IncidentNotice): Promise<DeliveryOutcome[]> {
    // A snapshot: the caller may go on mutating its incident while this one waits in a queue.
    const incident = structuredClone(notice.incident);
    if (this.#hurry.signal.aborted) {
      return Promise.resolve(
        [...this.#channels.keys()].map((channel) => ({
          channel,
          incidentId: incident.id,
          event: notice.type,
          sent: false,
          delivered: false,
          attempts: 0,
          reason: "notifier draining",
        })),
      );
    }
    return Promise.all([...this.#channels.values()].map((c) => this.#enqueue(c, notice.type, incident)));
  }

  /**
   * Queues a maintenance window's start or end on every channel that asked for maintenance notices, in order
   * with its incident events; the promise settles with each channel's outcome. Never rejects.
   */
  announce(notice: MaintenanceAnnouncement): Promise<AnnouncementOutcome[]> {
    const channels = [...this.#channels.values()].filter((c) => c.announce);
    if (this.#hurry.signal.aborted)
      return Promise.resolve(
        channels.map((c) => ({
          channel: c.name,
          maintenanceId: notice.id,
          type: notice.type,
          delivered: false,
          attempts: 0,
          detail: "notifier draining",
        })),
      );
    return Promise.all(
      channels.map((c) => this.#queue(c.name, () => deliverAnnouncement(this.#delivery, c, notice))),
    );
  }

  /**
   * On start: for each channel left with an open alert (told `opened` or `changed`, not `resolved`), delivers
   * the resolve it owes when the incident has resolved meanwhile, or the change when its top epicenter moved.
   * Openings already delivered are never sent again. Safe to call again later (e.g. to retry owed resolves).
   */
  async resume(): Promise<DeliveryOutcome[]> {
    const { log, onStoreError } = this.#delivery;
    let states: Awaited<ReturnType<NotifyLog["listUnresolvedAlertStates"]>>;
    try {
      states = await log.listUnresolvedAlertStates();
    } catch (error) {
      onStoreError(error);
      return [];
    }
    const jobs: Promise<DeliveryOutcome>[] = [];
    for (const state of states) {
      const channel = this.#channels.get(state.channel);
      if (!channel) continue; // removed from the config: nobody left to tell
      const incident = await log.getIncident(state.incidentId).catch((error: unknown) => {
        onStoreError(error);
        return null;
      });
      if (!incident) continue;
      jobs.push(this.#enqueue(channel, incident.resolvedAt === null ? "changed" : "resolved", incident));
    }
    return Promise.all(jobs);
  }

  /**
   * For shutdown: stops waiting between retries, lets queued deliveries finish for at most `deadlineMs`
   * milliseconds, then abandons what is left (recorded as failed; owed resolves stay owed for `resume`) and
   * closes the channels. Resolves true when everything finished in time. Later `notify` calls send nothing.
   */
  async drain(deadlineMs: number): Promise<boolean> {
    this.#hurry.abort(new Error("notifier draining"));
    const all = Promise.all([...this.#tails.values()]);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), deadlineMs);
    });
    const finished = await Promise.race([all.then(() => true as const), late]);
    clearTimeout(timer);
    if (!finished) {
      this.#stop.abort(new Error("notifier shut down before delivery"));
      await all;
    }
    await Promise.all([...this.#channels.values()].map((c) => c.close?.().catch(() => {})));
    return finished;
  }

  #enqueue(channel: NotifyChannel, event: NotifyEvent, incident: StoredIncident): Promise<DeliveryOutcome> {
    const job = () =>
      deliver(this.#delivery, channel, event, incident).then((outcome) => {
        try {
          this.#onOutcome(outcome);
        } catch {
          // A listener's failure must not stall the channel's queue.
        }
        return outcome;
      });
    return this.#queue(channel.name, job);
  }

  /** Runs `job` after everything queued on the channel before it. */
  #queue<T>(channel: string, job: () => Promise<T>): Promise<T> {
    const run = (this.#tails.get(channel) ?? Promise.resolve()).then(job, job);
    this.#tails.set(channel, run);
    return run;
  }
}
