import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, describe, expect, it } from "vitest";
import { NatsBus } from "../src/bus/nats/nats-bus.js";
import type { Observation } from "../src/model/observation.js";
import { runBusContract } from "./bus-contract.js";
import { natsUnreachable, natsUrl, uniqueName } from "./nats-env.js";

const reason = await natsUnreachable();
const streams: string[] = [];

if (reason) {
  describe.skip(`bus contract: NATS JetStream (skipped: ${reason})`, () => {
    it("needs NATS", () => {});
  });
} else {
  afterAll(async () => {
    const nc = await connect({ servers: natsUrl });
    const jsm = await jetstreamManager(nc);
    for (const s of streams) await jsm.streams.delete(s).catch(() => {});
    await nc.close();
  });
  // Each bus gets a stream and subjects of its own: test files run in parallel on the shared server.
  runBusContract("NATS JetStream", async () => {
    const stream = uniqueName("TEST_OBS");
    streams.push(stream);
    return NatsBus.open({ url: natsUrl, stream, subjectPrefix: `test.${stream}.obs`, ackWaitMs: 5000 });
  });
}

function observation(n: number, vantage = "probe/eu.west"): Observation {
  return {
    id: `${vantage}:acme/api#1:${n}`,
    at: 1_700_000_000_000 + n,
    vantage,
    component: "acme/api",
    check: "acme/api#1",
    status: "up",
    latencyMs: n,
    errorClass: null,
  };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(reason)("NATS bus: what JetStream adds", () => {
  async function openBus(stream = uniqueName("TEST_OBS")) {
    if (!streams.includes(stream)) streams.push(stream);
    return NatsBus.open({ url: natsUrl, stream, subjectPrefix: `test.${stream}.obs`, ackWaitMs: 5000 });
  }

  /** A bus on a stream of its own that keeps what it reports through onError. */
  async function openWithErrors() {
    const stream = uniqueName("TEST_OBS");
    const errors: string[] = [];
    const bus = await NatsBus.open({
      url: natsUrl,
      stream,
      subjectPrefix: `test.${stream}.obs`,
      onError: (e) => errors.push(e.message),
    });
    streams.push(stream);
    return { stream, bus, errors };
  }

  it("stores a retried publish of the same batch once (Nats-Msg-Id hashes its observation ids)", async () => {
    const bus = await openBus();
    await bus.publish([observation(1), observation(2)]);
    await bus.publish([observation(1), observation(2)]); // the retry of a publish whose ack was lost
    await bus.publish([observation(3)]);
    const seen: string[] = [];
    bus.consume("g", async (batch) => {
      seen.push(...batch.map((o) => o.id));
    });
    await until(() => seen.length >= 3);
    await new Promise((r) => setTimeout(r, 200)); // a duplicate would arrive right behind
    expect(seen).toEqual([1, 2, 3].map((n) => observation(n).id));
    await bus.close();
  });

  it("sends a batch as one message per vantage and per messageMax observations, delivered in order", async () => {
    const stream = uniqueName("TEST_OBS");
    streams.push(stream);
    const bus = await NatsBus.open({
      url: natsUrl,
      stream,
      subjectPrefix: `test.${stream}.obs`,
      messageMax: 4,
    });
    const eu = Array.from({ length: 10 }, (_, i) => observation(i));
    const us = Array.from({ length: 3 }, (_, i) => observation(100 + i, "probe/us-east"));
    await bus.publish([eu[0]!, us[0]!, ...eu.slice(1, 6), us[1]!, us[2]!, ...eu.slice(6)]);
    const nc = await connect({ servers: natsUrl });
    const info = await (await jetstreamManager(nc)).streams.info(stream, { subjects_filter: ">" });
    await nc.close();
    // eu: 10 in messages of 4, 4, 2; us: 3 in one.
    expect(info.state.messages).toBe(4);
    expect(info.state.subjects).toEqual({
      [`test.${stream}.obs.probe/eu=2Ewest`]: 3,
      [`test.${stream}.obs.probe/us-east`]: 1,
    });
    const seen: string[] = [];
    const sub = bus.consume("g", async (batch) => {
      seen.push(...batch.map((o) => o.id));
    });
    await until(() => seen.length === 13);
    expect(seen.filter((id) => id.startsWith("probe/eu"))).toEqual(eu.map((o) => o.id));
    expect(seen.filter((id) => id.startsWith("probe/us"))).toEqual(us.map((o) => o.id));
    await until(() => sub.pending === 0);
    await bus.close();
  });

  it("shares one group's observations between its members, and a later member resumes after the acknowledged", async () => {
    const stream = uniqueName("TEST_OBS");
    const [a, b] = [await openBus(stream), await openBus(stream)];
    const got = { a: [] as number[], b: [] as number[] };
    const subA = a.consume("shared", async (batch) => {
      got.a.push(...batch.map((o) => o.latencyMs!));
    });
    b.consume("shared", async (batch) => {
      got.b.push(...batch.map((o) => o.latencyMs!));
    });
    for (let i = 0; i < 200; i++) await a.publish([observation(i)]);
    await until(() => got.a.length + got.b.length === 200);
    expect([...got.a, ...got.b].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    await subA.unsubscribe();
    await b.close();
    // Acknowledged is acknowledged: a new member of the group sees only what came after.
    await a.publish([observation(500)]);
    const later: number[] = [];
    a.consume("shared", async (batch) => {
      later.push(...batch.map((o) => o.latencyMs!));
    });
    await until(() => later.length === 1);
    expect(later).toEqual([500]);
    await a.close();
  });

  it("drops, and does not deliver, an observation published on another vantage's subject", async () => {
    const { stream, bus, errors } = await openWithErrors();
    const forged = { ...observation(7, "probe/us-east"), id: "forged" };
    bus.connection.publish(`test.${stream}.obs.probe/eu=2Ewest`, JSON.stringify(forged));
    await bus.publish([observation(8)]);
    const seen: string[] = [];
    bus.consume("g", async (batch) => {
      seen.push(...batch.map((o) => o.id));
    });
    await until(() => seen.length === 1);
    expect(seen).toEqual([observation(8).id]);
    expect(errors.join("\n")).toMatch(/another vantage's subject/);
    await bus.close();
  });

  it("drops observations from far in the future (issue 13), terminating a message left empty, and counts them", async () => {
    const { bus, errors } = await openWithErrors();
    const future = { ...observation(5), id: "future", at: Number.MAX_SAFE_INTEGER };
    await bus.publish([observation(1), future]);
    await bus.publish([{ ...future, id: "future-alone" }]);
    await bus.publish([observation(2)]);
    const seen: string[] = [];
    bus.consume("g", async (batch) => {
      seen.push(...batch.map((o) => o.id));
    });
    await until(() => seen.length >= 2 && bus.futureDropped === 2);
    expect(seen).toEqual([observation(1).id, observation(2).id]);
    expect(errors.join("\n")).toMatch(/dropped 1 observation .*ahead of the hub's clock/);
    await bus.close();
  });

  it("drops a whole batch when one of its observations is of another vantage; reads a lone observation as a batch of one", async () => {
    const { stream, bus, errors } = await openWithErrors();
    const forged = [observation(1), { ...observation(2, "probe/us-east"), id: "forged" }];
    bus.connection.publish(`test.${stream}.obs.probe/eu=2Ewest`, JSON.stringify(forged));
    // The format before batches: one observation object per message.
    bus.connection.publish(`test.${stream}.obs.probe/eu=2Ewest`, JSON.stringify(observation(3)));
    bus.connection.publish(`test.${stream}.obs.probe/eu=2Ewest`, "[]");
    await bus.publish([observation(4)]);
    const seen: string[] = [];
    bus.consume("g", async (batch) => {
      seen.push(...batch.map((o) => o.id));
    });
    await until(() => seen.length === 2);
    expect(seen).toEqual([observation(3).id, observation(4).id]);
    expect(errors.join("\n")).toMatch(/another vantage's subject/);
    expect(errors.join("\n")).toMatch(/an empty batch/);
    await bus.close();
  });

  it("refuses a batch holding an observation too big for a message, naming it", async () => {
    const bus = await openBus();
    const huge = { ...observation(1), detail: "x".repeat(2_000_000) } as Observation;
    await expect(bus.publish([huge])).rejects.toMatchObject({ code: "E_BUS_REFUSED" });
    await expect(bus.publish([huge])).rejects.toThrow(/probe\/eu.west:acme\/api#1:1 is \d+ bytes/);
    await bus.close();
  });
});
