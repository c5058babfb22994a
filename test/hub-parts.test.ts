/**
 * The hub's named parts, each on its own: live states, heartbeats, leadership, the standby's incident
 * follower, the live-stream subscribers. Pure parts take data and a clock; the follower reads a real SQLite
 * store, leadership holds an in-process lock on a manual clock.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryLocks, memoryLeaderLock } from "../src/bus/memory/memory-lock.js";
import { Heartbeats, HUB_VANTAGE, heartbeatCheck } from "../src/hub/heartbeats.js";
import type { HubEvent } from "../src/hub/hub-api.js";
import { HubEvents } from "../src/hub/hub-events.js";
import { FOLLOW_MS, IncidentFollower } from "../src/hub/incident-follower.js";
import { Leadership } from "../src/hub/leadership.js";
import { defaultRound } from "../src/hub/live-rounds.js";
import { LiveStates } from "../src/hub/live-states.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import type { Observation } from "../src/model/observation.js";
import type { Check } from "../src/probe/check-types.js";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { StoredIncident } from "../src/store/store.js";

const T0 = 1_800_000_000_000;
const spec = (id: string, observed: boolean): ComponentSpec => ({
  id,
  kind: observed ? "service" : "region",
  observed,
  requires: [],
});
const obs = (vantage: string, component: string, status: Observation["status"], at: number): Observation => ({
  id: `${vantage}:${component}:${at}`,
  at,
  vantage,
  component,
  check: `${component}#1`,
  status,
  latencyMs: 1,
  errorClass: status === "down" ? "http-5xx" : null,
});
const incident = (id: string, openedAt: number, over: Partial<StoredIncident> = {}): StoredIncident => ({
  id,
  openedAt,
  resolvedAt: null,
  epicenter: [{ component: "cloud/r1", confidence: 0.9 }],
  affected: ["shop/a"],
  history: [],
  vantage: false,
  acknowledgedAt: null,
  acknowledgedBy: null,
  updatedAt: openedAt,
  ...over,
});

describe("LiveStates", () => {
  const components = [
    spec("cloud/r1", false),
    spec("shop/a", true),
    spec("shop/b", true),
    spec("cloud/r2", false),
  ];

  it("keeps the newest result per vantage, whatever the arrival order", () => {
    const live = new LiveStates();
    live.take(obs("v/y", "shop/a", "up", T0 + 2));
    live.take(obs("v/x", "shop/a", "down", T0 + 5));
    live.take(obs("v/x", "shop/a", "up", T0 + 1)); // late: older than what is held
    const [a] = live.states(components, []).filter((s) => s.component === "shop/a");
    expect(a?.observed).toEqual([
      { vantage: "v/x", status: "down", at: T0 + 5, errorClass: "http-5xx" },
      { vantage: "v/y", status: "up", at: T0 + 2, errorClass: null },
    ]);
  });

  it("names the epicenter failing and the affected by the newest incident; unobserved components only when named", () => {
    const live = new LiveStates();
    const older = incident("inc-old", T0, { epicenter: [{ component: "cloud/r2", confidence: 0.5 }] });
    const newer = incident("inc-new", T0 + 10);
    const states = live.states(components, [newer, older]);
    expect(states.map((s) => [s.component, s.belief, s.incidentId])).toEqual([
      ["cloud/r1", "failing", "inc-new"],
      ["shop/a", "affected", "inc-new"],
      ["shop/b", "up", null],
      ["cloud/r2", "failing", "inc-old"],
    ]);
    expect(live.states(components, []).map((s) => s.component)).toEqual(["shop/a", "shop/b"]);
  });

  it("tells only what changed since it last told", () => {
    const live = new LiveStates();
    live.take(obs("v/x", "shop/a", "up", T0));
    expect(live.changed(live.states(components, [])).map((s) => s.component)).toEqual(["shop/a", "shop/b"]);
    live.take(obs("v/x", "shop/a", "up", T0 + 1)); // same status: no news
    expect(live.changed(live.states(components, []))).toEqual([]);
    live.take(obs("v/x", "shop/b", "down", T0 + 2));
    expect(live.changed(live.states(components, [])).map((s) => s.component)).toEqual(["shop/b"]);
  });
});

describe("Heartbeats", () => {
  const beat: Check = {
    type: "heartbeat",
    id: "jobs/nightly#1",
    component: "jobs/nightly",
    intervalMs: 60_000,
    timeoutMs: 0,
    vantages: [],
    confirm: 0,
    token: "beat-secret",
    graceMs: 30_000,
  };

  it("finds a check by its secret only", () => {
    expect(heartbeatCheck([beat], "beat-secret")?.id).toBe("jobs/nightly#1");
    expect(heartbeatCheck([beat], "jobs/nightly#1")).toBeUndefined();
  });

  it("judges a check down from the hub's vantage once interval and grace pass without a beat, up after one", () => {
    const hb = new Heartbeats();
    hb.start(T0, new Map());
    expect(hb.due(T0, 10_000)).toBe(true); // the first tick judges
    expect(hb.judge(T0 + 90_000, [beat])[0]).toMatchObject({ vantage: HUB_VANTAGE, status: "up" });
    const [late] = hb.judge(T0 + 90_001, [beat]);
    expect(late).toMatchObject({
      vantage: HUB_VANTAGE,
      component: "jobs/nightly",
      check: "jobs/nightly#1",
      status: "down",
      errorClass: "missed",
      message: "no beat for 90 s",
    });
    expect(hb.due(T0 + 95_000, 10_000)).toBe(false);
    hb.beat("jobs/nightly#1", T0 + 95_000);
    expect(hb.judge(T0 + 100_000, [beat])[0]?.status).toBe("up");
  });

  it("takes only newer beats from the store (another replica's)", () => {
    const hb = new Heartbeats();
    hb.start(T0, new Map([["jobs/nightly#1", T0]]));
    hb.beat("jobs/nightly#1", T0 + 50_000);
    hb.take(new Map([["jobs/nightly#1", T0 + 10_000]]));
    expect(hb.judge(T0 + 130_000, [beat])[0]?.status).toBe("up");
    hb.take(new Map([["jobs/nightly#1", T0 + 120_000]]));
    expect(hb.judge(T0 + 200_000, [beat])[0]?.status).toBe("up");
  });

  it("rounds last the most common check interval, within 5 s .. 60 s", () => {
    const http = (intervalMs: number) => ({ ...beat, type: "tcp", intervalMs }) as unknown as Check;
    expect(defaultRound([http(10_000), http(10_000), http(30_000), beat])).toBe(10_000);
    expect(defaultRound([http(1000)])).toBe(5000);
    expect(defaultRound([beat])).toBe(30_000);
  });
});

describe("Leadership", () => {
  it("leads without a lock; with one, the first to seek it wins and the other waits until it lapses", async () => {
    expect(new Leadership(undefined).leading).toBe(true);
    let now = T0;
    const locks = new MemoryLocks();
    const told: string[] = [];
    const replica = (name: string) =>
      new Leadership(
        memoryLeaderLock(locks, "hub", 6000, () => now),
        {
          onLeadership: (leading) => told.push(`${name} ${leading}`),
          onWarning: (m) => told.push(`${name}: ${m}`),
        },
      );
    const a = replica("a");
    const b = replica("b");
    expect(await a.check(now)).toBe("won");
    expect(a.leading).toBe(false); // not until the take-over is done
    const order: string[] = [];
    await a.lead(async () => {
      order.push(`first, leading=${a.leading}`);
    });
    expect(order).toEqual(["first, leading=true"]);
    expect(await b.check(now)).toBe("unchanged");
    now += 2500;
    expect(await a.check(now)).toBe("unchanged"); // renewed
    now += 5000;
    expect(await b.check(now)).toBe("unchanged"); // a renewed 5 s ago: still its lock
    now += 7000; // a stopped renewing
    expect(await b.check(now)).toBe("won");
    await b.lead(async () => {});
    expect(await a.check(now)).toBe("lost");
    expect([a.leading, b.leading]).toEqual([false, true]);
    expect(told).toEqual([
      "a true",
      "b true",
      "a: lost the leader lock: another replica leads now",
      "a false",
    ]);
    await b.release();
    expect(await a.check(now)).toBe("won");
    await a.giveUp(); // the take-over failed: the lock goes back at once
    expect(a.leading).toBe(false);
    expect(await replica("c").check(now)).toBe("won");
  });
});

describe("IncidentFollower", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "epicenter-follower-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("re-reads the leader's incidents every FOLLOW_MS and tells what was opened, changed and resolved", async () => {
    const store = await openSqliteStore({ dataDir: dir });
    const follower = new IncidentFollower();
    await store.saveIncident(incident("inc-a", T0));
    expect(await follower.follow(T0, store)).toEqual([]); // the starting point is not news
    expect(follower.open.map((i) => i.id)).toEqual(["inc-a"]);
    await store.saveIncident(incident("inc-b", T0 + 1));
    await store.saveIncident(incident("inc-a", T0, { resolvedAt: T0 + 5, updatedAt: T0 + 5 }));
    expect(await follower.follow(T0 + FOLLOW_MS - 1, store)).toEqual([]); // too soon
    const events = (await follower.follow(T0 + FOLLOW_MS, store)) as Extract<
      HubEvent,
      { type: "incident" }
    >[];
    expect(events.map((e) => [e.action, e.incident.id])).toEqual([
      ["opened", "inc-b"],
      ["resolved", "inc-a"],
    ]);
    expect(follower.open.map((i) => i.id)).toEqual(["inc-b"]);
    follower.update({ ...follower.open[0]!, acknowledgedBy: "dora" });
    expect(follower.open[0]?.acknowledgedBy).toBe("dora");
    await store.close();
    const warnings: string[] = [];
    expect(await follower.follow(T0 + 2 * FOLLOW_MS, store, (m) => warnings.push(m))).toEqual([]);
    expect(warnings[0]).toMatch(/^could not read incidents: /);
    expect(follower.open.map((i) => i.id)).toEqual(["inc-b"]); // kept
  });
});

describe("HubEvents", () => {
  it("gives each event to every subscriber, past a failing one, until it unsubscribes", () => {
    const events = new HubEvents();
    const seen: string[] = [];
    const event: HubEvent = { type: "config", action: "rejected", message: "m" };
    events.subscribe(() => {
      throw new Error("closed stream");
    });
    const off = events.subscribe((e) => seen.push(e.type));
    expect(events.size).toBe(2);
    events.emit(event);
    off();
    events.emit(event);
    expect(seen).toEqual(["config"]);
    expect(events.size).toBe(1);
  });
});
