/**
 * Maintenance on the real hub with the real notifier and a webhook to a local receiver: an incident whose
 * cause is in maintenance sends nothing while it lasts, and is sent once it ends if still open; probing
 * and incidents go on; windows made and ended through the hub survive a restart (same store).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { type HubModel, ReplicatedHub } from "../src/hub/hub.js";
import type { MaintenanceSpec } from "../src/model/maintenance-schedule.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import type { Observation } from "../src/model/observation.js";
import { type ChannelConfig, notificationsSchema } from "../src/notify/channel-schema.js";
import { createChannels } from "../src/notify/channels/create-channel.js";
import { Notifier } from "../src/notify/notifier.js";
import type { Check } from "../src/probe/check-types.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";
import { type Receiver, startReceiver } from "./notify-fixtures.js";

const services = ["shop/a", "shop/b", "shop/c"];
const comp = (id: string, requires: string[] = [], observed = false): ComponentSpec => ({
  id,
  kind: observed ? "service" : "region",
  observed,
  requires: requires.map((r) => ({ type: "hard", id: r, hidden: false })),
});
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
const T0 = 1_800_000_000_000;
const MIN = 60_000;
const window: MaintenanceSpec = {
  id: "r1-upgrade",
  title: "Region upgrade",
  components: ["cloud/r1"],
  kind: "once",
  start: T0 - MIN,
  end: T0 + 5 * MIN,
};
const model = (maintenance: MaintenanceSpec[]): HubModel => ({
  components: [comp("cloud/r1"), ...services.map((s) => comp(s, ["cloud/r1"], true))],
  vantages: ["vantage/x", "vantage/y"],
  checks: services.map(httpCheck),
  maintenance,
});

let dir: string;
let now: number;
let receiver: Receiver;
const cleanup: (() => Promise<unknown>)[] = [];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-maint-"));
  now = T0;
  receiver = await startReceiver();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startHub(store: Store, maintenance: MaintenanceSpec[]) {
  const notifier = new Notifier({
    channels: createChannels(
      notificationsSchema({}).parse([
        { name: "hook", type: "webhook", url: receiver.url, secret: "k" },
      ]) as ChannelConfig[],
    ),
    log: store,
    clock: () => now,
  });
  const sent: Promise<unknown>[] = [];
  const hub = new ReplicatedHub({
    store,
    bus: new MemoryBus(),
    model: model(maintenance),
    clock: () => now,
    tickMs: 3_600_000,
    onIncident: (e) => {
      sent.push(notifier.notify(e));
    },
  });
  await hub.start();
  cleanup.push(async () => {
    await hub.stop();
    await notifier.drain(1000);
  });
  return { hub, settled: () => Promise.all(sent) };
}

async function round(hub: ReplicatedHub, status: Observation["status"]): Promise<void> {
  const batch: Observation[] = [];
  for (const v of ["vantage/x", "vantage/y"])
    for (const s of services)
      batch.push({
        id: `${v}:${s}:${now}`,
        at: now + 1000,
        vantage: v,
        component: s,
        check: `${s}#1`,
        status,
        latencyMs: 12,
        errorClass: status === "down" ? "http-5xx" : null,
      });
  await hub.ingest(batch);
  await new Promise((r) => setImmediate(r));
  now += 10_000;
  await hub.tick();
}

describe("maintenance on the hub", () => {
  it("holds the notification of an incident caused in maintenance and sends it once the maintenance ends", async () => {
    const store = await openStore({ dataDir: dir });
    const { hub, settled } = await startHub(store, [window]);
    await hub.tick();
    expect([...hub.maintenance.inMaintenance(now)]).toEqual(["cloud/r1"]);
    for (let i = 0; i < 6; i++) await round(hub, "down");
    await settled();
    // The incident is open and named, but nobody was told.
    expect(hub.openIncidents.map((i) => i.epicenter[0]?.component)).toEqual(["cloud/r1"]);
    expect(hub.maintenance.held).toBe(1);
    expect(receiver.received).toHaveLength(0);
    expect(hub.maintenance.marks(hub.openIncidents[0]!)).toEqual([
      { id: "r1-upgrade", title: "Region upgrade" },
    ]);
    // Still failing after the window: the opening goes out, once.
    while (now < window.end + 10_000) await round(hub, "down");
    await settled();
    await receiver.waitFor(1);
    expect(hub.maintenance.held).toBe(0);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ event: "opened" });
    await round(hub, "down");
    await settled();
    expect(receiver.received).toHaveLength(1);
  });

  it("sends nothing at all for an incident that resolves within the maintenance", async () => {
    const store = await openStore({ dataDir: dir });
    const { hub, settled } = await startHub(store, [window]);
    for (let i = 0; i < 6; i++) await round(hub, "down");
    for (let i = 0; i < 12 && hub.openIncidents.length > 0; i++) await round(hub, "up");
    expect(hub.openIncidents).toEqual([]);
    while (now < window.end + 30_000) await round(hub, "up");
    await settled();
    expect(hub.maintenance.held).toBe(0);
    expect(receiver.received).toHaveLength(0);
    expect((await hub.incidents({})).length).toBe(1);
  });

  it("tells the localizer: services in maintenance are their own cause, not an outage of their region", async () => {
    const deploy: MaintenanceSpec = { ...window, id: "deploy", title: "Deploy", components: services };
    const store = await openStore({ dataDir: dir });
    const { hub, settled } = await startHub(store, [deploy]);
    for (let i = 0; i < 6; i++) await round(hub, "down");
    await settled();
    const named = hub.openIncidents.map((i) => i.epicenter[0]?.component);
    expect(named.length).toBeGreaterThan(0);
    for (const c of named) expect(services).toContain(c);
    expect(receiver.received).toHaveLength(0);
  });

  it("notifies as before without maintenance", async () => {
    const store = await openStore({ dataDir: dir });
    const { hub, settled } = await startHub(store, []);
    for (let i = 0; i < 6; i++) await round(hub, "down");
    await settled();
    await receiver.waitFor(1);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ event: "opened" });
  });

  it("keeps windows made and ended through the hub across a restart", async () => {
    const store = await openStore({ dataDir: dir });
    const first = await startHub(store, [window]);
    const made = await first.hub.maintenance.create({
      title: "DB move",
      components: ["shop/a"],
      start: T0 + MIN,
      end: T0 + 60 * MIN,
      by: "token ops",
    });
    expect(made).toMatchObject({ title: "DB move", source: "api", start: T0 + MIN, end: T0 + 60 * MIN });
    now = T0 + 2 * MIN;
    const ended = await first.hub.maintenance.end("r1-upgrade", "token ops");
    expect(ended).toMatchObject({ id: "r1-upgrade", end: now, endedAt: now });
    expect(await first.hub.maintenance.end("nope", "token ops")).toBeNull();
    await first.hub.stop();
    cleanup.length = 0;
    const second = await startHub(store, [window]);
    await second.hub.tick();
    expect(second.hub.maintenance.currentAndUpcoming().map((w) => [w.id, w.end])).toEqual([
      [made!.id, T0 + 60 * MIN],
    ]);
    expect([...second.hub.maintenance.inMaintenance(now)]).toEqual(["shop/a"]);
  });
});
