/** The hub's Prometheus metrics, in a registry of its own (no module-global default registry). */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export class HubMetrics {
  readonly registry = new Registry();
  readonly checksRun = new Counter({
    name: "epicenter_checks_run_total",
    help: "Check results received from agents, by vantage and status.",
    labelNames: ["vantage", "status"] as const,
    registers: [this.registry],
  });
  readonly observationsIngested = new Counter({
    name: "epicenter_observations_ingested_total",
    help: "Observations committed to the store (a copy of a stored one is not counted).",
    registers: [this.registry],
  });
  readonly observationsRefused = new Counter({
    name: "epicenter_observations_refused_total",
    help: "Observations refused by back-pressure (answered 503; agents retry them).",
    registers: [this.registry],
  });
  readonly observationsIgnored = new Counter({
    name: "epicenter_observations_ignored_total",
    help: "Observations the localizer could not use (a component or vantage no longer in the model).",
    registers: [this.registry],
  });
  readonly incidentsOpen = new Gauge({
    name: "epicenter_incidents_open",
    help: "Incidents open now.",
    registers: [this.registry],
  });
  readonly incidentEvents = new Counter({
    name: "epicenter_incident_events_total",
    help: "Incident events (opened, changed, resolved).",
    labelNames: ["type"] as const,
    registers: [this.registry],
  });
  readonly localizerSeconds = new Histogram({
    name: "epicenter_localizer_evaluation_seconds",
    help: "Time the localizer took to evaluate closed rounds.",
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly configReloads = new Counter({
    name: "epicenter_config_reloads_total",
    help: "Config reloads, by outcome.",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
}
