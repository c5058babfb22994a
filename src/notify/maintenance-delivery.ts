/**
 * One maintenance notice to one channel (`maintenance: true`): attempts with the notifier's backoff until
 * delivered, refused for good, or the notifier shuts down. Not kept in the delivery log: a notice is not an
 * incident, and a restarted hub does not owe one again (the book announces no start it did not see).
 */
import { backoffDelay } from "../model/backoff.js";
import { DeliveryError, type MaintenanceAnnouncement, type NotifyChannel } from "./channel.js";
import { type DeliveryContext, sleep } from "./channel-delivery.js";
import { errorText } from "./channels/http-post.js";

export interface AnnouncementOutcome {
  channel: string;
  maintenanceId: string;
  type: MaintenanceAnnouncement["type"];
  delivered: boolean;
  attempts: number;
  /** The last attempt's detail (HTTP status, or why it failed). */
  detail: string;
}

export async function deliverAnnouncement(
  ctx: DeliveryContext,
  channel: NotifyChannel,
  notice: MaintenanceAnnouncement,
): Promise<AnnouncementOutcome> {
  const outcome = (delivered: boolean, attempts: number, detail: string): AnnouncementOutcome => ({
    channel: channel.name,
    maintenanceId: notice.id,
    type: notice.type,
    delivered,
    attempts,
    detail,
  });
  if (!channel.announce) return outcome(false, 0, "the channel takes no maintenance notices");
  for (let attempt = 1; ; attempt++) {
    let retryable = true;
    let detail: string;
    try {
      const signal = AbortSignal.any([ctx.stop, AbortSignal.timeout(ctx.backoff.timeoutMs)]);
      return outcome(true, attempt, await channel.announce(notice, signal));
    } catch (error) {
      detail = error instanceof DeliveryError ? error.message : errorText(error);
      if (error instanceof DeliveryError) retryable = error.retryable;
    }
    if (!retryable || ctx.stop.aborted || attempt >= ctx.backoff.attempts)
      return outcome(false, attempt, detail);
    await sleep(backoffDelay(attempt, ctx.backoff), ctx.hurry);
  }
}
