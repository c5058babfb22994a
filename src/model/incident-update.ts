/**
 * What a person says about an incident, beside what the localizer says: a status in Statuspage's words and a
 * message. Pure: the statuses, the bounds the API holds messages to, and the human status of an incident.
 */

/** The statuses a person may give an incident, in Statuspage's words and order. */
export const INCIDENT_UPDATE_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type IncidentUpdateStatus = (typeof INCIDENT_UPDATE_STATUSES)[number];

/** The longest message taken, characters: a status post, not a post-mortem. */
export const MAX_UPDATE_MESSAGE = 5000;

/** The most updates one incident takes: every status page answer lists them all, so they are bounded. */
export const MAX_UPDATES_PER_INCIDENT = 500;

/**
 * The incident's human status: that of the latest update (by time, then as listed), or null when nobody
 * wrote one. It never closes the localizer's incident: a person's "resolved" is only what they said.
 */
export function humanStatus(
  updates: readonly { at: number; status: IncidentUpdateStatus }[],
): IncidentUpdateStatus | null {
  let latest: { at: number; status: IncidentUpdateStatus } | null = null;
  for (const u of updates) if (!latest || u.at >= latest.at) latest = u;
  return latest?.status ?? null;
}
