/**
 * The hub's maintenance windows: the config's (expanded as times come) and the store's (made through the
 * API, or a config occurrence ended early), merged into one list. Answers which components are in
 * maintenance at a moment (`inMaintenance`, the seam for the localizer), and holds incident notifications
 * whose cause, or every affected component, is in maintenance until it ends (`hold`). Probing goes on.
 */
import {
  componentsInMaintenance,
  type MaintenanceSpec,
  type MaintenanceWindow,
  UPCOMING_MS,
  windowsBetween,
} from "../model/maintenance-schedule.js";
import type { MaintenanceLog, StoredMaintenance } from "../store/maintenance-store.js";
import type { StoredIncident } from "../store/store.js";
import type { LedgerEvent } from "./incident-ledger.js";

/** A window as the API and status page show it: planned times, and when it was ended early. */
export interface MaintenanceView extends MaintenanceWindow {
  /** Planned end (`end` is the actual one when ended early). */
  plannedEnd: number;
  endedAt: number | null;
  createdBy: string | null;
  /** When it was made through the API (or a config occurrence ended early); null for the config's. */
  createdAt: number | null;
}

/** A window beginning or ending, as the hub tells channels that asked for maintenance notices. */
export interface MaintenanceNotice {
  type: "started" | "ended";
  window: MaintenanceView;
  /** When the hub saw it (its tick), epoch ms. */
  at: number;
}

/** How often a replica rereads the store's windows (another replica may have made or ended one). */
const REFRESH_MS = 15_000;
/** The longest window the store is asked for, so one that began this long ago and is still on is read. */
const LOOKBACK_MS = 30 * 86_400_000;

export class MaintenanceBook {
  readonly #log: MaintenanceLog;
  readonly #clock: () => number;
  #stored: StoredMaintenance[] = [];
  #readAt = Number.NEGATIVE_INFINITY;
  /** Notifications held, by incident id: the latest event of an incident nobody was told of yet. */
  readonly #held = new Map<string, LedgerEvent>();
  /** Incidents whose events went through (so a later change in maintenance is not held half-told). */
  readonly #told = new Set<string>();
  #next: ((event: LedgerEvent) => void | Promise<void>) | undefined;

  readonly #warn: (message: string) => void;
  /** The windows on at the last tick, by id; null before the first (a restart announces no start again). */
  #on: Map<string, MaintenanceView> | null = null;

  /** The config's windows as the hub runs them now (after reloads). */
  readonly #specs: () => readonly MaintenanceSpec[];

  constructor(
    log: MaintenanceLog,
    clock: () => number,
    specs: () => readonly MaintenanceSpec[],
    warn: (message: string) => void = () => {},
  ) {
    this.#log = log;
    this.#clock = clock;
    this.#specs = specs;
    this.#warn = warn;
  }

