/**
 * Issue 13: a store failing under the hub's tick must be caught and warned, never reject: the ticker calls
 * `void this.tick()`, so a rejection is an unhandled one, which ends the serve process. On a real hub over
 * SQLite with in-process leader locks. A replica that cannot read the open incidents when it wins the
 * leader lock warns and gives the lock back (it would open a second incident for each), and tries again.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { MemoryLocks, memoryLeaderLock } from "../src/bus/memory/memory-lock.js";
import { type HubModel, ReplicatedHub } from "../src/hub/hub.js";
import { openStore } from "../src/store/open-store.js";

const model: HubModel = {
  components: [{ id: "acme/api", kind: "service", observed: true, requires: [] }],
  vantages: ["vantage/a"],
  checks: [],
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the hub's tick, when the store fails", () => {
  it("warns and resolves when the store fails during a leader take-over", async () => {
    const dir = mkdtempSync(join(tmpdir(), "epicenter-tick-errors-"));
    dirs.push(dir);
    const store = await openStore({ dataDir: dir });
    const locks = new MemoryLocks();
    const other = memoryLeaderLock(locks, "hub-leader", 60_000);
    expect(await other.tryAcquire()).toBe(true);
    const warnings: string[] = [];
    const bus = new MemoryBus();
    const hub = new ReplicatedHub({
      store,
      bus,
      model,
      leaderLock: memoryLeaderLock(locks, "hub-leader", 60_000),
      tickMs: 60_000,
      onWarning: (w) => warnings.push(w),
    });
    await hub.start();
    expect(hub.leading).toBe(false);
    // The store goes away while this replica stands by; then the leader steps down.
    await store.close();
    await other.release();
    try {
      await expect(hub.tick()).resolves.toBeUndefined();
      expect(warnings.join("\n")).toMatch(/incidents|store|database|driver/i);
      expect(hub.leading).toBe(false);
      // The lock went back: another replica can take it.
      expect(await other.tryAcquire()).toBe(true);
    } finally {
      await hub.stop().catch(() => {});
      await bus.close();
    }
  });
});
