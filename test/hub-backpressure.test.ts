/**
 * Back-pressure at the hub's front door (issue 8: a flood from one agent must not run the hub out of memory):
 * while more observations than `maxIngestBacklog` are on their way in, `ingest` refuses a batch whole
 * (HubBusyError, nothing taken) and the API answers 503 with Retry-After. Real SQLite store, in-process bus.
 * Two `ingest` calls started in one tick overlap deterministically: the first holds its observations until
 * its commit resolves, so the second sees them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { type HubModel, ReplicatedHub } from "../src/hub/hub.js";
import { HubBusyError } from "../src/hub/hub-busy-error.js";
import type { Observation } from "../src/model/observation.js";
import { createToken } from "../src/server/auth-tokens.js";
import { createApp } from "../src/server/server-app.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";

const model: HubModel = {
  components: [{ id: "acme/api", kind: "service", observed: true, requires: [] }],
  vantages: ["vantage/a"],
  checks: [],
};

function batch(from: number, n: number): Observation[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `vantage/a:acme/api#1:${from + i}`,
    at: from + i,
    vantage: "vantage/a",
    component: "acme/api",
    check: "acme/api#1",
    status: "up" as const,
    latencyMs: 1,
    errorClass: null,
  }));
}

describe("hub back-pressure", () => {
  let dir: string;
  let store: Store;
  let bus: MemoryBus;
  let hub: ReplicatedHub;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "epicenter-backpressure-"));
    store = await openStore({ dataDir: dir });
    bus = new MemoryBus();
    hub = new ReplicatedHub({ store, bus, model, maxIngestBacklog: 150, tickMs: 60_000 });
    await hub.start();
  });

  afterEach(async () => {
    await hub.stop();
    await bus.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a batch whole while the backlog is over the bound, and takes it once it drained", async () => {
    const t = 1_700_000_000_000;
    const [first, second] = await Promise.allSettled([
      hub.ingest(batch(t, 100)),
      hub.ingest(batch(t + 100, 100)),
    ]);
    expect(first.status).toBe("fulfilled");
    expect(second.status).toBe("rejected");
    const refusal = (second as PromiseRejectedResult).reason as HubBusyError;
    expect(refusal).toBeInstanceOf(HubBusyError);
    expect(refusal.code).toBe("E_HUB_BUSY");
    expect(refusal.message).toMatch(/busy: 100 observations .*at most 150/);
    // Nothing of the refused batch was stored; retried later, it is.
    expect(await store.queryObservations({ limit: 1000 })).toHaveLength(100);
    await hub.ingest(batch(t + 100, 100));
    expect(await store.queryObservations({ limit: 1000 })).toHaveLength(200);
    expect(await hub.metrics()).toMatch(/epicenter_observations_refused_total 100/);
  });

  it("lets a lone batch larger than the bound through (an idle hub takes anything the API admits)", async () => {
    await hub.ingest(batch(1_700_000_000_000, 400));
    expect(await store.queryObservations({ limit: 1000 })).toHaveLength(400);
  });

  it("answers 503 with Retry-After over HTTP", async () => {
    // The real store behind a gate: the first batch's commit waits until the test opens it.
    let open = () => {};
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const slow = new Proxy(store, {
      get(target, key) {
        if (key === "insertObservations")
          return async (b: Observation[]) => {
            await gate;
            return target.insertObservations(b);
          };
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const gated = new ReplicatedHub({ store: slow, bus: new MemoryBus(), model, maxIngestBacklog: 150 });
    await gated.start();
    const app = createApp({ hub: gated, auth: { anonymousRead: true }, webRoot: null });
    const made = await createToken(store, { name: "agent", role: "editor", now: Date.now() });
    const post = (from: number) =>
      app.request("/api/v1/observations", {
        method: "POST",
        headers: { authorization: `Bearer ${made.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ observations: batch(from, 100) }),
      });
    const holding = post(1_700_000_000_000);
    const refused = await post(1_700_000_001_000);
    open();
    expect((await holding).status).toBe(202);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("busy");
    expect((await post(1_700_000_001_000)).status).toBe(202);
    await gated.stop();
  });
});
