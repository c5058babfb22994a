import { describe, expect, it } from "vitest";
import type { ChannelFilter } from "../src/notify/channel.js";
import { decide } from "../src/notify/notify-decision.js";
import type { AlertState } from "../src/store/store.js";
import { incidentFixture, OPENED_AT } from "./notify-fixtures.js";

const all: ChannelFilter = { events: ["opened", "changed", "resolved"], minConfidence: 0 };
const open = incidentFixture();
const state = (delivered: string, digest = "aws/us-east-1"): AlertState => ({
  incidentId: open.id,
  channel: "c",
  delivered,
  digest,
  at: OPENED_AT,
});
const moved = incidentFixture({
  epicenter: [{ component: "aws/us-east-1/dynamodb", confidence: 0.7 }],
  history: [
    ...open.history,
    { at: OPENED_AT + 1, epicenter: [{ component: "aws/us-east-1/dynamodb", confidence: 0.7 }] },
  ],
});
const resolved = incidentFixture({ resolvedAt: OPENED_AT + 3_600_000 });

describe("what a channel is told", () => {
  it("opens once", () => {
    expect(decide("opened", open, null, all)).toMatchObject({ send: true, event: "opened" });
    expect(decide("opened", open, state("opened"), all).send).toBe(false);
    expect(decide("opened", open, state("changed"), all).send).toBe(false);
  });

  it("sends a change only when the top epicenter moves, not when confidence wobbles", () => {
    const wobble = incidentFixture({ epicenter: [{ component: "aws/us-east-1", confidence: 0.61 }] });
    expect(decide("changed", wobble, state("opened"), all)).toMatchObject({
      send: false,
      reason: "same top epicenter",
    });
    expect(decide("changed", moved, state("opened"), all)).toMatchObject({ send: true, event: "changed" });
    expect(decide("changed", moved, state("changed", "aws/us-east-1/dynamodb"), all).send).toBe(false);
  });

  it("sends a late opening when the first one never arrived", () => {
    expect(decide("changed", moved, null, all)).toMatchObject({
      send: true,
      event: "opened",
      reason: "late opening",
    });
  });

  it("always resolves what was told or owed, never twice", () => {
    expect(decide("resolved", resolved, state("opened"), all)).toMatchObject({
      send: true,
      event: "resolved",
    });
    expect(decide("resolved", resolved, state("changed"), all).send).toBe(true);
    expect(decide("resolved", resolved, null, all)).toMatchObject({
      send: true,
      reason: "owed: the incident qualified",
    });
    expect(decide("resolved", resolved, state("resolved"), all).send).toBe(false);
  });

  it("announces a reopened incident again", () => {
    expect(decide("opened", open, state("resolved"), all)).toMatchObject({
      send: true,
      reason: "reopened after a resolve",
    });
  });

  it("honours minConfidence and the event filter", () => {
    const strict: ChannelFilter = { events: ["opened", "resolved"], minConfidence: 0.95 };
    expect(decide("opened", open, null, strict)).toMatchObject({
      send: false,
      reason: "below the channel's minConfidence",
    });
    expect(decide("resolved", resolved, null, strict)).toMatchObject({
      send: false,
      reason: "never qualified for this channel",
    });
    const noChanges: ChannelFilter = { events: ["opened", "resolved"], minConfidence: 0 };
    expect(decide("changed", moved, state("opened"), noChanges).send).toBe(false);
    const changesOnly: ChannelFilter = { events: ["changed"], minConfidence: 0 };
    expect(decide("changed", moved, null, changesOnly)).toMatchObject({ send: true, event: "changed" });
    expect(decide("resolved", resolved, state("changed"), changesOnly).send).toBe(false);
  });

  it("does not open what has already resolved", () => {
    expect(decide("opened", resolved, null, all)).toMatchObject({
      send: false,
      reason: "incident already resolved",
    });
  });
});
