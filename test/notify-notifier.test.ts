/**
 * The notifier over the real SQLite store and real local receivers: retries, records, isolation between
 * channels, no per-symptom messages, and restarts that neither re-send nor forget.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeliveryOutcome } from "../src/notify/channel-delivery.js";
import { type ChannelConfig, notificationsSchema } from "../src/notify/channel-schema.js";
import { createChannels } from "../src/notify/channels/create-channel.js";
import { Notifier, type NotifierOptions } from "../src/notify/notifier.js";
import { openStore } from "../src/store/open-store.js";
import type { Store, StoredIncident } from "../src/store/store.js";
import { incidentFixture, OPENED_AT, type Receiver, type Reply, startReceiver } from "./notify-fixtures.js";

const FAST = { firstMs: 1, maxMs: 4, attempts: 3, timeoutMs: 60_000 };

let dir: string;
let store: Store | undefined;
const receivers: Receiver[] = [];
const notifiers: Notifier[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-notify-"));
});
afterEach(async () => {
  for (const n of notifiers.splice(0)) await n.drain(0);
  for (const r of receivers.splice(0)) await r.close();
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<Store> {
  store = await openStore({ dataDir: dir, env: {} });
  return store;
}

async function receiver(replies?: (n: number) => Reply): Promise<Receiver> {
  const r = await startReceiver(replies);
  receivers.push(r);
  return r;
}

function channels(list: Record<string, unknown>[]) {
  return createChannels(notificationsSchema({}).parse(list) as ChannelConfig[]);
}

function notifier(
  options: Omit<NotifierOptions, "backoff"> & Partial<Pick<NotifierOptions, "backoff">>,
): Notifier {
  const n = new Notifier({ backoff: FAST, ...options });
  notifiers.push(n);
  return n;
}

const hook = (name: string, r: Receiver) => ({ name, type: "webhook", url: r.url, secret: "k" });
const resolvedAt = OPENED_AT + 7 * 3_600_000;

describe("notifier", () => {
  it("delivers to every channel, records each attempt and the alert state", async () => {
    const log = await open();
    const [a, b] = [await receiver(), await receiver()];
    const n = notifier({ channels: channels([hook("a", a), { name: "b", type: "slack", url: b.url }]), log });
    const outcomes = await n.notify({ type: "opened", incident: incidentFixture() });
    expect(outcomes.map((o) => [o.channel, o.delivered])).toEqual([
      ["a", true],
      ["b", true],
    ]);
    const deliveries = await log.listDeliveries("inc-1");
    expect(deliveries.map((d) => [d.channel, d.event, d.attempt, d.ok]).sort()).toEqual([
      ["a", "opened", 1, true],
      ["b", "opened", 1, true],
    ]);
    expect(await log.getAlertState("inc-1", "a")).toMatchObject({
      delivered: "opened",
      digest: "aws/us-east-1",
    });
  });

  it("retries a failing channel with backoff and records every attempt", async () => {
    const log = await open();
    const flaky = await receiver((i) => (i === 0 ? 500 : 200));
    const n = notifier({ channels: channels([hook("flaky", flaky)]), log });
    const [outcome] = await n.notify({ type: "opened", incident: incidentFixture() });
    expect(outcome).toMatchObject({ delivered: true, attempts: 2 });
    const attempts = (await log.listDeliveries("inc-1")).sort((x, y) => x.attempt - y.attempt);
    expect(attempts.map((d) => [d.attempt, d.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(attempts[0]!.detail).toBe("HTTP 500: try later");
    expect(flaky.received).toHaveLength(2);
  });

  it("gives up after the last attempt with nothing marked delivered, and still delivers the owed resolve", async () => {
    const log = await open();
    const down = await receiver((i) => (i < 3 ? 503 : 200));
    const n = notifier({ channels: channels([hook("down", down)]), log });
    const [opened] = await n.notify({ type: "opened", incident: incidentFixture() });
    expect(opened).toMatchObject({ delivered: false, attempts: 3 });
    expect(opened!.reason).toMatch(/^gave up after 3 attempts: HTTP 503/);
    expect((await log.getAlertState("inc-1", "down"))?.delivered).toBe("none");
    const [resolved] = await n.notify({ type: "resolved", incident: incidentFixture({ resolvedAt }) });
    expect(resolved).toMatchObject({
      event: "resolved",
      delivered: true,
      reason: "owed: the incident qualified",
    });
    expect(JSON.parse(down.received[3]!.body).event).toBe("resolved");
  });

  it("claims an opening before sending it, so a process killed right after the send never repeats it", async () => {
    const log = await open();
    const order: string[] = [];
    const watched = await receiver(() => {
      order.push("sent");
      return 200;
    });
    const n = notifier({
      channels: channels([hook("watched", watched)]),
      log: {
        recordDelivery: (d) => log.recordDelivery(d),
        getAlertState: (i, c) => log.getAlertState(i, c),
        setAlertState: (state) => {
          order.push(`state ${state.delivered}`);
          return log.setAlertState(state);
        },
        listUnresolvedAlertStates: () => log.listUnresolvedAlertStates(),
        getIncident: (id) => log.getIncident(id),
      },
    });
    const [opened] = await n.notify({ type: "opened", incident: incidentFixture() });
    expect(opened).toMatchObject({ delivered: true });
    expect(order[0]).toBe("state opened");
    expect(order.indexOf("sent")).toBeGreaterThan(0);
    // A notifier starting over the same store (the next replica) sends no second opening.
    const next = notifier({ channels: channels([hook("watched", watched)]), log });
    const [again] = await next.notify({ type: "opened", incident: incidentFixture() });
    expect(again).toMatchObject({ sent: false, reason: "already announced" });
    expect(watched.received).toHaveLength(1);
  });

  it("does not let a hanging channel delay another", async () => {
    const log = await open();
    const hanging = await receiver(() => "hang");
    const quick = await receiver();
    const settled: DeliveryOutcome[] = [];
    let quickDone: (o: DeliveryOutcome) => void = () => {};
    const quickOutcome = new Promise<DeliveryOutcome>((resolve) => {
      quickDone = resolve;
    });
    const n = notifier({
      channels: channels([hook("hanging", hanging), hook("quick", quick)]),
      log,
      onOutcome: (o) => {
        settled.push(o);
        if (o.channel === "quick") quickDone(o);
      },
    });
    const all = n.notify({ type: "opened", incident: incidentFixture() });
    await hanging.waitFor(1);
    expect(await quickOutcome).toMatchObject({ delivered: true });
    expect(settled.map((o) => o.channel)).toEqual(["quick"]);
    // Shutdown abandons the hanging attempt, records it, and the opening stays owed.
    expect(await n.drain(0)).toBe(false);
    const outcomes = await all;
    expect(outcomes[0]).toMatchObject({ channel: "hanging", delivered: false });
    expect(outcomes[0]!.reason).toMatch(/^shut down/);
    const failed = (await log.listDeliveries("inc-1")).find((d) => d.channel === "hanging");
    expect(failed).toMatchObject({ ok: false, attempt: 1 });
  });

  it("sends one message per epicenter, not one per symptom or confidence wobble", async () => {
    const log = await open();
    const r = await receiver();
    const n = notifier({ channels: channels([{ name: "s", type: "slack", url: r.url }]), log });
    const inc = incidentFixture();
    await n.notify({ type: "opened", incident: inc });
    for (const [confidence, more] of [
      [0.88, 1],
      [0.95, 2],
      [0.91, 3],
    ] as const) {
      const wobble: StoredIncident = {
        ...inc,
        epicenter: [{ component: "aws/us-east-1", confidence }],
        affected: [...inc.affected, ...Array.from({ length: more }, (_, i) => `acme/late-${i}`)],
      };
      const [o] = await n.notify({ type: "changed", incident: wobble });
      expect(o).toMatchObject({ sent: false, reason: "same top epicenter" });
    }
    const movedTop = [{ component: "aws/us-east-1/dynamodb", confidence: 0.9 }];
    const moved = {
      ...inc,
      epicenter: movedTop,
      history: [...inc.history, { at: OPENED_AT + 1, epicenter: movedTop }],
    };
    await n.notify({ type: "changed", incident: moved });
    await n.notify({ type: "resolved", incident: { ...moved, resolvedAt } });
    await n.notify({ type: "resolved", incident: { ...moved, resolvedAt } });
    const texts = r.received.map((x) => JSON.parse(x.body).text as string);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toMatch(/^\*aws\/us-east-1 likely failing/);
    expect(texts[1]).toMatch(/^\*Epicenter changed: aws\/us-east-1\/dynamodb/);
    expect(texts[2]).toMatch(/^\*Resolved: aws\/us-east-1\/dynamodb, after 7 h\*/);
  });

  it("after a restart neither re-sends the opening nor forgets the resolve it owes", async () => {
    const r = await receiver();
    const config = [hook("a", r), { name: "b", type: "ntfy", url: `${r.url}/topic` }];
    const inc = incidentFixture();
    let log = await open();
    await log.saveIncident(inc);
    const first = notifier({ channels: channels(config), log });
    await first.notify({ type: "opened", incident: inc });
    expect(await first.drain(1000)).toBe(true);
    expect(r.received).toHaveLength(2);
    // The hub resolves the incident, then dies before the notifier could say so.
    await log.saveIncident({ ...inc, resolvedAt, updatedAt: resolvedAt });
    await log.close();

    log = await open();
    const second = notifier({ channels: channels(config), log });
    const replayed = await second.notify({ type: "opened", incident: inc });
    expect(replayed.map((o) => o.reason)).toEqual(["already announced", "already announced"]);
    const owed = await second.resume();
    expect(owed.map((o) => [o.channel, o.event, o.delivered]).sort()).toEqual([
      ["a", "resolved", true],
      ["b", "resolved", true],
    ]);
    expect(await second.resume()).toEqual([]);
    expect(r.received).toHaveLength(4);
    const [hookResolve] = r.received.slice(2).filter((x) => x.path === "/");
    expect(JSON.parse(hookResolve!.body)).toMatchObject({ event: "resolved", incident: { resolvedAt } });
    expect(r.received.slice(2).find((x) => x.path === "/topic")?.headers.tags).toBe("white_check_mark");
    expect(await log.listUnresolvedAlertStates()).toEqual([]);
  });
});
