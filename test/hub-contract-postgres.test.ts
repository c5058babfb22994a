/** The Hub contract on the embedded hub over PostgreSQL (a schema of its own per hub), on the in-memory bus. */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import { openPostgresStore } from "../src/store/postgres/postgres-store.js";
import { runHubContract } from "./hub-contract.js";
import { postgresUnreachable, postgresUrl } from "./store-postgres-env.js";

const reason = await postgresUnreachable();
const run = `epicenter_hub_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
const schemas: string[] = [];

if (reason) {
  describe.skip(`Hub contract: memory bus, PostgreSQL (skipped: ${reason})`, () => {
    it("needs PostgreSQL", () => {});
  });
} else {
  afterAll(async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });
  runHubContract("memory bus, PostgreSQL", async ({ model, clock }) => {
    const schema = `${run}_${schemas.length}`;
    schemas.push(schema);
    const store = await openPostgresStore({ url: postgresUrl, schema });
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
}
