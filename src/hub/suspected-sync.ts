/**
 * The hub's suspected dependencies over runs: the evidence of every run so far (SuspectedLedger, loaded from
 * the store when a replica leads) and the current run's learner, which the localizer feeds. Syncing saves
 * what the run learned, queued behind the incidents' own saves, so evidence never names an incident the
 * store does not have. Split from the hub (hub.ts), which decides when to load, sync and list.
 */
import type { Incident } from "../localize/incident-tracker.js";
import { SuspectedDependencies, type SuspectedDependency } from "../localize/suspected-dependencies.js";
import { pairsFromEvidence } from "../localize/suspected-evidence.js";
import type { Store } from "../store/store.js";
import type { IncidentLedger } from "./incident-ledger.js";
import type { IncidentRecorder } from "./incident-recorder.js";
import { SuspectedLedger } from "./suspected-ledger.js";

export interface SuspectedSyncOptions {
  store: Pick<Store, "listSuspectedEvidence" | "saveSuspectedEvidence">;
  ledger: IncidentLedger;
  recorder: IncidentRecorder;
  /** The current run's localizer incidents (the ones whose suspected components may have grown). */
  incidents: () => readonly Incident[];
  onWarning?: (message: string) => void;
}

export class SuspectedSync {
  readonly #o: SuspectedSyncOptions;
  /** Suspected dependencies of every run (kept in the store); `#run` is the current run's. */
  readonly #suspected = new SuspectedLedger();
  #run: SuspectedDependencies | null = null;

  constructor(options: SuspectedSyncOptions) {
    this.#o = options;
  }

  /** Takes what the store holds (a replica that leads now); rejects when the store cannot be read. */
  async load(): Promise<void> {
    this.#suspected.load(await this.#o.store.listSuspectedEvidence());
  }

  /**
   * Starts a new run (a model installed): a leader first syncs what the ending run learned, while its
   * incident ids still map. The returned learner goes to the new run's localizer.
   */
  newRun(now: number, leading: boolean): SuspectedDependencies {
    if (this.#run && leading) this.sync(now);
    this.#run = new SuspectedDependencies();
    return this.#run;
  }

  /**
   * Dependencies the model probably lacks, learned from every incident so far, best score first: the
   * leader's own (this run's evidence included), a standby's as the leader stored them.
   */
  async list(leading: boolean): Promise<SuspectedDependency[]> {
    if (!leading) return pairsFromEvidence(await this.#o.store.listSuspectedEvidence());
    if (this.#run) this.#suspected.take(this.#run.evidence(), (id) => this.#o.ledger.storedId(id));
    return this.#suspected.list();
  }

  /**
   * Saves what the localizer learned of suspected dependencies: incidents that came to suspect more components
   * (announced as changed to live subscribers, not to `onIncident`: nothing to notify), then the evidence.
   */
  sync(now: number): void {
    const run = this.#run;
    if (!run) return;
    const { ledger, recorder } = this.#o;
    const grown = ledger.suspectedGrown(this.#o.incidents(), now).map((i) => structuredClone(i));
    this.#suspected.take(run.evidence(), (id) => ledger.storedId(id));
    const rows = this.#suspected.drain();
    if (grown.length > 0) recorder.changed(grown);
    if (rows.length === 0) return;
    recorder.after(async () => {
      try {
        await this.#o.store.saveSuspectedEvidence(rows);
      } catch (error) {
        this.#suspected.unsaved(rows);
        this.#o.onWarning?.(`could not store suspected dependencies: ${(error as Error).message}`);
      }
    });
  }
}
