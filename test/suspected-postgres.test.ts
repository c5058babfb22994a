/**
 * Suspected dependencies on PostgreSQL, end to end: a real hub learns one in a fresh database, a restarted
 * hub keeps it and adds a second outage to it, and `epicenter model suggest` reads it through
 * EPICENTER_DATABASE_URL as the other commands do.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { openStore } from "../src/store/open-store.js";
import { captureIo } from "./capture-io.js";
import { postgresUnreachable, postgresUrl } from "./store-postgres-env.js";
import { LONE, outage, startSuspectedHub } from "./suspected-fixture.js";

const missing = await postgresUnreachable();
const db = `epicenter_suspected_${process.pid}_${Date.now()}`;
let databaseUrl: string;
let dir: string;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe.skipIf(missing)(
  `suspected dependencies on PostgreSQL${missing ? ` (skipped: ${missing})` : ""}`,
  () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "epicenter-suspected-pg-"));
      await admin(`create database ${db}`);
      const url = new URL(postgresUrl);
      url.pathname = `/${db}`;
      databaseUrl = url.href;
    });

    afterAll(async () => {
      await admin(`drop database if exists ${db} with (force)`);
      rmSync(dir, { recursive: true, force: true });
    });

    it("learns, keeps across a restart, and model suggest reads it from the database", async () => {
      const clock = { now: Date.parse("2026-03-02T10:00:00Z") };
      for (const expected of [
        [1, 0.75],
        [2, 0.938],
      ]) {
        const store = await openStore({ dataDir: dir, databaseUrl });
        const hub = await startSuspectedHub(store, clock);
        await outage(hub, clock);
        expect((await hub.suspectedDependencies()).map((p) => [p.component, p.onsets, p.score])).toEqual([
          [LONE, ...expected],
        ]);
        await hub.stop();
        const incidents = await store.listIncidents();
        expect(incidents.map((i) => i.suspected)).toEqual(incidents.map(() => [LONE]));
        await store.close();
      }
      const { io, out } = captureIo(dir, { EPICENTER_DATABASE_URL: databaseUrl });
      expect(await run(["model", "suggest", "--json"], io)).toBe(0);
      const [pair] = JSON.parse(out.join("\n")).suspected;
      expect(pair).toMatchObject({
        component: LONE,
        cause: "cloud/r1",
        onsets: 2,
        recoveries: 2,
        score: 0.938,
      });
      expect(pair.incidents).toHaveLength(2);
    });
  },
);
