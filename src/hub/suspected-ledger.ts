/**
 * The hub's suspected dependencies across its localizer runs (a restart, a config reload starts a new one):
 * what the store held merged with each run's evidence, whose incident ids are mapped to the stored incidents'
 * ids, so an incident one run saw open and the next saw resolve counts once. Keeps what changed since it was
 * last saved, so the store is written only with news. Pure: the caller moves rows to and from the store.
 */
import type { SuspectedDependency, SuspectedEvidence } from "../localize/suspected-dependencies.js";
import { evidenceKey, mergeEvidence, pairsFromEvidence } from "../localize/suspected-evidence.js";

export class SuspectedLedger {
  readonly #evidence = new Map<string, SuspectedEvidence>();
  readonly #unsaved = new Map<string, SuspectedEvidence>();

  /** What the store holds (at start, or on taking over as leader): merged in, not news to save. */
  load(stored: Iterable<SuspectedEvidence>): void {
    for (const e of stored) {
      const key = evidenceKey(e);
      const seen = this.#evidence.get(key);
      // What this hub learned first stays first: the stored account is the older one only if it is new here.
      this.#evidence.set(key, seen ? mergeEvidence(e, seen) : { ...e });
    }
  }

  /**
   * One run's evidence (SuspectedDependencies.evidence()), its incident ids mapped by `storedId`; evidence of
   * an incident not yet stored is left for a later call. Returns how many entries it changed.
   */
  take(evidence: Iterable<SuspectedEvidence>, storedId: (local: string) => string | undefined): number {
    let changed = 0;
    for (const local of evidence) {
      const incident = storedId(local.incident);
      if (incident === undefined) continue;
      const e = { ...local, incident };
      const key = evidenceKey(e);
      const seen = this.#evidence.get(key);
      const merged = seen ? mergeEvidence(seen, e) : e;
      if (
        seen &&
        seen.firstSeen === merged.firstSeen &&
        seen.lastSeen === merged.lastSeen &&
        seen.recovered === merged.recovered
      )
        continue;
      this.#evidence.set(key, merged);
      this.#unsaved.set(key, merged);
      changed++;
    }
    return changed;
  }

  /** The entries changed since the last drain, to save; hand them to `unsaved` again if saving failed. */
  drain(): SuspectedEvidence[] {
    const out = [...this.#unsaved.values()];
    this.#unsaved.clear();
    return out;
  }

  /** Entries whose save failed: kept for the next drain (unless a newer account replaced them meanwhile). */
  unsaved(rows: Iterable<SuspectedEvidence>): void {
    for (const e of rows) {
      const key = evidenceKey(e);
      if (!this.#unsaved.has(key)) this.#unsaved.set(key, this.#evidence.get(key) ?? e);
    }
  }

  /** Every pair so far, best score first. */
  list(): SuspectedDependency[] {
    return pairsFromEvidence(this.#evidence.values());
  }
}
