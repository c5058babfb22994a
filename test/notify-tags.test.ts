/**
 * Channels with `tags:` take only incidents whose named cause or affected components carry one of them: the
 * pure decision (a fast-check property over any tags), the config's errors, and a real notifier delivering to
 * two local webhook receivers over SQLite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/config-load.js";
import { SourceError } from "../src/model/model-errors.js";
import type { ChannelFilter } from "../src/notify/channel.js";
import type { ChannelConfig } from "../src/notify/channel-schema.js";
import { notificationsSchema } from "../src/notify/channel-schema.js";
import { createChannels } from "../src/notify/channels/create-channel.js";
import { Notifier } from "../src/notify/notifier.js";
import { carriesTags, decide } from "../src/notify/notify-decision.js";
import { openStore } from "../src/store/open-store.js";
import type { AlertState, Store } from "../src/store/store.js";
import { incidentFixture, OPENED_AT, type Receiver, startReceiver } from "./notify-fixtures.js";

const TAGS: Record<string, string[]> = {
  "acme/service-03": ["team-pay"],
  "aws/us-east-1": ["cloud"],
  "acme/other": ["team-web"],
};
const tagsOf = (id: string) => TAGS[id];
const pay: ChannelFilter = {
  events: ["opened", "changed", "resolved"],
  minConfidence: 0,
  tags: ["team-pay"],
};
const web: ChannelFilter = { ...pay, tags: ["team-web"] };
const open = incidentFixture(); // affects acme/service-01..14, named cause aws/us-east-1
const told = (delivered: string): AlertState => ({
  incidentId: open.id,
  channel: "c",
  delivered,
  digest: "aws/us-east-1",
  at: OPENED_AT,
});

describe("a channel's tags", () => {
  it("let through an incident whose affected component or named cause carries one, and no other", () => {
    expect(decide("opened", open, null, pay, tagsOf)).toMatchObject({ send: true, event: "opened" });
    expect(decide("opened", open, null, { ...pay, tags: ["cloud"] }, tagsOf).send).toBe(true);
    expect(decide("opened", open, null, web, tagsOf)).toMatchObject({
      send: false,
      reason: "no component it names or affects carries the channel's tags",
    });
    // Without tags a channel takes every incident, tagged components or not.
    expect(
      decide("opened", open, null, { ...web, tags: undefined } as ChannelFilter, () => undefined).send,
    ).toBe(true);
  });

  it("once told, hears the resolve; never told, is owed nothing", () => {
    const resolved = incidentFixture({ resolvedAt: OPENED_AT + 3_600_000 });
    expect(decide("resolved", resolved, told("opened"), web, tagsOf).send).toBe(true);
    expect(decide("resolved", resolved, null, web, tagsOf).send).toBe(false);
    expect(decide("resolved", resolved, null, pay, tagsOf).send).toBe(true);
  });

  test.prop([
    fc.array(fc.stringMatching(/^[a-z]{1,3}$/), { minLength: 1, maxLength: 4 }),
    fc.dictionary(fc.stringMatching(/^acme\/service-0[1-9]$/), fc.array(fc.stringMatching(/^[a-z]{1,3}$/))),
  ])("match exactly when some component the incident names or affects has one of them", (tags, byId) => {
    const filter = { ...pay, tags };
    const expected = [...open.affected, "aws/us-east-1", "aws/us-east-1/ec2"].some((id) =>
      (byId[id] ?? []).some((t) => tags.includes(t)),
    );
    expect(carriesTags(open, filter, (id) => byId[id])).toBe(expected);
    expect(decide("opened", open, null, filter, (id) => byId[id]).send).toBe(expected);
  });

  it("are checked in epicenter.yaml with file, line and key", () => {
    const yaml = (tags: string) =>
      `catalog: false\ncomponents:\n  - { id: acme/api }\nnotifications:\n  - { name: pay, type: webhook, url: "https://hooks.example/x", secret: k, tags: ${tags} }\n`;
    expect(parseConfig("epicenter.yaml", yaml("[team-pay]")).notifications[0]).toMatchObject({
      tags: ["team-pay"],
    });
    const error = (() => {
      try {
        parseConfig("epicenter.yaml", yaml('["no spaces"]'));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(
      /^epicenter\.yaml:5 notifications\[0\]\.tags\[0\]: invalid tag "no spaces"/,
    );
    expect(() => parseConfig("epicenter.yaml", yaml("[]"))).toThrow(/notifications\[0\]\.tags/);
  });
});

describe("a notifier with tagged channels", () => {
  let dir: string;
  let store: Store;
  const receivers: Receiver[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "epicenter-notify-tags-"));
    store = await openStore({ dataDir: dir, env: {} });
  });
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers to the channel whose tag an affected component carries, and skips the other", async () => {
    const [a, b] = [await startReceiver(), await startReceiver()];
    receivers.push(a, b);
    const channels = createChannels(
      notificationsSchema({}).parse([
        { name: "pay", type: "webhook", url: a.url, secret: "k", tags: ["team-pay"] },
        { name: "web", type: "webhook", url: b.url, secret: "k", tags: ["team-web"] },
      ]) as ChannelConfig[],
    );
    const n = new Notifier({
      channels,
      log: store,
      componentTags: tagsOf,
      backoff: { firstMs: 1, maxMs: 4, attempts: 2, timeoutMs: 10_000 },
    });
    const outcomes = await n.notify({ type: "opened", incident: open });
    expect(outcomes.map((o) => [o.channel, o.delivered])).toEqual([
      ["pay", true],
      ["web", false],
    ]);
    expect(a.received).toHaveLength(1);
    expect(JSON.parse(a.received[0]!.body)).toMatchObject({ event: "opened" });
    expect(b.received).toHaveLength(0);
    // The affected list grows to a team-web service: now that channel is told (a late opening).
    const grown = { ...open, affected: [...open.affected, "acme/other"] };
    const later = await n.notify({ type: "changed", incident: grown });
    expect(later.find((o) => o.channel === "web")).toMatchObject({ delivered: true, event: "opened" });
    await n.drain(1000);
  });
});