  /** Every window overlapping [from, to), ended-early ones cut at their end, by start then id. */
  windows(from: number, to: number): MaintenanceView[] {
    const stored = new Map(this.#stored.map((m) => [m.id, m]));
    const views: MaintenanceView[] = [];
    const add = (w: MaintenanceWindow, m: StoredMaintenance | undefined) => {
      const endedAt = m?.endedAt ?? null;
      const end = endedAt === null ? w.end : Math.min(w.end, endedAt);
      // Ended before it began: cancelled, shown nowhere.
      if (end <= w.start || !(w.start < to && end > from)) return;
      views.push({
        ...w,
        end,
        plannedEnd: w.end,
        endedAt,
        createdBy: m?.createdBy ?? null,
        createdAt: m?.createdAt ?? null,
      });
    };
    for (const w of windowsBetween(this.#specs(), from, to)) add(w, stored.get(w.id));
    for (const m of this.#stored)
      if (m.source === "api")
        add(
          { id: m.id, title: m.title, components: m.components, start: m.start, end: m.end, source: "api" },
          m,
        );
    return views.sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
  }

  /** Windows on now or starting within the next two weeks. */
  currentAndUpcoming(now: number = this.#clock()): MaintenanceView[] {
    return this.windows(now, now + UPCOMING_MS);
  }

  /** Components in maintenance at `at`: what the localizer may take as a known cause of failures below them. */
  inMaintenance(at: number): ReadonlySet<string> {
    return componentsInMaintenance(this.windows(at, at + 1), at);
  }

  /**
   * The windows that were on when the incident opened and cover its cause or one of its components, by
   * start (the incident API marks it "during planned maintenance"). Windows the store keeps are read back
   * 30 days: an older incident's API windows are not found.
   */
  marks(incident: StoredIncident): { id: string; title: string }[] {
    const ids = new Set([...incident.epicenter.map((e) => e.component), ...incident.affected]);
    return this.windows(incident.openedAt, incident.openedAt + 1)
      .filter((w) => w.components.some((c) => ids.has(c)))
      .map((w) => ({ id: w.id, title: w.title }));
  }

  /** Makes a window (API); its id `mnt-<start>-<random>`. */
  async create(input: { title: string; components: string[]; start: number; end: number; by: string }) {
    const now = this.#clock();
    const stamp = new Date(input.start).toISOString().replace(/[-:]|\.\d+/g, "");
    const m: StoredMaintenance = {
      id: `mnt-${stamp}-${randomHex(3)}`,
      title: input.title,
      components: input.components,
      start: input.start,
      end: input.end,
      source: "api",
      createdBy: input.by,
      createdAt: now,
      endedAt: null,
    };
    await this.#log.saveMaintenance(m);
    await this.refresh(now, true);
    return this.windows(m.start, m.end).find((w) => w.id === m.id) ?? null;
  }

  /**
   * Ends a current or upcoming window now (one not begun yet is cancelled); a config occurrence is kept in
   * the store as ended. The window as ended, or null when no current or upcoming window has this id.
   */
  async end(id: string, by: string): Promise<MaintenanceView | null> {
    const now = this.#clock();
    await this.refresh(now, true);
    const w = this.currentAndUpcoming(now).find((v) => v.id === id);
    if (!w) return null;
    if (w.source === "config")
      await this.#log.saveMaintenance({
        id: w.id,
        title: w.title,
        components: w.components,
        start: w.start,
        end: w.plannedEnd,
        source: "config",
        createdBy: by,
        createdAt: now,
        endedAt: now,
      });
    else await this.#log.endMaintenance(id, now);
    await this.refresh(now, true);
    return { ...w, end: Math.max(w.start, now), endedAt: now };
  }

  /** Rereads the store's windows when due (or `force`d); a failed read keeps the last ones. */
  async refresh(now: number, force = false): Promise<void> {
    if (!force && now - this.#readAt < REFRESH_MS) return;
    this.#stored = await this.#log.listMaintenances(now - LOOKBACK_MS);
    this.#readAt = now;
  }

  /**
   * One beat of the hub: the store's windows reread when due, each window that began or ended since the
   * last beat handed to `announce` (the leader's; ended early counts as ended, cancelled before it began
   * is neither), and held notifications released for incidents no longer in maintenance (still open: a
   * resolve drops them).
   */
  async tick(now: number, announce?: (notice: MaintenanceNotice) => void | Promise<void>): Promise<void> {
    try {
      await this.refresh(now);
    } catch (error) {
      this.#warn(`could not read maintenance windows: ${(error as Error).message}`);
    }
    const on = new Map(this.windows(now, now + 1).map((w) => [w.id, w]));
    const before = this.#on;
    this.#on = on;
    if (before && announce) {
      const notices: MaintenanceNotice[] = [
        ...[...before.values()]
          .filter((w) => !on.has(w.id))
          .map((w) => ({ type: "ended" as const, window: this.#ended(w, now), at: now })),
        ...[...on.values()]
          .filter((w) => !before.has(w.id))
          .map((w) => ({ type: "started" as const, window: w, at: now })),
      ];
      for (const notice of notices)
        try {
          await announce(notice);
        } catch (error) {
          this.#warn(`could not announce maintenance ${notice.window.id}: ${(error as Error).message}`);
        }
    }
    for (const [id, event] of this.#held) {
      if (this.#covered(event.incident, now)) continue;
      this.#held.delete(id);
      await this.#pass(event);
    }
  }

  /** `next` (the notifier), with events of incidents in maintenance held back. */
  hold(next: (event: LedgerEvent) => void | Promise<void>): (event: LedgerEvent) => Promise<void> {
    this.#next = next;
    return async (event: LedgerEvent) => {
      const id = event.incident.id;
      if (event.type === "resolved") {
        // Nobody was told of it: nothing to close.
        if (this.#held.delete(id)) return;
        this.#told.delete(id);
        return next(event);
      }
      if (!this.#told.has(id) && this.#covered(event.incident, this.#clock())) {
        this.#held.set(id, event);
        return;
      }
      return this.#pass(event);
    };
  }

  /** How many incidents' notifications are held now. */
  get held(): number {
    return this.#held.size;
  }

  async #pass(event: LedgerEvent): Promise<void> {
    this.#told.add(event.incident.id);
    await this.#next?.(event);
  }

  /** A window that was on at the last beat and is not now, as it ended (early when the store says so). */
  #ended(w: MaintenanceView, now: number): MaintenanceView {
    const stored = this.#stored.find((m) => m.id === w.id);
    const endedAt = stored?.endedAt ?? null;
    return endedAt === null
      ? { ...w, end: Math.min(w.end, now) }
      : { ...w, end: Math.min(w.end, endedAt), endedAt };
  }

  /** Whether the incident's cause, or every component it affects, is in maintenance at `at`. */
  #covered(incident: StoredIncident, at: number): boolean {
    const on = this.inMaintenance(at);
    if (on.size === 0) return false;
    const cause = incident.epicenter[0]?.component;
    if (cause !== undefined && on.has(cause)) return true;
    return incident.affected.length > 0 && incident.affected.every((c) => on.has(c));
  }
}

/**
 * `bytes` random bytes as hex, from the Web Crypto global (Node and browsers alike: the dashboard's
 * typecheck reads this file through hub-api.ts's types and has no node: modules).
 */
function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}
