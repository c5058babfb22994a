/**
 * Whether a channel is told of an incident event, and as what. Pure: the notifier reads the channel's alert
 * state (what it was last told) just before deciding; it claims an opening or change before sending it (and
 * takes the claim back if the delivery fails), and records a resolve after it is delivered.
 *
 * - opened: once per incident (again only after a resolve: the incident reopened);
 * - changed: only when the top epicenter differs from the one last delivered, never for a confidence wobble
 *   or a longer affected list, so a channel gets one message per epicenter, not one per symptom;
 * - resolved: always when the channel was told anything, or was owed the opening (its delivery failed), even
 *   when earlier sends failed; never twice.
 * A channel that was never told of an open incident (the opening failed, or confidence was below its
 * `minConfidence` then) is sent `opened` on the next event that qualifies.
 * A channel with `tags` takes an incident only while its named cause or an affected component carries one
 * of them (`componentTags`); once told, it hears the incident's changes and resolve like any other.
 */
import type { AlertState, StoredIncident } from "../store/store.js";
import type { ChannelFilter } from "./channel.js";
import type { NotifyEvent } from "./message-format.js";

export interface Decision {
  send: boolean;
  /** The event to deliver (may differ from the one received: a late `opened`). */
  event: NotifyEvent;
  /** Why, for logs and tests. */
  reason: string;
}

/** What an alert state remembers of an incident: its top epicenter. */
export function epicenterDigest(incident: StoredIncident): string {
  return incident.epicenter[0]?.component ?? "";
}

/** An alert state whose claimed opening was never delivered: the same as no state. */
export const NOTHING_DELIVERED = "none";

export function decide(
  event: NotifyEvent,
  incident: StoredIncident,
  stored: AlertState | null,
  filter: ChannelFilter,
  componentTags: ComponentTags = () => undefined,
): Decision {
  const state = stored?.delivered === NOTHING_DELIVERED ? null : stored;
  const wants = (e: NotifyEvent) => filter.events.includes(e);
  const send = (e: NotifyEvent, reason: string): Decision => ({ send: true, event: e, reason });
  const skip = (reason: string): Decision => ({ send: false, event, reason });

  if (event === "resolved") {
    if (state?.delivered === "resolved") return skip("resolve already delivered");
    if (!wants("resolved")) return skip("channel does not take resolved");
    if (state) return send("resolved", `closes the ${state.delivered} delivered`);
    if (peakConfidence(incident) >= filter.minConfidence && carriesTags(incident, filter, componentTags))
      return send("resolved", "owed: the incident qualified");
    return skip("never qualified for this channel");
  }

  if (incident.resolvedAt !== null) return skip("incident already resolved");
  const confidence = incident.epicenter[0]?.confidence ?? 0;
  if (confidence < filter.minConfidence) return skip("below the channel's minConfidence");
  const announced = state !== null && state.delivered !== "resolved";
  if (!announced && !carriesTags(incident, filter, componentTags))
    return skip("no component it names or affects carries the channel's tags");

  if (!announced) {
    if (wants("opened")) {
      return send(
        "opened",
        state ? "reopened after a resolve" : event === "opened" ? "new incident" : "late opening",
      );
    }
    if (event === "changed" && wants("changed") && topChangedInHistory(incident)) {
      return send("changed", "top epicenter changed (channel does not take opened)");
    }
    return skip(`channel does not take ${event}`);
  }
  if (event === "opened") return skip("already announced");
  if (state.digest === epicenterDigest(incident)) return skip("same top epicenter");
  if (!wants("changed")) return skip("channel does not take changed");
  return send("changed", "top epicenter changed");
}

/** A component's tags (the model's); undefined when it has none or is unknown. */
export type ComponentTags = (component: string) => readonly string[] | undefined;

/** Whether the incident's named causes (now or earlier) or affected components carry one of the filter's tags. */
export function carriesTags(
  incident: StoredIncident,
  filter: ChannelFilter,
  componentTags: ComponentTags,
): boolean {
  if (!filter.tags) return true;
  const wanted = new Set(filter.tags);
  const ids = new Set([
    ...incident.epicenter.map((e) => e.component),
    ...incident.history.flatMap((h) => h.epicenter.map((e) => e.component)),
    ...incident.affected,
  ]);
  for (const id of ids) if (componentTags(id)?.some((t) => wanted.has(t))) return true;
  return false;
}

/** The highest top confidence the incident ever had. */
function peakConfidence(incident: StoredIncident): number {
  let peak = incident.epicenter[0]?.confidence ?? 0;
  for (const entry of incident.history) peak = Math.max(peak, entry.epicenter[0]?.confidence ?? 0);
  return peak;
}

function topChangedInHistory(incident: StoredIncident): boolean {
  const previous = incident.history.at(-2)?.epicenter[0]?.component;
  return previous !== undefined && previous !== epicenterDigest(incident);
}
