/**
 * Delivers one incident event to one channel: decides whether to send it (notify-decision.ts), claims an
 * opening or change in the alert state before sending it, tries with exponential backoff, records every
 * attempt, and writes the alert state after a success (or gives the claim back after giving up). Split from
 * the notifier (notifier.ts), which queues these deliveries per channel and drains them at shutdown.
 */
import { randomUUID } from "node:crypto";
import { type BackoffPolicy, backoffDelay } from "../model/backoff.js";
import type { Store, StoredIncident } from "../store/store.js";
import { DeliveryError, type NotifyChannel } from "./channel.js";
import { errorText } from "./channels/http-post.js";
import { messageFacts, type NotifyEvent } from "./message-format.js";
import { type ComponentTags, decide, epicenterDigest, NOTHING_DELIVERED } from "./notify-decision.js";

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

/** What one delivery works with: the notifier's log, clock and retries, and its two shutdown signals. */
export interface DeliveryContext {
  log: NotifyLog;
  now: () => number;
  backoff: Backoff;
  incidentUrl: (incidentId: string) => string;
  onStoreError: (error: unknown) => void;
  /** The model's tags of a component, for channels with `tags` (notify-decision.ts). */
  componentTags?: ComponentTags;
  /** Aborted when draining starts: waits between attempts end at once. */
  hurry: AbortSignal;
  /** Aborted at the drain deadline: attempts in flight are abandoned. */
  stop: AbortSignal;
}

/** Delivers `received` about `incident` on `channel`, retrying as `ctx.backoff` says. */
export async function deliver(
  ctx: DeliveryContext,
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
  if (ctx.stop.aborted) return outcome(received, false, false, 0, "notifier shut down");
  let state: Awaited<ReturnType<NotifyLog["getAlertState"]>>;
  try {
    state = await ctx.log.getAlertState(incident.id, channel.name);
  } catch (error) {
    // Without the state a decision could re-send or drop; sending nothing now leaves resume() to settle it.
    ctx.onStoreError(error);
    return outcome(received, false, false, 0, `store unavailable: ${errorText(error)}`);
  }
  const decision = decide(received, incident, state, channel.filter, ctx.componentTags);
  if (!decision.send) return outcome(received, false, false, 0, decision.reason);
  const event = decision.event;
  const url = ctx.incidentUrl(incident.id);
  const digest = epicenterDigest(incident);
  // An opening or change is claimed before it is sent: if this process dies between the send and the
  // write, the replica or restart that follows must not announce it a second time (at most once). A
  // resolve is recorded after it is delivered, so it is never lost (at least once).
  const claims = event !== "resolved";
  if (claims)
    await record(ctx, () =>
      ctx.log.setAlertState({
        incidentId: incident.id,
        channel: channel.name,
        delivered: event,
        digest,
        at: ctx.now(),
      }),
    );
  for (let attempt = 1; ; attempt++) {
    const at = ctx.now();
    let ok = false;
    let retryable = true;
    let detail: string;
    try {
      const signal = AbortSignal.any([ctx.stop, AbortSignal.timeout(ctx.backoff.timeoutMs)]);
      const facts = messageFacts(event, incident, at, url);
      detail = await channel.send({ event, incident, facts, at }, signal);
      ok = true;
    } catch (error) {
      detail = error instanceof DeliveryError ? error.message : errorText(error);
      if (error instanceof DeliveryError) retryable = error.retryable;
    }
    await record(ctx, () =>
      ctx.log.recordDelivery({
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
      await record(ctx, () =>
        ctx.log.setAlertState({
          incidentId: incident.id,
          channel: channel.name,
          delivered: event,
          digest,
          at,
        }),
      );
      return outcome(event, true, true, attempt, decision.reason);
    }
    const stopped = ctx.stop.aborted;
    if (!retryable || stopped || attempt >= ctx.backoff.attempts) {
      const why = stopped ? "shut down" : retryable ? `gave up after ${attempt} attempts` : "not retryable";
      // Not delivered: the claim goes back, so the next event (or resume) still owes it.
      if (claims)
        await record(ctx, () =>
          ctx.log.setAlertState(
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
    await sleep(backoffDelay(attempt, ctx.backoff), ctx.hurry);
  }
}

/** Runs a store write; a failure goes to `onStoreError` and the delivery goes on. */
async function record(ctx: DeliveryContext, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    ctx.onStoreError(error);
  }
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
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
