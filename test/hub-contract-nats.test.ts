/**
 * The Hub contract on a replica pair: two ReplicatedHubs on NATS JetStream (a stream of their own) sharing a
 * leader lock and a SQLite store (two connections, as two processes have). The suite talks to the standby,
 * as a client behind a load balancer may; the leader stores the incidents and judges the heartbeats.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, describe, expect, it } from "vitest";
import { NatsBus } from "../src/bus/nats/nats-bus.js";
import { natsLeaderLock } from "../src/bus/nats/nats-lock.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { runHubContract } from "./hub-contract.js";
import { natsUnreachable, natsUrl, uniqueName } from "./nats-env.js";

const reason = await natsUnreachable();
const streams: string[] = [];

if (reason) {
  describe.skip(`Hub contract: replica pair on NATS (skipped: ${reason})`, () => {
    it("needs NATS", () => {});
  });
} else {
  const root = mkdtempSync(join(tmpdir(), "epicenter-hub-pair-"));
  afterAll(async () => {
    const nc = await connect({ servers: natsUrl });
    const jsm = await jetstreamManager(nc);
    for (const s of streams) await jsm.streams.delete(s).catch(() => {});
    await nc.close();
    rmSync(root, { recursive: true, force: true });
  });
  runHubContract("replica pair on NATS JetStream, SQLite", async ({ model, clock }) => {
    const stream = uniqueName("TEST_HUB");
    const lock = uniqueName("test_hub");
    streams.push(stream, `KV_epicenter-lock-${lock}`);
    const dataDir = join(root, stream);
    const replica = async (replicaId: string) => {
      const store = await openSqliteStore({ dataDir });
      const bus = await NatsBus.open({
        url: natsUrl,
        stream,
        subjectPrefix: `test.${stream}.obs`,
        ackWaitMs: 5000,
      });
      // Wall-clock TTL, far longer than a test: the lock changes hands only when a replica stops.
      const leaderLock = await natsLeaderLock(bus.connection, lock, 60_000);
      const hub = new ReplicatedHub({ store, bus, model, clock, tickMs: 3_600_000, leaderLock, replicaId });
      await hub.start();
      return {
        hub,
        async close() {
          await hub.stop();
          await bus.close();
          await store.close();
        },
      };
    };
    const leader = await replica("a");
    const standby = await replica("b");
    expect([leader.hub.leading, standby.hub.leading]).toEqual([true, false]);
    return {
      hub: standby.hub,
      replicas: [leader.hub, standby.hub],
      async tick() {
        await leader.hub.tick();
        await standby.hub.tick();
      },
      async close() {
        await standby.close();
        await leader.close();
      },
    };
  });
}
