/**
 * Delivers incident events to every configured channel: one queue per channel (a slow or failing channel never
 * delays the others, and one channel's events stay in order), retries with exponential backoff, every attempt
 * recorded, and alert state written after each success, so a restarted notifier neither re-sends an opening
 * nor forgets a resolve it owes (`resume`). What to send is decided by notify-decision.ts.
 */
import { randomUUID } from "node:crypto";
import { type BackoffPolicy, backoffDelay } from "../model/backoff.js";
import type { Store, StoredIncident } from "../store/store.js";
import { DeliveryError, type NotifyChannel } from "./channel.js";
import { errorText } from "./channels/http-post.js";
import { messageFacts, type NotifyEvent } from "./message-format.js";
import { decide, epicenterDigest, NOTHING_DELIVERED } from "./notify-decision.js";

/** The part of the store the notifier uses. */
export type NotifyLog = Pick<
  Store,
  "recordDelivery" | "getAlertState" | "setAlertState" | "listUnresolvedAlertStates" | "getIncident"
>;

/** Retries of a delivery: waits of `backoffDelay` (the wait before the second attempt, doubled after each). */
export interface Backoff extends Pick<BackoffPolicy, "firstMs" | "maxMs"> {
  /** Attempts per delivery before giving up (the failure stays recorded; an owed resolve stays owed). */
  attempts: number;
  /** One attempt is abandoned after this long. */
  timeoutMs: number;
}

/** 1 s, 2 s, 4 s, 8 s, 16 s: six attempts over about half a minute. */
export const DEFAULT_BACKOFF: Backoff = { firstMs: 1000, maxMs: 60_000, attempts: 6, timeoutMs: 10_000 };

export interface IncidentNotice {
  type: NotifyEvent;
  incident: StoredIncident;
}

/** What became of one event on one channel. */
export interface DeliveryOutcome {
  channel: string;
  incidentId: string;
  /** The event decided on (a late `opened` when the channel had not been told yet). */
  event: NotifyEvent;
  /** False when the decision was not to send (see `reason`). */
  sent: boolean;
  delivered: boolean;
  attempts: number;
  reason: string;
}

export interface NotifierOptions {
  channels: readonly NotifyChannel[];
  log: NotifyLog;
  /** Wall clock for delivery and alert-state times (default Date.now). */
  clock?: () => number;
  backoff?: Partial<Backoff>;
  /** The incident's page, for `{{url}}` and links; no link when omitted. */
  incidentUrl?: (incidentId: string) => string;
  /** Told when the store fails under the notifier (default: ignored; deliveries go on). */
  onStoreError?: (error: unknown) => void;
  /** Told of each outcome as it settles, channel by channel (metrics, logs). */
  onOutcome?: (outcome: DeliveryOutcome) => void;
}

export class Notifier {
  readonly #channels: Map<string, NotifyChannel>;
  readonly #log: NotifyLog;
  readonly #now: () => number;
  readonly #backoff: Backoff;
  readonly #incidentUrl: (id: string) => string;
  readonly #onStoreError: (error: unknown) => void;
  readonly #onOutcome: (outcome: DeliveryOutcome) => void;
  /** The last job queued per channel. */
  readonly #tails = new Map<string, Promise<unknown>>();
  /** Aborted when draining starts: waits between attempts end at once. */
  readonly #hurry = new AbortController();
  /** Aborted at the drain deadline: attempts in flight are abandoned. */
  readonly #stop = new AbortController();

