/**
 * The real hub for the server's tests: an ReplicatedHub running the example model (examples/epicenter.yaml over
 * the catalog) and two checks, on the in-memory bus and a SQLite store in a temporary directory, on a clock
 * the test holds. Its ticker never fires on its own: rounds close when the test moves the clock and calls
 * `tick()`. Incidents handed in are in the store before the hub starts, as a previous run leaves them, so
 * the open ones are the hub's own open incidents.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { loadConfigFile } from "../src/config/config-load.js";
import { type HubModel, ReplicatedHub } from "../src/hub/hub.js";
import type { HubUser } from "../src/hub/hub-api.js";
import type { Observation } from "../src/model/observation.js";
import type { Check } from "../src/probe/check-types.js";
import { openStore } from "../src/store/open-store.js";
import type { Store, StoredIncident } from "../src/store/store.js";

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

export interface ServerHubOptions {
  /** The data directory (default: a new temporary directory, removed on close). */
  dir?: string;
  /** Stored before the hub starts: a previous run's incidents (open ones stay open until rounds pass). */
  incidents?: StoredIncident[];
  users?: HubUser[];
  /** Default: the example's vantages (probe/us-east, probe/eu-west). */
  vantages?: string[];
  /** The hub's clock at start (default: now). */
  now?: number;
  /** Checks besides the two above (a statuspage check, say). */
  checks?: Check[];
}

export interface ServerHub {
  readonly hub: ReplicatedHub;
  /** The hub's store (a test plants tokens and reads rows through it). */
  readonly store: Store;
  readonly model: HubModel;
  /** The hub's clock, epoch ms; the test moves it. */
  now: number;
  /** Runs the model with these login users (a config reload). */
  setUsers(users: HubUser[]): Promise<void>;
  /** Takes observations as agents send them, and waits until the localizer has them too. */
  ingest(observations: Observation[]): Promise<void>;
  close(): Promise<void>;
}

export async function openServerHub(options: ServerHubOptions = {}): Promise<ServerHub> {
  const dataDir = options.dir ?? mkdtempSync(join(tmpdir(), "epicenter-server-"));
  const config = loadConfigFile(EXAMPLE);
  const model: HubModel = {
    components: config.model.components,
    vantages: options.vantages ?? config.vantages,
    checks: [...CHECKS, ...(options.checks ?? [])],
    users: options.users ?? [],
  };
  const store = await openStore({ dataDir, env: {} });
  for (const incident of options.incidents ?? []) await store.saveIncident(incident);
  const bus = new MemoryBus();
  const state = {
    now: options.now ?? Date.now(),
    model,
  };
  const hub = new ReplicatedHub({
    store,
    bus,
    model,
    clock: () => state.now,
    tickMs: 3_600_000, // the test ticks by hand
  });
  await hub.start();
  return {
    hub,
    store,
    get model() {
      return state.model;
    },
    get now() {
      return state.now;
    },
    set now(at: number) {
      state.now = at;
    },
    async setUsers(users) {
      state.model = { ...state.model, users };
      await hub.reload(state.model);
    },
    async ingest(observations) {
      await hub.ingest(observations);
      await new Promise((r) => setImmediate(r)); // the bus delivers asynchronously
    },
    async close() {
      await hub.stop();
      await bus.close();
      await store.close();
      if (options.dir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
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
