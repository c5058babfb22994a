import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { MemoryLocks, memoryLeaderLock } from "../src/bus/memory/memory-lock.js";
import { type HubModel, ReplicatedHub } from "../src/hub/hub.js";
import type { HubEvent } from "../src/hub/hub-api.js";
import type { LedgerEvent } from "../src/hub/incident-ledger.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import type { Observation } from "../src/model/observation.js";
import type { Check } from "../src/probe/check-types.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";

const comp = (id: string, requires: string[] = [], observed = false): ComponentSpec => ({
  id,
  kind: observed ? "service" : "region",
  observed,
  requires: requires.map((r) => ({ type: "hard", id: r, hidden: false })),
});
const services = ["shop/a", "shop/b", "shop/c", "shop/d"];
const httpCheck = (component: string): Check => ({
  type: "http",
  id: `${component}#1`,
  component,
  intervalMs: 10_000,
  timeoutMs: 3000,
  vantages: [],
  confirm: 0,
  url: `http://127.0.0.1:1/${component}`,
  method: "GET",
  headers: {},
  expectStatus: [[200, 399]],
  followRedirects: true,
  maxRedirects: 5,
  tlsVerify: true,
});
const model: HubModel = {
  components: [
    comp("cloud/r1"),
    comp("cloud/r2"),
    ...services.map((s, i) => comp(s, [i < 3 ? "cloud/r1" : "cloud/r2"], true)),
    comp("jobs/nightly", [], true),
  ],
  vantages: ["vantage/x", "vantage/y"],
  checks: [
    ...services.map(httpCheck),
    {
      type: "heartbeat",
      id: "jobs/nightly#1",
      component: "jobs/nightly",
      intervalMs: 60_000,
      timeoutMs: 0,
      vantages: [],
      confirm: 0,
      token: "beat-secret",
      graceMs: 30_000,
    },
  ],
};
const T0 = 1_800_000_000_000;

let dir: string;
let now: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-hub-"));
  now = T0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function startHub(store: Store, events: LedgerEvent[] = []): Promise<ReplicatedHub> {
  const hub = new ReplicatedHub({
    store,
    bus: new MemoryBus(),
    model,
    clock: () => now,
    tickMs: 3_600_000, // the test ticks by hand
    onIncident: (e) => {
      events.push(structuredClone(e));
    },
  });
  await hub.start();
  return hub;
}

/** Ten seconds of checks from both vantages. */
function checks(status: (service: string) => Observation["status"]): Observation[] {
  const batch: Observation[] = [];
  for (const v of model.vantages)
    for (const s of services)
      batch.push({
        id: `${v}:${s}:${now}`,
        at: now + 1000,
        vantage: v,
        component: s,
        check: `${s}#1`,
        status: status(s),
        latencyMs: 12,
        errorClass: status(s) === "down" ? "http-5xx" : null,
      });
  return batch;
}

/** Ten seconds of checks from both vantages, then the clock past the round's grace and a tick. */
async function round(hub: ReplicatedHub, status: (service: string) => Observation["status"]): Promise<void> {
  await hub.ingest(checks(status));
  await new Promise((r) => setImmediate(r)); // the bus delivers asynchronously
  now += 10_000;
  await hub.heartbeat("beat-secret", now);
  await hub.tick();
}

