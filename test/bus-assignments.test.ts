/** AssignmentStore and LeaderLock (src/bus/bus.ts) on memory and on NATS, through openBus. */
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, describe, expect, it } from "vitest";
import type { Assignment } from "../src/bus/bus.js";
import { type OpenedBus, openBus } from "../src/bus/open-bus.js";
import type { Check } from "../src/probe/check-types.js";
import { natsUnreachable, natsUrl, uniqueName } from "./nats-env.js";

const reason = await natsUnreachable();
const streams: string[] = [];

function tcp(id: string, port: number): Check {
  return {
    id,
    component: "acme/db",
    type: "tcp",
    host: "127.0.0.1",
    port,
    intervalMs: 1000,
    timeoutMs: 500,
    vantages: [],
    confirm: 0,
  };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

function runContract(name: string, open: () => Promise<OpenedBus>): void {
  describe(`assignments and leader lock: ${name}`, () => {
    it("reads back what was put, per vantage, and a mutation after put changes nothing", async () => {
      const opened = await open();
      const a = opened.assignments;
      const vantage = uniqueName("probe/eu.west");
      expect(await a.get(vantage)).toBeNull();
      const value: Assignment = { checks: [tcp("acme/db#1", 5432)] };
      await a.put(vantage, value);
      value.checks.push(tcp("acme/db#2", 1));
      expect(await a.get(vantage)).toEqual({ checks: [tcp("acme/db#1", 5432)] });
      expect(await a.get(`${vantage}-other`)).toBeNull();
      await a.delete(vantage);
      expect(await a.get(vantage)).toBeNull();
      await opened.close();
    });

    it("watch reports the current value, then each change in order, until stopped", async () => {
      const opened = await open();
      const a = opened.assignments;
      const vantage = uniqueName("probe/us-east");
      await a.put(vantage, { checks: [tcp("c#1", 1)] });
      const seen: (string[] | null)[] = [];
      const watch = a.watch(vantage, (v) => seen.push(v ? v.checks.map((c) => c.id) : null));
      await until(() => seen.length === 1);
      await a.put(vantage, { checks: [tcp("c#1", 1), tcp("c#2", 2)] });
      await a.put(`${vantage}-other`, { checks: [] });
      await a.delete(vantage);
      await a.put(vantage, { checks: [tcp("c#3", 3)] });
      await until(() => seen.length === 4);
      expect(seen).toEqual([["c#1"], ["c#1", "c#2"], null, ["c#3"]]);
      await watch.stop();
      await a.put(vantage, { checks: [] });
      await new Promise((r) => setTimeout(r, 100));
      expect(seen).toHaveLength(4);
      await opened.close();
    });

    it("watch on a vantage with nothing assigned reports null first", async () => {
      const opened = await open();
      const seen: unknown[] = [];
      const watch = opened.assignments.watch(uniqueName("probe/none"), (v) => seen.push(v));
      await until(() => seen.length === 1);
      expect(seen).toEqual([null]);
      await watch.stop();
      await opened.close();
    });

    it("one leader at a time; a holder that stops renewing loses the lock to another after the TTL", async () => {
      const opened = await open();
      const name = uniqueName("localizer").replace(/_/g, "-");
      streams.push(`KV_epicenter-lock-${name}`);
      const [first, second] = [await opened.leaderLock(name, 1000), await opened.leaderLock(name, 1000)];
      expect(await first.tryAcquire()).toBe(true);
      expect(await second.tryAcquire()).toBe(false);
      expect(await first.renew()).toBe(true);
      expect(await second.renew()).toBe(false);
      // first stops renewing: second gets it once the TTL has passed, and first learns it lost it.
      while (!(await second.tryAcquire())) await new Promise((r) => setTimeout(r, 100));
      expect(await first.renew()).toBe(false);
      await second.release();
      expect(await first.tryAcquire()).toBe(true);
      await first.release();
      await opened.close();
    });
  });
}

runContract("in-memory", () => openBus({ env: {} }));

if (reason) {
  describe.skip(`assignments and leader lock: NATS (skipped: ${reason})`, () => {
    it("needs NATS", () => {});
  });
} else {
  const bucket = uniqueName("test-assignments").replace(/_/g, "-");
  afterAll(async () => {
    const nc = await connect({ servers: natsUrl });
    const jsm = await jetstreamManager(nc);
    for (const s of streams) await jsm.streams.delete(s).catch(() => {});
    await nc.close();
  });
  streams.push(`KV_${bucket}`);
  runContract("NATS JetStream", () => {
    const stream = uniqueName("TEST_OBS");
    streams.push(stream);
    return openBus({
      url: natsUrl,
      assignmentsBucket: bucket,
      nats: { stream, subjectPrefix: `test.${stream}.obs` },
    });
  });
}
