/**
 * How late the vendor said so: for an incident whose epicenter a vendor's status feed covers, when Epicenter
 * named it (the incident's opening), when the feed first admitted trouble there and when it declared it over,
 * and the lead (positive: Epicenter was first). Pure: it reads what statuspage checks observed (sightings)
 * and the incident; vendor-sightings.ts gathers the sightings from a hub or a store.
 */
import type { Status } from "../model/model-types.js";

/** One thing a vendor's feed said about one component, at the time our check read it. */
export interface VendorSighting {
  at: number;
  component: string;
  status: Status;
  /** The feed it came from: its host (status.aws.amazon.com). */
  source: string;
}

export interface VendorLag {
  source: string;
  /** The first time the feed said a covered component was not up; null: it never did. */
  admittedAt: number | null;
  /** The first time every covered component it named not up during the incident was up again; null: not yet. */
  resolvedAt: number | null;
  /** admittedAt − the incident's opening, ms: how far Epicenter was ahead (negative: the vendor was first). */
  leadMs: number | null;
}

/** An incident as far as the lead goes. */
export interface LagIncident {
  openedAt: number;
  resolvedAt: number | null;
  epicenter: readonly { component: string }[];
}

/**
 * How far before Epicenter named it a vendor's admission still counts as this incident's: a feed that said
 * so first gets a negative lead, but an older, unrelated notice (a PoP re-routed all week) is not this one.
 */
export const ADMITTED_BEFORE_MS = 2 * 3600_000;

/**
 * The part of the catalog a feed speaks for when it speaks of the epicenter: its provider and region (the
 * first two segments of its id, or the provider alone). A vendor reports per service and region while
 * Epicenter may name the region or a part the vendor never lists (AWS's us-east-1 internal network, under
 * the EC2 and DynamoDB the feed did name), so anything in the same provider region counts.
 */
export function coverageScope(epicenter: string): string {
  return epicenter.split("/").slice(0, 2).join("/");
}

/** Whether a component a feed reported lies in the epicenter's scope, or is an ancestor of the epicenter. */
export function covers(epicenter: string, component: string): boolean {
  const scope = coverageScope(epicenter);
  return (
    component === scope ||
    component.startsWith(`${scope}/`) ||
    epicenter === component ||
    epicenter.startsWith(`${component}/`)
  );
}

/**
 * The lead for one incident, from the feed that admitted it first (or, when none did, the first that covers
 * it: the vendor that never said); null when no feed covers its top epicenter at all.
 */
export function vendorLag(incident: LagIncident, sightings: readonly VendorSighting[]): VendorLag | null {
  const top = incident.epicenter[0]?.component;
  if (top === undefined) return null;
  const bySource = new Map<string, VendorSighting[]>();
  for (const s of [...sightings].sort((a, b) => a.at - b.at)) {
    if (!covers(top, s.component)) continue;
    bySource.set(s.source, [...(bySource.get(s.source) ?? []), s]);
  }
  let best: VendorLag | null = null;
  for (const [source, seen] of bySource) {
    const lag = lagOf(source, incident, seen);
    if (
      best === null ||
      (lag.admittedAt !== null && (best.admittedAt === null || lag.admittedAt < best.admittedAt))
    )
      best = lag;
  }
  return best;
}

function lagOf(source: string, incident: LagIncident, seen: VendorSighting[]): VendorLag {
  const end = incident.resolvedAt ?? Number.POSITIVE_INFINITY;
  const admitted = seen.find(
    (s) => s.status !== "up" && s.at >= incident.openedAt - ADMITTED_BEFORE_MS && s.at <= end,
  );
  if (admitted === undefined) return { source, admittedAt: null, resolvedAt: null, leadMs: null };
  // Resolved when every component the feed named not up while the incident was open is up again (a
  // service it names only after Epicenter's end is later trouble, not this incident's end).
  const named = new Set(
    seen.filter((s) => s.status !== "up" && s.at >= admitted.at && s.at <= end).map((s) => s.component),
  );
  const latest = new Map<string, Status>();
  let resolvedAt: number | null = null;
  for (const s of seen) {
    if (s.at < admitted.at || !named.has(s.component)) continue;
    latest.set(s.component, s.status);
    const clear = latest.size === named.size && [...latest.values()].every((v) => v === "up");
    if (!clear) resolvedAt = null;
    else if (resolvedAt === null) resolvedAt = s.at;
  }
  return { source, admittedAt: admitted.at, resolvedAt, leadMs: admitted.at - incident.openedAt };
}

export interface VendorLagRow {
  /** How many incidents its feed covered. */
  incidents: number;
  /** Of those, how many it admitted. */
  admitted: number;
  /** Covered but never admitted: the vendor never said. */
  neverSaid: number;
  medianLeadMs: number | null;
  p90LeadMs: number | null;
}

/** Per vendor: how often it covered, admitted and never said, and the median and 90th percentile lead. */
export function summariseVendorLag(lags: readonly VendorLag[]): Map<string, VendorLagRow> {
  const bySource = new Map<string, VendorLag[]>();
  for (const l of lags) bySource.set(l.source, [...(bySource.get(l.source) ?? []), l]);
  const rows = new Map<string, VendorLagRow>();
  for (const [source, list] of [...bySource].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const leads = list.flatMap((l) => (l.leadMs === null ? [] : [l.leadMs])).sort((a, b) => a - b);
    rows.set(source, {
      incidents: list.length,
      admitted: leads.length,
      neverSaid: list.length - leads.length,
      medianLeadMs: quantile(leads, 0.5),
      p90LeadMs: quantile(leads, 0.9),
    });
  }
  return rows;
}

/** The q-quantile of sorted values, interpolated between the nearest ranks; null for none. */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}
