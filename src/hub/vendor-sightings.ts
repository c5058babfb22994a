/**
 * What vendors' status feeds said around an incident, read back from where statuspage checks' observations
 * land (the hub's store, one observation per component a feed reported, its `check` the statuspage check's
 * id), and the incident's lead from them (vendor-lag.ts). Serves the incident API and `report vendor-lag`.
 */
import type { Observation } from "../model/observation.js";
import type { ObservationQuery } from "../store/store.js";
import { ADMITTED_BEFORE_MS, covers, type LagIncident, type VendorLag, vendorLag } from "./vendor-lag.js";

/** Where the observations are, and which checks read vendor feeds. */
export interface SightingSource {
  observations(query: ObservationQuery): Promise<Observation[]>;
  /** The statuspage checks: their ids and the feed each reads (its host names the vendor). */
  feeds: readonly { check: string; url: string }[];
  /** Every component id of the model: the ones a feed may have reported inside an epicenter's scope. */
  components: readonly string[];
}

/** The most observations read per component: a feed read every minute from a few vantages for a day. */
const PER_COMPONENT = 20_000;

/** The statuspage checks among a hub's or store's checks, with their feed's address. */
export function feedsOf(checks: readonly { id: string; type: string; url?: unknown }[]) {
  return checks.flatMap((c) =>
    c.type === "statuspage" && typeof c.url === "string" ? [{ check: c.id, url: c.url }] : [],
  );
}

/**
 * The incident's vendor lead, from the feeds' observations of every component it covers, from a little before
 * it opened until `now` (a vendor often declares the end after Epicenter does); null when no feed covers it.
 */
export async function incidentVendorLag(
  source: SightingSource,
  incident: LagIncident,
  now: number,
): Promise<VendorLag | null> {
  const top = incident.epicenter[0]?.component;
  if (top === undefined || source.feeds.length === 0) return null;
  const hosts = new Map(source.feeds.map((f) => [f.check, host(f.url)]));
  const sightings = [];
  for (const component of source.components.filter((id) => covers(top, id))) {
    const seen = await source.observations({
      component,
      from: incident.openedAt - ADMITTED_BEFORE_MS,
      to: now + 1,
      limit: PER_COMPONENT,
    });
    for (const o of seen) {
      const vendor = hosts.get(o.check);
      if (vendor !== undefined) sightings.push({ at: o.at, component, status: o.status, source: vendor });
    }
  }
  return vendorLag(incident, sightings);
}

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