  constructor(options: NotifierOptions) {
    this.#channels = new Map(options.channels.map((c) => [c.name, c]));
    this.#log = options.log;
    this.#now = options.clock ?? Date.now;
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#incidentUrl = options.incidentUrl ?? (() => "");
    this.#onStoreError = options.onStoreError ?? (() => {});
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
   * On start: for each channel left with an open alert (told `opened` or `changed`, not `resolved`), delivers
   * the resolve it owes when the incident has resolved meanwhile, or the change when its top epicenter moved.
   * Openings already delivered are never sent again. Safe to call again later (e.g. to retry owed resolves).
   */
  async resume(): Promise<DeliveryOutcome[]> {
    let states: Awaited<ReturnType<NotifyLog["listUnresolvedAlertStates"]>>;
    try {
      states = await this.#log.listUnresolvedAlertStates();
    } catch (error) {
      this.#onStoreError(error);
      return [];
    }
    const jobs: Promise<DeliveryOutcome>[] = [];
    for (const state of states) {
      const channel = this.#channels.get(state.channel);
      if (!channel) continue; // removed from the config: nobody left to tell
      const incident = await this.#log.getIncident(state.incidentId).catch((error: unknown) => {
        this.#onStoreError(error);
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
      this.#deliver(channel, event, incident).then((outcome) => {
        try {
          this.#onOutcome(outcome);
        } catch {
          // A listener's failure must not stall the channel's queue.
        }
        return outcome;
      });
    const run = (this.#tails.get(channel.name) ?? Promise.resolve()).then(job, job);
    this.#tails.set(channel.name, run);
    return run;
  }

  async #deliver(
    channel: NotifyChannel,
    received: NotifyEvent,
    incident: StoredIncident,
  ): Promise<DeliveryOutcome> {
    const outcome = (
      event: NotifyEvent,
      sent: boolean,
      delivered: boolean,
      attempts: number,
      reason: string,
    ) => ({
      channel: channel.name,
      incidentId: incident.id,
      event,
      sent,
      delivered,
      attempts,
      reason,
    });
    if (this.#stop.signal.aborted) return outcome(received, false, false, 0, "notifier shut down");
    let state: Awaited<ReturnType<NotifyLog["getAlertState"]>>;
    try {
      state = await this.#log.getAlertState(incident.id, channel.name);
    } catch (error) {
      // Without the state a decision could re-send or drop; sending nothing now leaves resume() to settle it.
      this.#onStoreError(error);
      return outcome(received, false, false, 0, `store unavailable: ${errorText(error)}`);
    }
    const decision = decide(received, incident, state, channel.filter);
    if (!decision.send) return outcome(received, false, false, 0, decision.reason);
    const event = decision.event;
    const url = this.#incidentUrl(incident.id);
    const digest = epicenterDigest(incident);
    // An opening or change is claimed before it is sent: if this process dies between the send and the
    // write, the replica or restart that follows must not announce it a second time (at most once). A
    // resolve is recorded after it is delivered, so it is never lost (at least once).
    const claims = event !== "resolved";
    if (claims)
      await this.#record(() =>
        this.#log.setAlertState({
          incidentId: incident.id,
          channel: channel.name,
          delivered: event,
          digest,
          at: this.#now(),
        }),
      );
    for (let attempt = 1; ; attempt++) {
      const at = this.#now();
      let ok = false;
      let retryable = true;
      let detail: string;
      try {
        const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#backoff.timeoutMs)]);
        const facts = messageFacts(event, incident, at, url);
        detail = await channel.send({ event, incident, facts, at }, signal);
        ok = true;
      } catch (error) {
        detail = error instanceof DeliveryError ? error.message : errorText(error);
        if (error instanceof DeliveryError) retryable = error.retryable;
      }
      await this.#record(() =>
        this.#log.recordDelivery({
          id: randomUUID(),
          incidentId: incident.id,
          channel: channel.name,
          event,
          at,
          attempt,
          ok,
          detail,
        }),
      );
      if (ok) {
        await this.#record(() =>
          this.#log.setAlertState({
            incidentId: incident.id,
            channel: channel.name,
            delivered: event,
            digest,
            at,
          }),
        );
        return outcome(event, true, true, attempt, decision.reason);
      }
      const stopped = this.#stop.signal.aborted;
      if (!retryable || stopped || attempt >= this.#backoff.attempts) {
        const why = stopped ? "shut down" : retryable ? `gave up after ${attempt} attempts` : "not retryable";
        // Not delivered: the claim goes back, so the next event (or resume) still owes it.
        if (claims)
          await this.#record(() =>
            this.#log.setAlertState(
              state ?? {
                incidentId: incident.id,
                channel: channel.name,
                delivered: NOTHING_DELIVERED,
                digest: "",
                at,
              },
            ),
          );
        return outcome(event, true, false, attempt, `${why}: ${detail}`);
      }
      await sleep(backoffDelay(attempt, this.#backoff), this.#hurry.signal);
    }
  }

  async #record(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.#onStoreError(error);
    }
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
