/**
 * The hub's front door on its own (src/hub/hub-ingest.ts) and the incident recorder behind the leader
 * (src/hub/incident-recorder.ts) and its store upkeep (src/hub/store-upkeep.ts), on a real SQLite store and
 * the in-process bus.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { HubInputError } from "../src/hub/hub-api.js";
import { HubBusyError } from "../src/hub/hub-busy-error.js";
import { HubEvents } from "../src/hub/hub-events.js";
import { HubIngest } from "../src/hub/hub-ingest.js";
import { HubMetrics } from "../src/hub/hub-metrics.js";
import type { LedgerEvent } from "../src/hub/incident-ledger.js";
import { IncidentRecorder } from "../src/hub/incident-recorder.js";
import { StoreUpkeep } from "../src/hub/store-upkeep.js";
import type { Observation } from "../src/model/observation.js";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store, StoredIncident } from "../src/store/store.js";

const T0 = 1_800_000_000_000;
const model = { vantages: new Set(["v/a"]), components: new Map([["acme/api", 0]]), now: T0 };
const batch = (from: number, n: number): Observation[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `v/a:acme/api#1:${from + i}`,
    at: T0 - 1000 + from + i,
    vantage: "v/a",
    component: "acme/api",
    check: "acme/api#1",
    status: "up" as const,
    latencyMs: 1,
    errorClass: null,
  }));

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-hub-part-"));
  store = await openSqliteStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("HubIngest", () => {
  it("commits to the store, then hands the batch to the bus; counts what it stored", async () => {
    const bus = new MemoryBus();
    const metrics = new HubMetrics();
    const ingest = new HubIngest({ store, bus, metrics });
    const taken: string[] = [];
    bus.consume("localizer", async (b) => {
      taken.push(...b.map((o) => o.id));
    });
    await ingest.ingest(batch(0, 3), model);
    expect((await store.queryObservations({})).map((o) => o.id).sort()).toEqual(batch(0, 3).map((o) => o.id));
    await new Promise((r) => setImmediate(r));
    expect(taken).toEqual(batch(0, 3).map((o) => o.id));
    expect(await metrics.registry.metrics()).toMatch(/^epicenter_observations_ingested_total 3$/m);
    await bus.close();
  });

  it("refuses what the model lacks (nothing taken), and a batch over the backlog while another is in flight", async () => {
    const bus = new MemoryBus();
    const metrics = new HubMetrics();
    const ingest = new HubIngest({ store, bus, metrics, maxBacklog: 150 });
    const bad = { ...batch(0, 1)[0]!, component: "acme/apx" };
    await expect(ingest.ingest([bad], model)).rejects.toBeInstanceOf(HubInputError);
    // Started in one tick: the first holds its 100 until its commit resolves, so the second sees them.
    const first = ingest.ingest(batch(0, 100), model);
    const second = ingest.ingest(batch(100, 100), model);
    await first;
    await expect(second).rejects.toBeInstanceOf(HubBusyError);
    expect(await store.queryObservations({ limit: 1000 })).toHaveLength(100);
    expect(await metrics.registry.metrics()).toMatch(/^epicenter_observations_refused_total 100$/m);
    // A lone batch larger than the bound still passes.
    await ingest.ingest(batch(200, 200), model);
    await bus.close();
  });
});

describe("IncidentRecorder", () => {
  const incident = (id: string, over: Partial<StoredIncident> = {}): StoredIncident => ({
    id,
    openedAt: T0,
    resolvedAt: null,
    epicenter: [{ component: "cloud/r1", confidence: 0.9 }],
    affected: [],
    history: [],
    vantage: false,
    acknowledgedAt: null,
    acknowledgedBy: null,
    updatedAt: T0,
    ...over,
  });

  it("stores, announces, then notifies each event in order; holds each copy until it is stored", async () => {
    const events = new HubEvents();
    const order: string[] = [];
    events.subscribe((e) => e.type === "incident" && order.push(`announced ${e.action}`));
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const recorder = new IncidentRecorder({
      store,
      events,
      metrics: new HubMetrics(),
      onIncident: async (e: LedgerEvent) => {
        order.push(`notified ${e.type}`);
        if (e.type === "opened") await held;
      },
    });
    const live = incident("inc-1");
    recorder.record([{ type: "opened", incident: live }]);
    live.resolvedAt = T0 + 5; // the ledger goes on: the recorder stored a copy
    recorder.record([{ type: "resolved", incident: { ...live } }]);
    expect(recorder.unsaved.map((i) => i.resolvedAt)).toEqual([T0 + 5]);
    await new Promise((r) => setTimeout(r, 20));
    expect((await store.getIncident("inc-1"))?.resolvedAt).toBeNull(); // the resolution waits behind the notifier
    expect(recorder.unsaved.map((i) => i.id)).toEqual(["inc-1"]);
    release();
    await recorder.idle();
    expect(order).toEqual(["announced opened", "notified opened", "announced resolved", "notified resolved"]);
    expect((await store.getIncident("inc-1"))?.resolvedAt).toBe(T0 + 5);
    expect(recorder.unsaved).toEqual([]);
    recorder.changed([incident("inc-1", { resolvedAt: T0 + 5, suspected: ["cloud/r2"] })]);
    await recorder.idle();
    expect(order.at(-1)).toBe("announced changed");
    expect((await store.getIncident("inc-1"))?.suspected).toEqual(["cloud/r2"]);
  });
});

describe("StoreUpkeep", () => {
  it("folds rollups once a minute has passed, reaching back for late observations; warns when the store fails", async () => {
    const upkeep = new StoreUpkeep();
    upkeep.start(T0);
    await store.insertObservations(batch(0, 5)); // a second before T0: folded by the first run a minute on
    await upkeep.run(T0 + 30_000, store);
    expect(await store.queryRollups({ resolution: "1m" })).toEqual([]);
    await upkeep.run(T0 + 60_000, store);
    const [rollup] = await store.queryRollups({ resolution: "1m" });
    expect(rollup).toMatchObject({ component: "acme/api", vantage: "v/a", up: 5 });
    await store.close();
    const warnings: string[] = [];
    await upkeep.run(T0 + 3_600_000, store, (m) => warnings.push(m));
    expect(warnings.map((w) => w.split(":")[0])).toEqual(["rollup failed", "retention failed"]);
    store = await openSqliteStore({ dataDir: dir }); // for afterEach
  });
});