describe("embedded hub", () => {
  it("stores what it accepts, names the epicenter, stores and announces the incident", async () => {
    const store = await openStore({ dataDir: dir });
    const events: LedgerEvent[] = [];
    const hub = await startHub(store, events);
    const live: HubEvent[] = [];
    hub.subscribe((e) => live.push(e));
    for (let k = 0; k < 3; k++) await round(hub, () => "up");
    for (let k = 0; k < 6; k++) await round(hub, (s) => (s === "shop/d" ? "up" : "down"));
    const opened = events.find((e) => e.type === "opened");
    expect(opened?.incident.epicenter[0]?.component).toBe("cloud/r1");
    const stored = await store.listIncidents({ open: true });
    expect(stored.map((i) => i.id)).toEqual([opened?.incident.id]);
    expect(stored[0]?.affected).toEqual(["shop/a", "shop/b", "shop/c"]);
    expect(live.some((e) => e.type === "incident" && e.action === "opened")).toBe(true);
    expect(live.some((e) => e.type === "state")).toBe(true);
    const states = new Map(hub.states().map((s) => [s.component, s]));
    expect(states.get("cloud/r1")?.belief).toBe("failing");
    expect(states.get("shop/a")?.belief).toBe("affected");
    expect(states.get("shop/d")?.belief).toBe("up");
    expect(states.get("shop/a")?.observed.map((o) => o.status)).toEqual(["down", "down"]);
    // 9 rounds × 8 checks, and the heartbeat's observations from the hub's own vantage
    const written = await store.queryObservations({ component: "shop/a", limit: 100 });
    expect(written).toHaveLength(18);
    expect(await hub.metrics()).toMatch(/epicenter_incidents_open 1/);
    await hub.stop();
    await store.close();
  });

  it("refuses observations naming what the model lacks, and stores none of the batch", async () => {
    const store = await openStore({ dataDir: dir });
    const hub = await startHub(store);
    const good: Observation = {
      id: "ok-1",
      at: now,
      vantage: "vantage/x",
      component: "shop/a",
      check: "shop/a#1",
      status: "up",
      latencyMs: 1,
      errorClass: null,
    };
    await expect(hub.ingest([good, { ...good, id: "bad", component: "shop/zz" }])).rejects.toMatchObject({
      code: "E_UNKNOWN_COMPONENT",
      path: "observations[1].component",
    });
    await expect(hub.ingest([{ ...good, vantage: "vantage/q" }])).rejects.toMatchObject({
      code: "E_UNKNOWN_VANTAGE",
    });
    expect(await store.queryObservations({})).toEqual([]);
    await hub.stop();
    await store.close();
  });

  it("after a restart, the outage still going on keeps its incident: no second one, no second 'opened'", async () => {
    let store = await openStore({ dataDir: dir });
    const events: LedgerEvent[] = [];
    let hub = await startHub(store, events);
    for (let k = 0; k < 6; k++) await round(hub, (s) => (s === "shop/d" ? "up" : "down"));
    const first = events.find((e) => e.type === "opened")?.incident.id;
    expect(first).toBeDefined();
    await hub.stop();
    await store.close();

    store = await openStore({ dataDir: dir });
    const after: LedgerEvent[] = [];
    hub = await startHub(store, after);
    for (let k = 0; k < 6; k++) await round(hub, (s) => (s === "shop/d" ? "up" : "down"));
    expect(after.some((e) => e.type === "opened")).toBe(false);
    expect((await store.listIncidents({})).map((i) => i.id)).toEqual([first]);
    for (let k = 0; k < 8; k++) await round(hub, () => "up");
    expect(after.at(-1)).toMatchObject({ type: "resolved", incident: { id: first } });
    expect((await store.getIncident(first!))?.resolvedAt).not.toBeNull();
    await hub.stop();
    await store.close();
  });

  it("a standby follows the leader through the store: its stream and states name the stored incident", async () => {
    const locks = new MemoryLocks();
    const store = await openStore({ dataDir: dir });
    const shared = await openStore({ dataDir: dir }); // a second connection, as a second replica has
    const replica = async (on: Store, events: LedgerEvent[]) => {
      const hub = new ReplicatedHub({
        store: on,
        bus: new MemoryBus(),
        model,
        clock: () => now,
        tickMs: 3_600_000,
        // The lock outlives the test's 10 s steps of the clock: the leader stays the leader (with 6 s it
        // lapsed every step and the two took turns, so what the "standby" did depended on whose turn it was).
        leaderLock: memoryLeaderLock(locks, "hub", 60_000, () => now),
        onIncident: (e) => {
          events.push(structuredClone(e));
        },
      });
      await hub.start();
      return hub;
    };
    const leaderEvents: LedgerEvent[] = [];
    const leader = await replica(store, leaderEvents);
    const standbyEvents: LedgerEvent[] = [];
    const standby = await replica(shared, standbyEvents);
    expect([leader.leading, standby.leading]).toEqual([true, false]);
    const live: HubEvent[] = [];
    standby.subscribe((e) => live.push(e));
    await standby.tick();
    for (let k = 0; k < 6; k++) {
      await round(leader, (s) => (s === "shop/d" ? "up" : "down"));
      await standby.tick();
    }
    const opened = leaderEvents.find((e) => e.type === "opened")!.incident;
    expect(standbyEvents).toEqual([]); // a standby stores and notifies nothing
    expect(live).toContainEqual(
      expect.objectContaining({
        type: "incident",
        action: "opened",
        incident: expect.objectContaining({ id: opened.id }),
      }),
    );
    expect(standby.openIncidents.map((i) => i.id)).toEqual([opened.id]);
    expect(standby.states().find((x) => x.component === "cloud/r1")).toMatchObject({
      belief: "failing",
      incidentId: opened.id,
    });
    await leader.stop();
    await standby.stop();
    await store.close();
    await shared.close();
  });

  it("reads incidents as the hub holds them: one resolved while its save waits is listed resolved", async () => {
    const store = await openStore({ dataDir: dir });
    // The notifier holds the chain of saves on the opening: what the hub does next is not stored yet.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const events: LedgerEvent[] = [];
    const hub = new ReplicatedHub({
      store,
      bus: new MemoryBus(),
      model,
      clock: () => now,
      tickMs: 3_600_000,
      onIncident: (e) => {
        events.push(e);
        return e.type === "opened" ? held : undefined;
      },
    });
    await hub.start();
    // As round() does, without waiting for a tick: a tick waits for the saves, held here.
    const ticks: Promise<void>[] = [];
    const step = async (status: (service: string) => Observation["status"]) => {
      await hub.ingest(checks(status));
      await new Promise((r) => setImmediate(r));
      now += 10_000;
      await hub.heartbeat("beat-secret", now);
      ticks.push(hub.tick());
    };
    for (let k = 0; k < 6; k++) await step((s) => (s === "shop/d" ? "up" : "down"));
    await vi.waitFor(() => expect(events.map((e) => e.type)).toContain("opened"));
    const id = events[0]!.incident.id;
    expect((await hub.incidents({ open: true })).map((i) => i.id)).toEqual([id]);
    for (let k = 0; k < 8; k++) await step(() => "up");
    await vi.waitFor(async () => expect(await hub.incidents({ open: true })).toEqual([]));
    expect((await store.listIncidents({ open: true })).map((i) => i.id)).toEqual([id]); // the save waits
    expect((await hub.incidents({ open: false })).map((i) => i.id)).toEqual([id]);
    expect((await hub.incident(id))?.resolvedAt).not.toBeNull();
    release();
    await Promise.all(ticks);
    expect((await store.getIncident(id))?.resolvedAt).not.toBeNull();
    await hub.stop();
    await store.close();
  });

  it("a missed heartbeat is a down observation from the hub's own vantage; what-if answers by id", async () => {
    const store = await openStore({ dataDir: dir });
    const hub = await startHub(store);
    now += 100_000; // no beat for longer than interval + grace
    await hub.tick();
    const [beat] = await store.queryObservations({ component: "jobs/nightly" });
    expect(beat).toMatchObject({ vantage: "hub", status: "down", errorClass: "missed" });
    expect(await hub.heartbeat("nope", now)).toBe(false);
    expect(await hub.heartbeat("beat-secret", now)).toBe(true);
    now += 10_000;
    await hub.tick();
    const [next] = await store.queryObservations({ component: "jobs/nightly" });
    expect(next?.status).toBe("up");
    expect(hub.whatIf(["cloud/r2"])).toEqual({
      failed: ["cloud/r2"],
      down: ["cloud/r2", "shop/d"],
      degraded: [],
      observedHit: ["shop/d"],
    });
    expect(() => hub.whatIf(["cloud/r9"])).toThrow(/unknown component "cloud\/r9"/);
    await hub.stop();
    await store.close();
  });
});
