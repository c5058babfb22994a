/**
 * The leader's record of incidents: each event is stored, then announced to live subscribers, then handed
 * to `onIncident` (the notifier), one after another in event order. Until the store has a copy, it is kept
 * here, so that what the API reads (incident-view.ts) never lags behind what the hub decided.
 */
import type { Store, StoredIncident } from "../store/store.js";
import type { HubEvents } from "./hub-events.js";
import type { HubMetrics } from "./hub-metrics.js";
import type { LedgerEvent } from "./incident-ledger.js";

export interface IncidentRecorderOptions {
  store: Pick<Store, "saveIncident">;
  events: HubEvents;
  metrics: HubMetrics;
  /** Called after each incident event is stored, in order. */
  onIncident?: (event: LedgerEvent) => void | Promise<void>;
  onWarning?: (message: string) => void;
}

export class IncidentRecorder {
  readonly #options: IncidentRecorderOptions;
  /** Saves and announcements run one after another, in event order. */
  #chain: Promise<void> = Promise.resolve();
  /** Copies queued for the store and not saved yet, by id. */
  readonly #unsaved = new Map<string, StoredIncident>();

  constructor(options: IncidentRecorderOptions) {
    this.#options = options;
  }

  /** Copies not in the store yet (one the store refused stays until a later copy is saved). */
  get unsaved(): StoredIncident[] {
    return [...this.#unsaved.values()];
  }

  /** Resolves once everything queued so far is done. */
  idle(): Promise<void> {
    return this.#chain;
  }

  /** Stores and announces these events (copies: the ledger goes on changing its incidents), then notifies. */
  record(events: LedgerEvent[]): void {
    for (const e of events) this.#options.metrics.incidentEvents.inc({ type: e.type });
    const copies = events.map((e) => ({ type: e.type, incident: structuredClone(e.incident) }));
    for (const e of copies) this.#unsaved.set(e.incident.id, e.incident);
    this.after(async () => {
      for (const e of copies) {
        await this.#save(e.incident);
        this.#options.events.emit({ type: "incident", action: e.type, incident: e.incident });
        try {
          await this.#options.onIncident?.(e);
        } catch (error) {
          this.#options.onWarning?.(`incident listener failed: ${(error as Error).message}`);
        }
      }
    });
  }

  /** Stores these changed incidents and announces them as changed, without notifying: nothing to tell. */
  changed(incidents: StoredIncident[]): void {
    for (const inc of incidents) this.#unsaved.set(inc.id, inc);
    this.after(async () => {
      for (const incident of incidents) {
        await this.#save(incident);
        this.#options.events.emit({ type: "incident", action: "changed", incident });
      }
    });
  }

  /** Runs `task` after everything queued so far (a task must not throw). */
  after(task: () => Promise<void>): void {
    this.#chain = this.#chain.then(task);
  }

  async #save(copy: StoredIncident): Promise<void> {
    try {
      await this.#options.store.saveIncident(copy);
      if (this.#unsaved.get(copy.id) === copy) this.#unsaved.delete(copy.id);
    } catch (error) {
      this.#options.onWarning?.(`could not store incident ${copy.id}: ${(error as Error).message}`);
    }
  }
}
