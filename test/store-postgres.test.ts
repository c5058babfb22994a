import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, it } from "vitest";
import { openPostgresStore } from "../src/store/postgres/postgres-store.js";
import { runStoreContract } from "./store-contract.js";
import { postgresUnreachable, postgresUrl } from "./store-postgres-env.js";

const reason = await postgresUnreachable();
const run = `epicenter_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
const schemas: string[] = [];

if (reason) {
  describe.skip(`Store contract: postgres (skipped: ${reason})`, () => {
    it("needs PostgreSQL", () => {});
  });
} else {
  afterAll(async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });
  runStoreContract("postgres", (options) => {
    const schema = `${run}_${schemas.length}`;
    schemas.push(schema);
    return openPostgresStore({ url: postgresUrl, schema, ...options });
  });
}
