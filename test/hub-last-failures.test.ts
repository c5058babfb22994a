/**
 * The last failing check per component and vantage: the agent attaches phases to failed and degraded results
 * only, and the hub keeps the newest impaired observation of each (component, vantage) in memory, with its
 * phases, which the store does not keep.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import { LastFailures } from "../src/hub/last-failures.js";
import type { Observation } from "../src/model/observation.js";
import { resultObservations } from "../src/probe/agent.js";
import type { CheckResult } from "../src/probe/check-types.js";
import { openStore } from "../src/store/open-store.js";
import { httpCheck } from "./schedule-fixtures.js";

const T0 = 1_800_000_000_000;
const check = httpCheck("shop/a#1", "http://127.0.0.1:1/");
const phases = { dns: 2, connect: 1, firstByte: 40, total: 43 };

const obs = (vantage: string, at: number, status: Observation["status"], extra: Partial<Observation> = {}) =>
  ({
    id: `${vantage}:${at}`,
    at,
    vantage,
    component: "shop/a",
    check: "shop/a#1",
    status,
    latencyMs: 43,
    errorClass: status === "down" ? "http-5xx" : null,
    ...extra,
  }) satisfies Observation;

describe("the agent's observations", () => {
  const result = (status: CheckResult["status"]): CheckResult => ({
    status,
    errorClass: status === "down" ? "http-5xx" : null,
    latencyMs: 43,
    phases,
  });

  it("carry the check's phases when it failed or degraded, and not when it was up", () => {
    expect(resultObservations("v/x", check, result("down"), T0)[0]?.phases).toEqual(phases);
    expect(resultObservations("v/x", check, result("degraded"), T0)[0]?.phases).toEqual(phases);
    expect(resultObservations("v/x", check, result("up"), T0)[0]).not.toHaveProperty("phases");
  });
});

describe("LastFailures", () => {
  it("keeps the newest impaired observation per vantage, newest first; successes and older ones change nothing", () => {
    const last = new LastFailures();
    last.add(obs("v/x", T0, "down", { phases }));
    last.add(obs("v/x", T0 + 10_000, "up"));
    last.add(obs("v/x", T0 - 10_000, "down", { message: "older, arrived late" }));
    last.add(obs("v/y", T0 + 5_000, "degraded", { phases: { total: 2500 } }));
    expect(last.of("shop/a").map((o) => [o.vantage, o.at, o.phases])).toEqual([
      ["v/y", T0 + 5_000, { total: 2500 }],
      ["v/x", T0, phases],
    ]);
    expect(last.of("shop/b")).toEqual([]);
    last.keepOnly(new Set(["shop/b"]));
    expect(last.of("shop/a")).toEqual([]);
  });
});

describe("the embedded hub", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "epicenter-last-failures-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("serves the last failing check with phases from memory; the store keeps the observation without them", async () => {
    const store = await openStore({ dataDir: dir });
    let now = T0;
    const hub = new ReplicatedHub({
      store,
      bus: new MemoryBus(),
      model: {
        components: [{ id: "shop/a", kind: "service", observed: true, requires: [] }],
        vantages: ["v/x", "v/y"],
        checks: [check],
      },
      clock: () => now,
      tickMs: 3_600_000,
    });
    await hub.start();
    try {
      await hub.ingest([obs("v/x", T0 + 1000, "down", { phases, message: "HTTP 503" })]);
      await hub.ingest([obs("v/x", T0 + 11_000, "up")]);
      await new Promise((r) => setImmediate(r)); // the bus delivers asynchronously
      now += 20_000;
      await hub.tick();
      const [failure] = hub.lastFailures("shop/a");
      expect(failure).toMatchObject({
        vantage: "v/x",
        at: T0 + 1000,
        status: "down",
        message: "HTTP 503",
        phases,
      });
      expect(hub.lastFailures("shop/a")).toHaveLength(1);
      const stored = await store.queryObservations({ component: "shop/a", limit: 10 });
      expect(stored).toHaveLength(2);
      for (const o of stored) expect(o).not.toHaveProperty("phases");
    } finally {
      await hub.stop();
      await store.close();
    }
  });
});
