import { describe, expect, it } from "vitest";
import { IncidentLedger } from "../src/hub/incident-ledger.js";
import { LiveRounds } from "../src/hub/live-rounds.js";
import type { IncidentEvent } from "../src/localize/incident-tracker.js";
import { compileGraph } from "../src/model/graph.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import type { Observation } from "../src/model/observation.js";

const comp = (id: string, requires: string[] = [], observed = false): ComponentSpec => ({
  id,
  kind: observed ? "service" : "region",
  observed,
  requires: requires.map((r) => ({ type: "hard", id: r, hidden: false })),
});

const services = ["shop/a", "shop/b", "shop/c", "shop/d"];
const model = {
  components: [
    comp("cloud/r1"),
    comp("cloud/r2"),
    ...services.map((s, i) => comp(s, [i < 3 ? "cloud/r1" : "cloud/r2"], true)),
  ],
};
const vantages = ["vantage/x", "vantage/y"];
const T0 = 1_800_000_000_000;
const ROUND = 10_000;

function obs(at: number, vantage: string, component: string, status: Observation["status"]): Observation {
  return {
    id: `${vantage}:${component}:${at}`,
    at,
    vantage,
    component,
    check: `${component}#1`,
    status,
    latencyMs: 5,
    errorClass: null,
  };
}

function world(): { rounds: LiveRounds; events: IncidentEvent[] } {
  const events: IncidentEvent[] = [];
  const rounds = new LiveRounds(
    { graph: compileGraph(model, { includeHidden: false }), vantages },
    { roundMs: ROUND, graceMs: 2000, onEvent: (e) => events.push(e) },
  );
  return { rounds, events };
}

/** One round: every vantage checks every service a little after the round starts. */
function feed(
  rounds: LiveRounds,
  k: number,
  status: (service: string, vantage: string) => Observation["status"],
): void {
  for (const v of vantages)
    for (const s of services) rounds.add(obs(T0 + k * ROUND + 3000, v, s, status(s, v)));
  rounds.tick(T0 + (k + 1) * ROUND + 2500);
}

describe("live rounds", () => {
  it("names the shared region when its services fail, and resolves when they recover", () => {
    const { rounds, events } = world();
    for (let k = 0; k < 4; k++) feed(rounds, k, () => "up");
    expect(events).toEqual([]);
    for (let k = 4; k < 10; k++) feed(rounds, k, (s) => (s === "shop/d" ? "up" : "down"));
    const opened = events.find((e) => e.type === "opened");
    expect(opened?.incident.epicenter[0]?.component).toBe("cloud/r1");
    expect(opened?.incident.openedAt).toBeGreaterThanOrEqual(T0 + 4 * ROUND);
    expect(opened?.incident.openedAt).toBeLessThan(T0 + 8 * ROUND);
    for (let k = 10; k < 18; k++) feed(rounds, k, () => "up");
    expect(events.at(-1)?.type).toBe("resolved");
    expect(rounds.evaluations).toBe(18);
  });

  it("counts a late observation in its own round while the grace lasts, in the open round after", () => {
    const { rounds } = world();
    rounds.add(obs(T0 + 9000, "vantage/x", "shop/a", "up"));
    expect(rounds.tick(T0 + 11_000)).toBe(0); // within grace of round 0's end
    rounds.add(obs(T0 + 9500, "vantage/y", "shop/a", "up")); // late but in grace: still round 0
    expect(rounds.tick(T0 + 12_000)).toBe(1);
    expect(rounds.localizer.observations).toBe(2);
    rounds.add(obs(T0 + 9800, "vantage/y", "shop/b", "up")); // round 0 closed: joins round 1
    expect(rounds.tick(T0 + 22_000)).toBe(1);
    expect(rounds.localizer.observations).toBe(3);
  });

  it("keeps a round's newest observation of a check by its own time: a late, older failure does not overwrite it", () => {
    const { rounds, events } = world();
    for (let k = 0; k < 10; k++) {
      const at = T0 + k * ROUND;
      for (const v of vantages) for (const s of services) rounds.add(obs(at + 3000, v, s, "up"));
      // Each round, the previous round's timeouts of the region's services arrive after the newer answers
      // (checks started before a recovery, answering late): their round has closed, so they join this one.
      if (k > 0)
        for (const v of vantages)
          for (const s of services.slice(0, 3)) rounds.add(obs(at - ROUND + 9000, v, s, "down"));
      rounds.tick(at + ROUND + 2500);
    }
    expect(events).toEqual([]);
  });

  it("closes a round as soon as it has ended with every answer the last rounds held, else after the grace", () => {
    const { rounds } = world();
    const fill = (k: number, skip = 0) => {
      const keys = vantages.flatMap((v) => services.map((s) => [v, s] as const)).slice(skip);
      for (const [v, s] of keys) rounds.add(obs(T0 + k * ROUND + 3000, v, s, "up"));
    };
    // Nothing to expect yet: the first round waits out its grace.
    fill(0);
    expect(rounds.ready(T0 + ROUND)).toBe(false);
    expect(rounds.tick(T0 + ROUND + 1000)).toBe(0);
    expect(rounds.tick(T0 + ROUND + 2000)).toBe(1);
    // Full: closed at its end.
    fill(1);
    expect(rounds.ready(T0 + ROUND + 5000)).toBe(false); // not ended yet
    expect(rounds.ready(T0 + 2 * ROUND)).toBe(true);
    expect(rounds.tick(T0 + 2 * ROUND)).toBe(1);
    // One answer missing (a check still waiting for its timeout): the grace again.
    fill(2, 1);
    expect(rounds.tick(T0 + 3 * ROUND + 1000)).toBe(0);
    // The missing answer arrives in the grace and counts in its own round, which is now complete.
    rounds.add(obs(T0 + 2 * ROUND + 9000, vantages[0]!, services[0]!, "down"));
    expect(rounds.tick(T0 + 3 * ROUND + 1100)).toBe(1);
    expect(rounds.evaluations).toBe(3);
    // A late answer for a round already evaluated joins the open one (here completing it).
    rounds.add(obs(T0 + 2 * ROUND + 9500, vantages[0]!, services[0]!, "down"));
    fill(3, 1);
    expect(rounds.tick(T0 + 4 * ROUND)).toBe(1);
    expect(rounds.evaluations).toBe(4);
  });

  it("ignores what the model does not know and takes a vantage's own health", () => {
    const { rounds, events } = world();
    expect(rounds.add(obs(T0, "vantage/z", "shop/a", "up"))).toBe(false);
    expect(rounds.add(obs(T0, "vantage/x", "shop/zzz", "up"))).toBe(false);
    for (let k = 0; k < 6; k++) {
      rounds.add(obs(T0 + k * ROUND + 1000, "vantage/y", "vantage/y", "down"));
      feed(rounds, k, (_s, v) => (v === "vantage/y" ? "down" : "up"));
    }
    const opened = events.find((e) => e.type === "opened");
    expect(opened?.incident.vantage).toBe(true);
    expect(opened?.incident.epicenter[0]?.component).toBe("vantage/y");
    expect(events.some((e) => !e.incident.vantage)).toBe(false);
  });
});

