/**
 * One word for a monitored service's state now, from what its vantages saw and the localizer's belief: the
 * Now page, the status page and its Statuspage-format JSON all read it from here, so they never disagree.
 */
import type { ComponentState } from "../hub/hub-api.js";
import type { ComponentSpec } from "../model/model-types.js";
import type { StoredIncident } from "../store/store.js";

export type ServiceStatus = "up" | "degraded" | "partial" | "down" | "unknown";

/** Worse first: the order lists are sorted in. */
export const STATUS_ORDER: Record<ServiceStatus, number> = {
  down: 0,
  partial: 1,
  degraded: 2,
  unknown: 3,
  up: 4,
};

/** What the rule reads of a state (so the dashboard can apply it to the API's rendering, times in ISO). */
export interface StatusInput {
  observed: readonly { status: ComponentState["observed"][number]["status"] }[];
  belief: ComponentState["belief"];
}

/**
 * `down` when most vantages see it down, `partial` when some do, `degraded` when any sees it slow or the
 * localizer counts it affected, `unknown` before any check came back.
 */
export function serviceStatus(state: StatusInput | undefined): ServiceStatus {
  const seen = state?.observed ?? [];
  if (seen.length === 0) return state && state.belief !== "up" ? "degraded" : "unknown";
  const down = seen.filter((o) => o.status === "down").length;
  if (down * 2 > seen.length) return "down";
  if (down > 0) return "partial";
  if (seen.some((o) => o.status === "degraded") || state!.belief !== "up") return "degraded";
  return "up";
}

/** The observed components an incident names or affects: "how many of your services". */
export function servicesHit(incident: StoredIncident, byId: Map<string, ComponentSpec>): string[] {
  const ids = new Set([...incident.epicenter.map((e) => e.component), ...incident.affected]);
  return [...ids].filter((id) => byId.get(id)?.observed === true).sort();
}

/** How a person reads a component: its name with its id, or the id alone. */
export function displayName(spec: ComponentSpec | undefined, id: string): string {
  return spec?.name ? spec.name : id;
}
