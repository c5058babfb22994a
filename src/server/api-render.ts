/**
 * How the API shows the hub's values: epoch ms become ISO 8601, secrets are never shown (token hashes) or shown
 * only to admins (heartbeat tokens, check headers, credentials in URLs).
 */
import type { ComponentState } from "../hub/hub-api.js";
import type { Observation } from "../model/observation.js";
import type { Rollup, StoredIncident, StoredToken } from "../store/store.js";

/** Checks as non-admins see them (the rules live with the checks, shared with the store). */
export { redactCheck } from "../probe/check-redaction.js";

export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** An incident; `history` only where asked for (the list stays small, the detail and the stream carry it). */
export function renderIncident(incident: StoredIncident, withHistory: boolean) {
  return {
    id: incident.id,
    openedAt: iso(incident.openedAt),
    resolvedAt: iso(incident.resolvedAt),
    epicenter: incident.epicenter,
    affected: incident.affected,
    /** Affected components that failed with the cause but have no path to it in the model. */
    suspected: incident.suspected ?? [],
    vantage: incident.vantage,
    acknowledgedAt: iso(incident.acknowledgedAt),
    acknowledgedBy: incident.acknowledgedBy,
    updatedAt: iso(incident.updatedAt),
    ...(withHistory
      ? { history: incident.history.map((h) => ({ at: iso(h.at), epicenter: h.epicenter })) }
      : {}),
  };
}

export function renderObservation(o: Observation) {
  return { ...o, at: iso(o.at) };
}

/** A last failing check as the component route shows it: no id (it says nothing to a reader). */
export function renderFailure(o: Observation) {
  return {
    vantage: o.vantage,
    at: iso(o.at),
    check: o.check,
    status: o.status,
    errorClass: o.errorClass,
    ...(o.message !== undefined ? { message: o.message } : {}),
    ...(o.phases !== undefined ? { phases: o.phases } : {}),
  };
}

export function renderRollup(r: Rollup) {
  return { ...r, at: iso(r.at) };
}

export function renderState(s: ComponentState) {
  return { ...s, observed: s.observed.map((o) => ({ ...o, at: iso(o.at) })) };
}

/** A time as ISO 8601, or undefined when it is no date (beyond ±8.64e15 ms, or not a number). */
function validIso(ms: number): string | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * A token as the API and CLI list it. A stored time that is no date (an unbounded expiry from before
 * lifetimes were bounded) is shown as null and named in `invalid`, so one bad row never breaks a list.
 */
export function renderToken(token: StoredToken) {
  const invalid: string[] = [];
  const time = (field: "createdAt" | "expiresAt" | "revokedAt") => {
    const ms = token[field];
    if (ms === null) return null;
    const shown = validIso(ms);
    if (shown === undefined) invalid.push(field);
    return shown ?? null;
  };
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    /** The vantage an agent token posts as; null for the other roles. */
    vantage: token.vantage,
    createdAt: time("createdAt"),
    expiresAt: time("expiresAt"),
    revokedAt: time("revokedAt"),
    ...(invalid.length > 0 ? { invalid } : {}),
  };
}
