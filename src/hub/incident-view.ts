/**
 * The incidents the API reads, from one source of truth: what the hub holds now (its open incidents, and
 * copies it has queued for the store but not saved yet) over what the store has. An incident the hub just
 * opened is listed before its save is done, and one it just resolved is not listed open. Pure.
 */
import type { IncidentQuery, StoredIncident } from "../store/store.js";

/** The store's default page (`listIncidents` without a limit). */
export const DEFAULT_INCIDENT_LIMIT = 100;

/**
 * `stored` (the store's answer to `query` with room for `live.length` more) with each of `live` in place of
 * its stored copy, filtered, ordered and paged as the store does: newest first, ties by id, descending.
 */
export function mergeIncidents(
  stored: readonly StoredIncident[],
  live: readonly StoredIncident[],
  query: IncidentQuery,
): StoredIncident[] {
  const byId = new Map(stored.map((i) => [i.id, i]));
  for (const inc of live) byId.set(inc.id, inc);
  const limit = Math.max(0, Math.floor(query.limit ?? DEFAULT_INCIDENT_LIMIT));
  return [...byId.values()]
    .filter(
      (i) =>
        (query.open === undefined || (i.resolvedAt === null) === query.open) &&
        (query.before === undefined || i.openedAt < query.before),
    )
    .sort((a, b) => b.openedAt - a.openedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit);
}
