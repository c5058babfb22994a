/** The Hub contract on the embedded hub: the in-memory bus and a SQLite store in a fresh directory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { runHubContract } from "./hub-contract.js";

const root = mkdtempSync(join(tmpdir(), "epicenter-hub-contract-"));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

runHubContract("memory bus, SQLite", async ({ model, clock }) => {
  const store = await openSqliteStore({ dataDir: join(root, `hub-${n++}`) });
  const bus = new MemoryBus();
  const hub = new ReplicatedHub({ store, bus, model, clock, tickMs: 3_600_000 });
  await hub.start();
  return {
    hub,
    replicas: [hub],
    tick: () => hub.tick(),
    async close() {
      await hub.stop();
      await bus.close();
      await store.close();
    },
  };
});
