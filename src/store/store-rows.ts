/** Conversions between the store's rows and the objects of `store.ts`, kept exact in both directions. */
import type { Selectable } from "kysely";
import type { SuspectedEvidence } from "../localize/suspected-dependencies.js";
import type { Observation } from "../model/observation.js";
import type {
  AlertState,
  DeliveryRecord,
  Resolution,
  Rollup,
  StoredCheck,
  StoredIncident,
  StoredToken,
  TokenRole,
} from "./store.js";
import { errorClassFrom, errorCode, statusCode, statusFrom } from "./store-codes.js";
import { canonicalId, type SeriesEntry } from "./store-series.js";
import type {
  AlertStatesTable,
  ChecksTable,
  DeliveriesTable,
  IncidentsTable,
  ObservationsTable,
  RollupsTable,
  SuspectedEvidenceTable,
  TokensTable,
} from "./store-tables.js";

/** The row of `o` in `series`: codes for words, and no id when the id is the series' canonical one. */
export function observationRow(o: Observation, series: SeriesEntry): ObservationsTable {
  return {
    at: o.at,
    series: series.id,
    status: statusCode(o.status),
    latency_ms: o.latencyMs,
    error_class: errorCode(o.errorClass),
    message: o.message ?? null,
    id: o.id === canonicalId(series, o.at) ? null : o.id,
  };
}

/** The observation as written: `message` is absent, not undefined, when none was given. */
export function observationFrom(r: Selectable<ObservationsTable>, series: SeriesEntry): Observation {
  const o: Observation = {
    id: r.id ?? canonicalId(series, r.at),
    at: r.at,
    vantage: series.vantage,
    component: series.component,
    check: series.check,
    status: statusFrom(r.status),
    latencyMs: r.latency_ms,
    errorClass: errorClassFrom(r.error_class),
  };
  if (r.message !== null) o.message = r.message;
  return o;
}

/** A rollup as queried: the series' rows of one (component, vantage, bucket) summed. */
export type RollupSum = Omit<RollupsTable, "series"> & { component: string; vantage: string };

export function rollupFrom(r: RollupSum, resolution: Resolution): Rollup {
  // Sums come back as text or bigint from some drivers (PostgreSQL's sum of integers is numeric).
  const count = Number(r.latency_count);
  return {
    component: r.component,
    vantage: r.vantage,
    resolution,
    at: Number(r.bucket),
    up: Number(r.up),
    degraded: Number(r.degraded),
    down: Number(r.down),
    latencyMeanMs: count > 0 ? Number(r.latency_sum) / count : null,
    latencyMaxMs: r.latency_max === null ? null : Number(r.latency_max),
  };
}

export function checkRow(c: StoredCheck): ChecksTable {
  return {
    id: c.id,
    component: c.component,
    type: c.type,
    spec: JSON.stringify(c.spec),
    updated_at: c.updatedAt,
  };
}

export function checkFrom(r: Selectable<ChecksTable>): StoredCheck {
  return {
    id: r.id,
    component: r.component,
    type: r.type,
    spec: JSON.parse(r.spec),
    updatedAt: r.updated_at,
  };
}

export function incidentRow(i: StoredIncident): IncidentsTable {
  return {
    id: i.id,
    opened_at: i.openedAt,
    resolved_at: i.resolvedAt,
    epicenter: JSON.stringify(i.epicenter),
    affected: JSON.stringify(i.affected),
    history: JSON.stringify(i.history),
    vantage: i.vantage ? 1 : 0,
    acknowledged_at: i.acknowledgedAt,
    acknowledged_by: i.acknowledgedBy,
    updated_at: i.updatedAt,
    suspected: i.suspected === undefined ? null : JSON.stringify(i.suspected),
  };
}

export function incidentFrom(r: Selectable<IncidentsTable>): StoredIncident {
  const incident: StoredIncident = {
    id: r.id,
    openedAt: r.opened_at,
    resolvedAt: r.resolved_at,
    epicenter: JSON.parse(r.epicenter),
    affected: JSON.parse(r.affected),
    history: JSON.parse(r.history),
    vantage: r.vantage === 1,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    updatedAt: r.updated_at,
  };
  if (r.suspected !== null) incident.suspected = JSON.parse(r.suspected);
  return incident;
}

export function suspectedRow(e: SuspectedEvidence): SuspectedEvidenceTable {
  return {
    component: e.component,
    cause: e.cause,
    incident_id: e.incident,
    first_seen: e.firstSeen,
    last_seen: e.lastSeen,
    recovered: e.recovered === null ? null : e.recovered ? 1 : 0,
  };
}

export function suspectedFrom(r: Selectable<SuspectedEvidenceTable>): SuspectedEvidence {
  return {
    component: r.component,
    cause: r.cause,
    incident: r.incident_id,
    firstSeen: Number(r.first_seen),
    lastSeen: Number(r.last_seen),
    recovered: r.recovered === null ? null : Number(r.recovered) === 1,
  };
}

export function deliveryRow(d: DeliveryRecord): DeliveriesTable {
  return {
    id: d.id,
    incident_id: d.incidentId,
    channel: d.channel,
    event: d.event,
    at: d.at,
    attempt: d.attempt,
    ok: d.ok ? 1 : 0,
    detail: d.detail,
  };
}

export function deliveryFrom(r: Selectable<DeliveriesTable>): DeliveryRecord {
  return {
    id: r.id,
    incidentId: r.incident_id,
    channel: r.channel,
    event: r.event,
    at: r.at,
    attempt: r.attempt,
    ok: r.ok === 1,
    detail: r.detail,
  };
}

export function alertStateFrom(r: Selectable<AlertStatesTable>): AlertState {
  return {
    incidentId: r.incident_id,
    channel: r.channel,
    delivered: r.delivered,
    digest: r.digest,
    at: r.at,
  };
}

export function tokenRow(t: StoredToken): TokensTable {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    hash: t.hash,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    revoked_at: t.revokedAt,
    vantage: t.vantage,
  };
}

export function tokenFrom(r: Selectable<TokensTable>): StoredToken {
  return {
    id: r.id,
    name: r.name,
    role: r.role as TokenRole,
    hash: r.hash,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    vantage: r.vantage ?? null,
  };
}
