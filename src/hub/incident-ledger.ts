/**
 * Turns the localizer's incidents (ids local to one localizer run) into stored incidents with ids that
 * survive restarts and reloads. An incident still open in the store when the hub starts (or reloads) is
 * adopted by the first new incident naming the same epicenter, so a restart neither opens a second incident
 * for the same outage nor sends a second "opened"; one not adopted within the adoption window is resolved.
 * Pure: the caller supplies time and new ids.
 */
import type { Incident, IncidentEvent } from "../localize/incident-tracker.js";
import type { StoredIncident } from "../store/store.js";

export type LedgerEvent = {
  type: "opened" | "changed" | "resolved";
  incident: StoredIncident;
};

export class IncidentLedger {
  /** Localizer incident id → stored incident. */
  #byLocal = new Map<string, StoredIncident>();
  #adoptable: StoredIncident[] = [];
  #adoptUntil = 0;
  readonly #open = new Map<string, StoredIncident>();
  /** Stored id → how many history entries at its end came from the current local incident. */
  readonly #own = new Map<string, number>();
  readonly #newId: (openedAt: number) => string;

  constructor(newId: (openedAt: number) => string) {
    this.#newId = newId;
  }

  /** Incidents open now (after adoption and expiry), newest first. */
  get open(): StoredIncident[] {
    return [...this.#open.values()].sort((a, b) => b.openedAt - a.openedAt);
  }

  /**
   * Starts a new localizer run: its incidents are new to the ledger. Open incidents (from the store at start,
   * or the previous run at reload) wait until `adoptUntil` for a successor naming the same epicenter.
   */
  begin(open: StoredIncident[], adoptUntil: number): void {
    this.#byLocal = new Map();
    this.#own.clear();
    this.#adoptable = [...open];
    this.#adoptUntil = adoptUntil;
    for (const inc of open) this.#open.set(inc.id, inc);
  }

  /** One localizer event, as the stored incident to save and the event to announce. */
  apply(event: IncidentEvent, now: number): LedgerEvent {
    const local = event.incident;
    let stored = this.#byLocal.get(local.id);
    let type: LedgerEvent["type"] = event.type;
    if (!stored) {
      const top = local.epicenter[0]?.component;
      const at = this.#adoptable.findIndex(
        (a) => a.epicenter[0]?.component === top && a.vantage === local.vantage,
      );
      if (at >= 0) {
        stored = this.#adoptable.splice(at, 1)[0]!;
        // Already announced as opened before the restart: this is at most a change.
        if (type === "opened") type = "changed";
        this.#own.set(stored.id, 0);
      } else {
        stored = {
          id: this.#newId(local.openedAt),
          openedAt: local.openedAt,
          resolvedAt: null,
          epicenter: [],
          affected: [],
          history: [],
          vantage: local.vantage,
          acknowledgedAt: null,
          acknowledgedBy: null,
          updatedAt: now,
          suspected: [],
        };
      }
      this.#byLocal.set(local.id, stored);
    }
    // History before this run is kept; this run's part is replaced by the local incident's history.
    const base = stored.history.length - (this.#own.get(stored.id) ?? 0);
    stored.history = [...stored.history.slice(0, base), ...local.history.map((h) => ({ ...h }))];
    this.#own.set(stored.id, local.history.length);
    stored.epicenter = local.epicenter.map((r) => ({ ...r }));
    stored.affected = [...new Set([...stored.affected, ...local.affected])].sort();
    stored.suspected = union(stored.suspected, local.suspected);
    stored.resolvedAt = local.resolvedAt;
    stored.updatedAt = now;
    if (stored.resolvedAt === null) this.#open.set(stored.id, stored);
    else this.#open.delete(stored.id);
    return { type, incident: stored };
  }

  /**
   * This replica becomes the leader: its localizer has been running (its incidents are current) but the
   * store holds what the previous leader announced. A local incident naming the epicenter of a stored open
   * one continues it (takes its id, opening time, history and acknowledgement; announced as a change); one
   * with no stored counterpart was never announced (opened). Stored incidents left over wait until
   * `adoptUntil`, as after a restart.
   */
  takeOver(open: StoredIncident[], adoptUntil: number, now: number): LedgerEvent[] {
    const stored = [...open];
    const events: LedgerEvent[] = [];
    const own = this.open;
    this.#open.clear();
    for (const inc of own) {
      const at = stored.findIndex(
        (s) => s.epicenter[0]?.component === inc.epicenter[0]?.component && s.vantage === inc.vantage,
      );
      if (at < 0) {
        events.push({ type: "opened", incident: inc });
      } else {
        const before = stored.splice(at, 1)[0]!;
        const local = inc.history.length - (this.#own.get(inc.id) ?? inc.history.length);
        const ownHistory = inc.history.slice(local);
        this.#own.delete(inc.id);
        inc.id = before.id;
        inc.openedAt = before.openedAt;
        inc.history = [...before.history, ...ownHistory];
        this.#own.set(inc.id, ownHistory.length);
        inc.affected = [...new Set([...before.affected, ...inc.affected])].sort();
        inc.suspected = union(before.suspected, inc.suspected);
        inc.acknowledgedAt = before.acknowledgedAt;
        inc.acknowledgedBy = before.acknowledgedBy;
        inc.updatedAt = now;
        events.push({ type: "changed", incident: inc });
      }
      this.#open.set(inc.id, inc);
    }
    this.#adoptable = stored;
    this.#adoptUntil = adoptUntil;
    for (const inc of stored) this.#open.set(inc.id, inc);
    return events;
  }

  /** Resolves adoptable incidents whose window passed (their outage ended while the hub was away). */
  expire(now: number): LedgerEvent[] {
    if (now < this.#adoptUntil || this.#adoptable.length === 0) return [];
    const out = this.#adoptable.map((inc) => {
      inc.resolvedAt = now;
      inc.updatedAt = now;
      this.#open.delete(inc.id);
      return { type: "resolved" as const, incident: inc };
    });
    this.#adoptable = [];
    return out;
  }

  /** The stored id of this run's local incident, once an event of it was applied. */
  storedId(local: string): string | undefined {
    return this.#byLocal.get(local)?.id;
  }

  /**
   * Open incidents whose local incident came to suspect more components since its last event (the tracker
   * adds them without an event: nothing to announce, but the incident page should show them): updated, to save.
   */
  suspectedGrown(local: readonly Incident[], now: number): StoredIncident[] {
    const grown: StoredIncident[] = [];
    for (const inc of local) {
      if (!inc.suspected?.length) continue;
      const stored = this.#byLocal.get(inc.id);
      if (!stored || stored.resolvedAt !== null) continue;
      const had = new Set(stored.suspected ?? []);
      if (inc.suspected.every((c) => had.has(c))) continue;
      stored.suspected = union(stored.suspected, inc.suspected);
      stored.updatedAt = now;
      grown.push(stored);
    }
    return grown;
  }

  acknowledge(id: string, by: string, at: number): StoredIncident | null {
    const inc = this.#open.get(id);
    if (!inc) return null;
    inc.acknowledgedAt = at;
    inc.acknowledgedBy = by;
    inc.updatedAt = at;
    return inc;
  }
}

/** Two sorted lists of components as one, without repeats. */
function union(a: readonly string[] | undefined, b: readonly string[] | undefined): string[] {
  return [...new Set([...(a ?? []), ...(b ?? [])])].sort();
}
