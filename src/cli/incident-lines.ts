/** One readable terminal line per incident event, for `epicenter serve`. Pure. */
import type { StoredIncident } from "../store/store.js";

export interface IncidentLineEvent {
  type: "opened" | "changed" | "resolved" | "acknowledged";
  incident: StoredIncident;
}

/** "14 services affected" counts what the incident lists as affected, the observed components it explains. */
export function incidentLine(event: IncidentLineEvent, now: number): string {
  const inc = event.incident;
  const top = inc.epicenter[0];
  const name = top?.component ?? "unknown";
  const confidence = top ? top.confidence.toFixed(2) : "?";
  const clock = new Date(now).toISOString().slice(11, 19);
  const n = inc.affected.length;
  const affected = `${n} ${n === 1 ? "service" : "services"} affected`;
  const claim = inc.vantage
    ? `${name} cannot see the world (its own network is failing), confidence ${confidence}`
    : `${name} likely failing, confidence ${confidence}, ${affected}`;
  const others = inc.epicenter
    .slice(1, 3)
    .map((r) => `${r.component} ${r.confidence.toFixed(2)}`)
    .join(", ");
  const runnerUp = others ? ` (or: ${others})` : "";
  switch (event.type) {
    case "opened":
      return `${clock}  ● incident ${inc.id} opened: ${claim}${runnerUp}`;
    case "changed":
      return `${clock}  ◐ incident ${inc.id} now: ${claim}${runnerUp}`;
    case "acknowledged":
      return `${clock}  ✎ incident ${inc.id} acknowledged by ${inc.acknowledgedBy ?? "someone"}`;
    case "resolved":
      return `${clock}  ✓ incident ${inc.id} resolved after ${formatSpan((inc.resolvedAt ?? now) - inc.openedAt)}: ${name}`;
  }
}

/** 4m 10s, 1h 02m, 12s. */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}
