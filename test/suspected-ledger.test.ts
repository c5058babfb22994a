import { describe, expect, it } from "vitest";
import { SuspectedLedger } from "../src/hub/suspected-ledger.js";
import type { SuspectedEvidence } from "../src/localize/suspected-dependencies.js";

const e = (incident: string, lastSeen: number, recovered: boolean | null = null): SuspectedEvidence => ({
  component: "blog/www",
  cause: "cloud/r1",
  incident,
  firstSeen: 100,
  lastSeen,
  recovered,
});

describe("the hub's suspected ledger", () => {
  it("saves only news, maps local incident ids, and waits for an incident not yet stored", () => {
    const ledger = new SuspectedLedger();
    ledger.load([e("S-old", 50, true)]);
    expect(ledger.drain()).toEqual([]);
    const ids = new Map([["inc-1", "S-1"]]);
    expect(ledger.take([e("inc-1", 200), e("inc-2", 200)], (id) => ids.get(id))).toBe(1);
    expect(ledger.drain()).toEqual([e("S-1", 200)]);
    // Told again unchanged: nothing to save; the second incident once it is stored.
    ids.set("inc-2", "S-2");
    expect(ledger.take([e("inc-1", 200), e("inc-2", 200)], (id) => ids.get(id))).toBe(1);
    expect(ledger.drain()).toEqual([e("S-2", 200)]);
    // Seen first at the same time: by id.
    expect(ledger.list()[0]).toMatchObject({ incidents: ["S-1", "S-2", "S-old"], onsets: 3, recoveries: 1 });
  });

  it("keeps rows whose save failed for the next drain, with the newest account", () => {
    const ledger = new SuspectedLedger();
    const ids = (id: string) => `S-${id}`;
    ledger.take([e("1", 200)], ids);
    const failed = ledger.drain();
    ledger.take([e("1", 300, true)], ids);
    ledger.unsaved(failed);
    expect(ledger.drain()).toEqual([e("S-1", 300, true)]);
    ledger.unsaved([e("S-1", 300, true)]);
    expect(ledger.drain()).toEqual([e("S-1", 300, true)]);
    expect(ledger.drain()).toEqual([]);
  });
});
