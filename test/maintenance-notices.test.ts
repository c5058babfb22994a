/**
 * Maintenance notices: a webhook channel with `maintenance: true` is told, signed, when a window begins and
 * when it ends (early, when someone ends it), by the real hub and notifier against a real HTTP receiver on
 * loopback; a channel without the option hears nothing of it; a restarted hub does not announce a start
 * again. The option defaults to false and is refused, naming the key, on a channel type that cannot send it.
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { parseConfig } from "../src/config/config-load.js";
import { type HubModel, ReplicatedHub } from "../src/hub/hub.js";
import type { MaintenanceSpec } from "../src/model/maintenance-schedule.js";
import { SourceError } from "../src/model/model-errors.js";
import { type ChannelConfig, notificationsSchema } from "../src/notify/channel-schema.js";
import { createChannels } from "../src/notify/channels/create-channel.js";
import type { AnnouncementOutcome } from "../src/notify/maintenance-delivery.js";
import { Notifier } from "../src/notify/notifier.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";
import { type Receiver, startReceiver } from "./notify-fixtures.js";

const T0 = 1_800_000_000_000;
const MIN = 60_000;
const model = (maintenance: MaintenanceSpec[]): HubModel => ({
  components: [
    { id: "cloud/r1", kind: "region", observed: false, requires: [] },
    {
      id: "shop/a",
      kind: "service",
      observed: true,
      requires: [{ type: "hard", id: "cloud/r1", hidden: false }],
    },
  ],
  vantages: ["vantage/x"],
  checks: [],
  maintenance,
});
const configWindow: MaintenanceSpec = {
  id: "r1-upgrade",
  title: "Region <upgrade>",
  components: ["cloud/r1"],
  kind: "once",
  start: T0 + 2 * MIN,
  end: T0 + 10 * MIN,
};

let dir: string;
let now: number;
let told: Receiver;
let quiet: Receiver;
const cleanup: (() => Promise<unknown>)[] = [];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-maint-notice-"));
  now = T0;
  told = await startReceiver();
  quiet = await startReceiver();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await told.close();
  await quiet.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startHub(store: Store) {
  const notifier = new Notifier({
    channels: createChannels(
      notificationsSchema({}).parse([
        { name: "ops", type: "webhook", url: told.url, secret: "k", maintenance: true },
        { name: "pager", type: "webhook", url: quiet.url, secret: "k" },
      ]) as ChannelConfig[],
    ),
    log: store,
    clock: () => now,
  });
  const outcomes: Promise<AnnouncementOutcome[]>[] = [];
  const hub = new ReplicatedHub({
    store,
    bus: new MemoryBus(),
    model: model([configWindow]),
    clock: () => now,
    tickMs: 3_600_000,
    onMaintenance: ({ type, window: w, at }) => {
      outcomes.push(notifier.announce({ type, ...w, at }));
    },
  });
  await hub.start();
  const stop = async () => {
    await hub.stop();
    await notifier.drain(1000);
  };
  cleanup.push(stop);
  return { hub, settled: async () => (await Promise.all(outcomes)).flat(), stop };
}

const bodies = (r: Receiver) => r.received.map((x) => JSON.parse(x.body) as Record<string, unknown>);

describe("maintenance notices", () => {
  it("tells a maintenance: true webhook when a window begins and ends, signed; others hear nothing", async () => {
    const store = await openStore({ dataDir: dir });
    const { hub, settled } = await startHub(store);
    await hub.tick();
    const api = await hub.maintenance.create({
      title: "API deploy",
      components: ["shop/a"],
      start: T0 + 4 * MIN,
      end: T0 + 20 * MIN,
      by: "ops",
    });
    for (const minutes of [1, 3, 5, 11]) {
      now = T0 + minutes * MIN;
      await hub.tick();
    }
    // Someone ends the API's window early, at minute 12.
    now = T0 + 12 * MIN;
    await hub.maintenance.end(api!.id, "ops");
    await hub.tick();
    const outcomes = await settled();
    expect(outcomes.map((o) => [o.channel, o.type, o.delivered])).toEqual([
      ["ops", "started", true],
      ["ops", "started", true],
      ["ops", "ended", true],
      ["ops", "ended", true],
    ]);
    expect(
      bodies(told).map((b) => [b.event, b.title, (b.maintenance as { end: string }).end, b.sentAt]),
    ).toEqual([
      ["maintenance.started", "Maintenance started: Region <upgrade>", iso(T0 + 10 * MIN), T0 + 3 * MIN],
      ["maintenance.started", "Maintenance started: API deploy", iso(T0 + 20 * MIN), T0 + 5 * MIN],
      ["maintenance.ended", "Maintenance ended: Region <upgrade>", iso(T0 + 10 * MIN), T0 + 11 * MIN],
      ["maintenance.ended", "Maintenance ended: API deploy", iso(T0 + 12 * MIN), T0 + 12 * MIN],
    ]);
    for (const r of told.received) {
      expect(r.headers["x-epicenter-event"]).toBe(JSON.parse(r.body).event);
      expect(r.headers["x-epicenter-signature"]).toBe(
        `sha256=${createHmac("sha256", "k").update(r.body).digest("hex")}`,
      );
    }
    expect(quiet.received).toEqual([]);
  });

  it("a restart inside a window announces no second start, and still the end", async () => {
    const store = await openStore({ dataDir: dir });
    const first = await startHub(store);
    await first.hub.tick();
    now = T0 + 3 * MIN;
    await first.hub.tick();
    await first.settled();
    await first.stop();
    const reopened = await openStore({ dataDir: dir });
    const second = await startHub(reopened);
    now = T0 + 4 * MIN;
    await second.hub.tick();
    now = T0 + 11 * MIN;
    await second.hub.tick();
    await second.settled();
    expect(bodies(told).map((b) => b.event)).toEqual(["maintenance.started", "maintenance.ended"]);
  });
});

describe("the maintenance option of a channel", () => {
  const config = (channel: string) =>
    `catalog: false\ncomponents:\n  - id: acme/api\nnotifications:\n  - ${channel}\n`;

  it("defaults to false", () => {
    const [c] = parseConfig(
      "epicenter.yaml",
      config("{ name: hook, type: webhook, url: http://127.0.0.1:9/x, secret: k }"),
    ).notifications;
    expect(c?.maintenance).toBe(false);
    expect(createChannels([c!])[0]?.announce).toBeUndefined();
  });

  it("is refused on a channel type that sends no maintenance notices, naming file, line and key", () => {
    let message = "";
    try {
      parseConfig(
        "epicenter.yaml",
        config("{ name: chat, type: slack, url: https://hooks.slack.com/x, maintenance: true }"),
      );
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      message = error.message;
    }
    expect(message).toBe(
      "epicenter.yaml:5 notifications[0].maintenance: maintenance notices go to webhook channels only, not slack; remove maintenance: true",
    );
  });
});

function iso(t: number): string {
  return new Date(t).toISOString();
}