describe("a lone vantage", () => {
  it("whose every check fails is taken for blind, unless its anchors say it sees the world", () => {
    const run = (anchors: Observation["status"] | null) => {
      const events: IncidentEvent[] = [];
      const rounds = new LiveRounds(
        { graph: compileGraph(model, { includeHidden: false }), vantages: ["vantage/x"] },
        { roundMs: ROUND, graceMs: 2000, onEvent: (e) => events.push(e) },
      );
      for (let k = 0; k < 8; k++) {
        if (anchors) rounds.add(obs(T0 + k * ROUND + 500, "vantage/x", "vantage/x", anchors));
        for (const s of services)
          rounds.add(obs(T0 + k * ROUND + 3000, "vantage/x", s, k < 2 ? "up" : "down"));
        rounds.tick(T0 + (k + 1) * ROUND + 2500);
      }
      return events.filter((e) => e.type === "opened").map((e) => e.incident.epicenter[0]?.component);
    };
    expect(run(null)).toEqual(["vantage/x"]);
    expect(run("up")).not.toContain("vantage/x");
    expect(run("up").length).toBeGreaterThan(0);
  });
});

describe("incident ledger", () => {
  const local = (id: string, top: string, resolvedAt: number | null = null) => ({
    id,
    openedAt: T0,
    resolvedAt,
    epicenter: [{ component: top, confidence: 0.9 }],
    affected: ["shop/a"],
    history: [{ at: T0, epicenter: [{ component: top, confidence: 0.9 }] }],
    vantage: false,
  });

  it("gives new incidents ids of their own and keeps them through changes", () => {
    let n = 0;
    const ledger = new IncidentLedger(() => `id-${++n}`);
    ledger.begin([], T0);
    const a = ledger.apply({ type: "opened", incident: local("inc-1", "cloud/r1") }, T0);
    const b = ledger.apply({ type: "changed", incident: local("inc-1", "cloud/r2") }, T0 + 1);
    expect(a.incident.id).toBe("id-1");
    expect(b.incident.id).toBe("id-1");
    expect(ledger.open.map((i) => i.id)).toEqual(["id-1"]);
    ledger.apply({ type: "resolved", incident: local("inc-1", "cloud/r2", T0 + 5) }, T0 + 5);
    expect(ledger.open).toEqual([]);
  });

  it("lets a restarted localizer adopt the open incident naming the same epicenter, and resolves the rest", () => {
    const ledger = new IncidentLedger(() => "fresh");
    const earlier = (id: string, top: string) => ({
      id,
      openedAt: T0 - 60_000,
      resolvedAt: null,
      epicenter: [{ component: top, confidence: 0.8 }],
      affected: ["shop/b"],
      history: [{ at: T0 - 60_000, epicenter: [{ component: top, confidence: 0.8 }] }],
      vantage: false,
      acknowledgedAt: T0 - 30_000,
      acknowledgedBy: "ops",
      updatedAt: T0 - 30_000,
    });
    ledger.begin([earlier("old-1", "cloud/r1"), earlier("old-2", "cloud/r2")], T0 + 60_000);
    const e = ledger.apply({ type: "opened", incident: local("inc-1", "cloud/r1") }, T0 + 20_000);
    expect(e.type).toBe("changed");
    expect(e.incident.id).toBe("old-1");
    expect(e.incident.openedAt).toBe(T0 - 60_000);
    expect(e.incident.acknowledgedBy).toBe("ops");
    expect(e.incident.history).toHaveLength(2);
    expect(e.incident.affected).toEqual(["shop/a", "shop/b"]);
    expect(ledger.expire(T0 + 30_000)).toEqual([]);
    const expired = ledger.expire(T0 + 60_000);
    expect(expired.map((x) => [x.type, x.incident.id, x.incident.resolvedAt])).toEqual([
      ["resolved", "old-2", T0 + 60_000],
    ]);
    expect(ledger.open.map((i) => i.id)).toEqual(["old-1"]);
  });
});
