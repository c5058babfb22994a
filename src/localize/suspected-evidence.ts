/**
 * Suspected dependencies from their evidence per incident: how a hub merges what several localizer runs
 * (restarts, reloads) learned, and how a reader of the store sums it into pairs. Pure.
 */
import {
  type SuspectedDependency,
  type SuspectedEvidence,
  suspicionScore,
} from "./suspected-dependencies.js";

/** The key of one incident's evidence for one pair. */
export function evidenceKey(e: Pick<SuspectedEvidence, "component" | "cause" | "incident">): string {
  return `${e.component}\u0000${e.cause}\u0000${e.incident}`;
}

/**
 * Two accounts of the same (component, cause, incident): the widest sighting, and the first word on recovery
 * (an incident seen open by one run and resolved by the next is resolved; one resolved, reopened and
 * resolved again keeps what its first resolution said, as SuspectedDependencies does).
 */
export function mergeEvidence(older: SuspectedEvidence, newer: SuspectedEvidence): SuspectedEvidence {
  return {
    component: newer.component,
    cause: newer.cause,
    incident: newer.incident,
    firstSeen: Math.min(older.firstSeen, newer.firstSeen),
    lastSeen: Math.max(older.lastSeen, newer.lastSeen),
    recovered: older.recovered ?? newer.recovered,
  };
}

/**
 * The pairs the evidence makes, as SuspectedDependencies.list() does: one onset per incident, a recovery per
 * incident that recovered with its cause; incidents oldest first; best score first, then by component, cause.
 */
export function pairsFromEvidence(evidence: Iterable<SuspectedEvidence>): SuspectedDependency[] {
  const byPair = new Map<string, SuspectedEvidence[]>();
  for (const e of evidence) {
    const key = `${e.component}\u0000${e.cause}`;
    const list = byPair.get(key);
    if (list) list.push(e);
    else byPair.set(key, [e]);
  }
  const pairs: SuspectedDependency[] = [];
  for (const list of byPair.values()) {
    // Several accounts of one incident count once.
    const byIncident = new Map<string, SuspectedEvidence>();
    for (const e of list) {
      const seen = byIncident.get(e.incident);
      byIncident.set(e.incident, seen ? mergeEvidence(seen, e) : e);
    }
    const each = [...byIncident.values()].sort(
      (a, b) => a.firstSeen - b.firstSeen || (a.incident < b.incident ? -1 : 1),
    );
    const onsets = each.length;
    const recoveries = each.filter((e) => e.recovered === true).length;
    pairs.push({
      component: each[0]!.component,
      cause: each[0]!.cause,
      incidents: each.map((e) => e.incident),
      onsets,
      recoveries,
      score: suspicionScore(onsets, recoveries),
      firstSeen: each.reduce((t, e) => Math.min(t, e.firstSeen), Number.POSITIVE_INFINITY),
      lastSeen: each.reduce((t, e) => Math.max(t, e.lastSeen), Number.NEGATIVE_INFINITY),
    });
  }
  return pairs.sort(
    (a, b) =>
      b.score - a.score ||
      (a.component < b.component ? -1 : a.component > b.component ? 1 : a.cause < b.cause ? -1 : 1),
  );
}
