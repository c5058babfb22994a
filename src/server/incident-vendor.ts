/**
 * An incident's `vendor` block in the API: how late the vendor's own status feed said so (vendor-lag.ts),
 * from what the hub's statuspage checks observed, times in ISO 8601. Null when no feed covers its epicenter.
 */
import type { Hub } from "../hub/hub-api.js";
import { feedsOf, incidentVendorLag } from "../hub/vendor-sightings.js";
import type { StoredIncident } from "../store/store.js";
import { iso } from "./api-render.js";

export async function vendorJson(hub: Hub, incident: StoredIncident, now: number) {
  const lag = await incidentVendorLag(
    {
      observations: (q) => hub.observations(q),
      feeds: feedsOf(hub.checks()),
      components: hub.components().map((c) => c.id),
    },
    incident,
    now,
  );
  return lag === null ? null : { ...lag, admittedAt: iso(lag.admittedAt), resolvedAt: iso(lag.resolvedAt) };
}
