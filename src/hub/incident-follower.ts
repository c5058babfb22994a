/**
 * A standby follows the leader through the store: every few seconds it re-reads the incidents the leader
 * stored, so that its live stream announces them and its states name them by their stored ids, and clients
 * behind a load balancer see one story whichever replica answers.
 */
import type { Store, StoredIncident } from "../store/store.js";
import type { HubEvent } from "./hub-api.js";

/** How often a standby re-reads the incidents the leader stored. */
export const FOLLOW_MS = 2000;
/** How many of the newest incidents a standby keeps a copy of. */
const FOLLOWED = 200;

export class IncidentFollower {
  /** The leader's incidents as last read, newest first. */
  #copy: StoredIncident[] = [];
  #lastRead = 0;
  #started = false;

  /** The open ones of the leader's incidents as last read. */
  get open(): StoredIncident[] {
    return this.#copy.filter((i) => i.resolvedAt === null);
  }

  /** Puts a newer copy of one of them in place (a standby acknowledged it in the store). */
  update(incident: StoredIncident): void {
    const at = this.#copy.findIndex((i) => i.id === incident.id);
    if (at >= 0) this.#copy[at] = incident;
  }

  /**
   * Re-reads the store when FOLLOW_MS passed since the last read; returns what changed since then as live
   * events (none for the first read: the starting point is not news). A failed read keeps the copy (warned).
   */
  async follow(
    now: number,
    store: Pick<Store, "listIncidents">,
    onWarning?: (m: string) => void,
  ): Promise<HubEvent[]> {
    if (now - this.#lastRead < FOLLOW_MS) return [];
    this.#lastRead = now;
    let latest: StoredIncident[];
    try {
      latest = await store.listIncidents({ limit: FOLLOWED });
    } catch (error) {
      onWarning?.(`could not read incidents: ${(error as Error).message}`);
      return [];
    }
    const before = new Map(this.#copy.map((i) => [i.id, i]));
    const first = !this.#started;
    this.#started = true;
    this.#copy = latest;
    if (first) return [];
    const events: HubEvent[] = [];
    for (const inc of latest) {
      const old = before.get(inc.id);
      if (old && old.updatedAt === inc.updatedAt) continue;
      const resolvedNow = inc.resolvedAt !== null && (!old || old.resolvedAt === null);
      const action = resolvedNow ? "resolved" : old ? "changed" : "opened";
      events.push({ type: "incident", action, incident: inc });
    }
    return events;
  }
}
