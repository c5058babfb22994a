/**
 * Suspected dependencies through the real hub: learned live, stored with the incident and as evidence,
 * kept across restarts (a second outage adds to the first's evidence instead of starting afresh).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HubEvent } from "../src/hub/hub-api.js";
import { openStore } from "../src/store/open-store.js";
import {
  type FakeClock,
  LONE,
  outage,
  round,
  startSuspectedHub,
  suspectedModel,
} from "./suspected-fixture.js";

const T0 = 1_800_000_000_000;
let dir: string;
let clock: FakeClock;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-suspected-"));
  clock = { now: T0 };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("suspected dependencies in the hub", () => {
  it("learns a site that fails with a region it has no path to, stores it, and keeps it across a restart", async () => {
    let store = await openStore({ dataDir: dir });
    let hub = await startSuspectedHub(store, clock);
    const live: HubEvent[] = [];
    hub.subscribe((e) => live.push(e));
    await outage(hub, clock);
    const [incident] = await store.listIncidents();
    expect(incident?.epicenter[0]?.component).toBe("cloud/r1");
    expect(incident?.resolvedAt).not.toBeNull();
    expect(incident?.suspected).toEqual([LONE]);
    expect(live.some((e) => e.type === "incident" && e.incident.suspected?.includes(LONE))).toBe(true);
    expect(await hub.suspectedDependencies()).toEqual([
      {
        component: LONE,
        cause: "cloud/r1",
        incidents: [incident!.id],
        onsets: 1,
        recoveries: 1,
        score: 0.75,
        firstSeen: expect.any(Number),
        lastSeen: expect.any(Number),
      },
    ]);
    expect(await store.listSuspectedEvidence()).toMatchObject([
      { component: LONE, cause: "cloud/r1", incident: incident!.id, recovered: true },
    ]);
    await hub.stop();
    await store.close();

    store = await openStore({ dataDir: dir });
    hub = await startSuspectedHub(store, clock);
    expect((await hub.suspectedDependencies()).map((p) => [p.component, p.onsets, p.score])).toEqual([
      [LONE, 1, 0.75],
    ]);
    await outage(hub, clock);
    const pairs = await hub.suspectedDependencies();
    expect(
      pairs.map((p) => [p.component, p.cause, p.incidents.length, p.onsets, p.recoveries, p.score]),
    ).toEqual([[LONE, "cloud/r1", 2, 2, 2, 0.938]]);
    await hub.stop();
    await store.close();
    // What the second run learned was stored: a third process reads both incidents.
    store = await openStore({ dataDir: dir });
    expect(new Set((await store.listSuspectedEvidence()).map((e) => e.incident)).size).toBe(2);
    await store.close();
  });

  it("keeps an open incident's evidence when the hub stops mid-outage, and counts the incident once after", async () => {
    let store = await openStore({ dataDir: dir });
    let hub = await startSuspectedHub(store, clock);
    for (let k = 0; k < 3; k++) await round(hub, clock, false);
    for (let k = 0; k < 5; k++) await round(hub, clock, true);
    await hub.stop();
    const [open] = await store.listIncidents({ open: true });
    expect(open?.suspected).toEqual([LONE]);
    expect(await store.listSuspectedEvidence()).toMatchObject([
      { component: LONE, incident: open!.id, recovered: null },
    ]);
    await store.close();
    // Restarted while the outage goes on: the incident is adopted; it then ends.
    store = await openStore({ dataDir: dir });
    hub = await startSuspectedHub(store, clock);
    for (let k = 0; k < 4; k++) await round(hub, clock, true);
    for (let k = 0; k < 6; k++) await round(hub, clock, false);
    expect((await store.listIncidents()).map((i) => i.id)).toEqual([open!.id]);
    const [pair] = await hub.suspectedDependencies();
    expect([pair?.incidents, pair?.onsets]).toEqual([[open!.id], 1]);
    await hub.stop();
    await store.close();
  });

  it("hands an open incident's evidence over across a config reload, counting the incident once", async () => {
    const store = await openStore({ dataDir: dir });
    const hub = await startSuspectedHub(store, clock);
    for (let k = 0; k < 3; k++) await round(hub, clock, false);
    for (let k = 0; k < 4; k++) await round(hub, clock, true);
    await hub.reload({ ...suspectedModel });
    for (let k = 0; k < 4; k++) await round(hub, clock, true);
    for (let k = 0; k < 6; k++) await round(hub, clock, false);
    const incidents = await store.listIncidents();
    expect(incidents.map((i) => [i.epicenter[0]?.component, i.resolvedAt !== null])).toEqual([
      ["cloud/r1", true],
    ]);
    const pairs = await hub.suspectedDependencies();
    expect(pairs.map((p) => [p.component, p.incidents, p.onsets])).toEqual([[LONE, [incidents[0]!.id], 1]]);
    expect(await store.listSuspectedEvidence()).toMatchObject([{ incident: incidents[0]!.id }]);
    await hub.stop();
    await store.close();
  });
});
