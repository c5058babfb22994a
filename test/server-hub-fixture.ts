/**
 * A Hub for the server's tests: the real example model (examples/epicenter.yaml over the catalog) with the
 * real what-if, and a real SQLite store for observations, incidents, tokens and heartbeats. Only the live
 * pipeline (bus, localizer) is left out: states and events are set by the test, which is the boundary the
 * server sees.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfigFile } from "../src/config/config-load.js";
import type { ComponentState, Hub, HubEvent, HubUser, WhatIfAnswer } from "../src/hub/hub-api.js";
import { LastFailures } from "../src/hub/last-failures.js";
import type { SuspectedDependency } from "../src/localize/suspected-dependencies.js";
import { pairsFromEvidence } from "../src/localize/suspected-evidence.js";
import { compileGraph, type Graph } from "../src/model/graph.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import type { Observation } from "../src/model/observation.js";
import type { Check } from "../src/probe/check-types.js";
import { openStore } from "../src/store/open-store.js";
import type { Store, StoredIncident } from "../src/store/store.js";
import { summarizeImpact, WhatIf } from "../src/whatif/what-if.js";

const EXAMPLE = fileURLToPath(new URL("../examples/epicenter.yaml", import.meta.url));

export const HEARTBEAT_TOKEN = "hb-nightly-7f3a9c";

const base = { intervalMs: 30_000, timeoutMs: 5_000, vantages: [], confirm: 0 };
const CHECKS: Check[] = [
  {
    ...base,
    id: "acme/api#1",
    component: "acme/api",
    type: "http",
    url: "https://ops:hunter2@api.acme.example/health?api_key=q-k3y-1&region=eu&Auth_Token=q-t0k-2",
    method: "GET",
    headers: { authorization: "Bearer s3cret" },
    expectStatus: [[200, 399]],
    followRedirects: false,
    maxRedirects: 0,
    tlsVerify: true,
  },
  {
    ...base,
    id: "acme/reports#1",
    component: "acme/reports",
    type: "heartbeat",
    token: HEARTBEAT_TOKEN,
    graceMs: 60_000,
  },
];

export class FixtureHub implements Hub {
  readonly store: Store;
  readonly #components: ComponentSpec[];
  readonly #vantages: string[];
  readonly #graph: Graph;
  readonly #whatIf: WhatIf;
  readonly #listeners = new Set<(event: HubEvent) => void>();
  readonly #failures = new LastFailures();
  /** The temporary directory to remove on close, when the fixture made it. */
  readonly #dir: string | null;
  states_: ComponentState[] = [];
  users_: HubUser[] = [];
  ingested = 0;
  beats: { token: string; at: number }[] = [];

  private constructor(store: Store, dir: string | null) {
    this.store = store;
    this.#dir = dir;
    const config = loadConfigFile(EXAMPLE);
    this.#components = config.model.components;
    this.#vantages = config.vantages;
    this.#graph = compileGraph(config.model, { includeHidden: false });
    this.#whatIf = new WhatIf(this.#graph);
  }

  /** Opens the fixture over a SQLite store in `dir` (default: a new temporary directory, removed on close). */
  static async open(dir?: string): Promise<FixtureHub> {
    const dataDir = dir ?? mkdtempSync(join(tmpdir(), "epicenter-server-"));
    return new FixtureHub(await openStore({ dataDir, env: {} }), dir === undefined ? dataDir : null);
  }

  async close(): Promise<void> {
    await this.store.close();
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }

  /** How many live-stream subscriptions are held now. */
  get subscribers(): number {
    return this.#listeners.size;
  }

  emit(event: HubEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  components(): ComponentSpec[] {
    return this.#components;
  }
  users(): HubUser[] {
    return this.users_;
  }
  checks(): Check[] {
    return CHECKS;
  }
  vantages(): string[] {
    return this.#vantages;
  }
  states(): ComponentState[] {
    return this.states_;
  }
  lastFailures(component: string): Observation[] {
    return this.#failures.of(component);
  }
  async suspectedDependencies(): Promise<SuspectedDependency[]> {
    return pairsFromEvidence(await this.store.listSuspectedEvidence());
  }

  async ingest(observations: Observation[]): Promise<void> {
    await this.store.insertObservations(observations);
    for (const o of observations) this.#failures.add(o);
    this.ingested += observations.length;
  }

  async heartbeat(token: string, at: number): Promise<boolean> {
    const check = CHECKS.find((c) => c.type === "heartbeat" && c.token === token);
    if (!check) return false;
    await this.store.recordHeartbeat(check.id, at);
    this.beats.push({ token, at });
    return true;
  }

  whatIf(failed: string[]): WhatIfAnswer {
    const g = this.#graph;
    const summary = summarizeImpact(g, this.#whatIf.run(failed.map((id) => g.index.get(id)!)));
    return {
      failed: summary.failed,
      down: summary.down,
      degraded: summary.degraded,
      observedHit: summary.entries.filter((e) => e.observed).map((e) => e.id),
    };
  }

  async acknowledge(incidentId: string, by: string): Promise<StoredIncident | null> {
    const incident = await this.store.acknowledgeIncident(incidentId, by, Date.now());
    if (incident) this.emit({ type: "incident", action: "acknowledged", incident });
    return incident;
  }

  subscribe(listener: (event: HubEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async metrics(): Promise<string> {
    const open = (await this.store.listIncidents({ open: true })).length;
    return [
      "# TYPE epicenter_observations_ingested_total counter",
      `epicenter_observations_ingested_total ${this.ingested}`,
      "# TYPE epicenter_incidents_open gauge",
      `epicenter_incidents_open ${open}`,
      "",
    ].join("\n");
  }
}

/** An incident as the hub stores it. */
export function incident(
  id: string,
  openedAt: number,
  resolvedAt: number | null,
  epicenter = "aws/us-east-1",
): StoredIncident {
  const ranked = [{ component: epicenter, confidence: 0.9 }];
  return {
    id,
    openedAt,
    resolvedAt,
    epicenter: ranked,
    affected: ["acme/api", "acme/checkout"],
    history: [{ at: openedAt, epicenter: ranked }],
    vantage: false,
    acknowledgedAt: null,
    acknowledgedBy: null,
    updatedAt: resolvedAt ?? openedAt,
  };
}

/** A valid observation of acme/api from probe/us-east. */
export function observation(id: string, at: number, overrides: Partial<Observation> = {}): Observation {
  return {
    id,
    at,
    vantage: "probe/us-east",
    component: "acme/api",
    check: "acme/api#1",
    status: "down",
    latencyMs: 120,
    errorClass: "http-5xx",
    ...overrides,
  };
}
