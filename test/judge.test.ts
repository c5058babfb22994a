import { describe, expect, it } from "vitest";
import { episodeEnd, firstPlace, judge } from "../src/replay/judge.js";
import type { ReplayIncident } from "../src/replay/replay.js";
import { parseScenario } from "../src/simulate/scenario-load.js";
import { Truth } from "../src/simulate/truth.js";

const SCENARIO = `version: 1
name: judged
seed: 1
duration: 2h
interval: 30s
vantages: [probe/a, probe/b]
components:
  - { id: region }
  - { id: net, requires: [region] }
  - { id: site1, observed: true, requires: [net] }
  - { id: site2, observed: true, requires: [net, { id: hid, hidden: true }] }
  - { id: hid }
faults:
  - { component: net, at: 10m, for: 20m }
  - { component: hid, at: 60m, for: 10m }
expect:
  incidents:
    - { epicenter: net, accept: [region], within: 2m }
  maxIncidents: 2
`;

const scenario = parseScenario("j.yaml", SCENARIO);
const truth = new Truth(scenario);
const entry = (at: number, ...names: [string, number][]) => ({
  at,
  epicenter: names.map(([component, confidence]) => ({ component, confidence })),
});
const incident = (
  id: string,
  openedAt: number,
  resolvedAt: number | null,
  history: ReplayIncident["history"],
) => ({
  id,
  openedAt,
  resolvedAt,
  epicenter: history.at(-1)!.epicenter,
  affected: [],
  history,
});
const verdict = (incidents: ReplayIncident[]) =>
  judge(scenario, truth, { scenario: "judged", observations: 0, incidents });

describe("judge (scenario.md, How a replay is judged)", () => {
  it("first place: the members sharing the top confidence, nothing when more than 3", () => {
    expect(firstPlace(entry(0, ["a", 0.5], ["b", 0.5], ["c", 0.2]).epicenter)).toEqual(["a", "b"]);
    expect(firstPlace(entry(0, ["a", 0.2], ["b", 0.2], ["c", 0.2], ["d", 0.2]).epicenter)).toEqual([]);
  });

  it("passes a timely, right, resolved incident", () => {
    const v = verdict([incident("i1", 660, 1900, [entry(660, ["net", 0.9], ["region", 0.1])])]);
    expect(v.expected[0]).toMatchObject({ counts: true, detectedAt: 660 });
    expect(v.passed).toBe(true);
  });

  it("accepts an accepted answer, and counts detection from the first entry naming it", () => {
    const v = verdict([incident("i1", 630, 1900, [entry(630, ["site1", 0.6]), entry(700, ["region", 0.8])])]);
    expect(v.expected[0]).toMatchObject({ counts: true, detectedAt: 700 });
  });

  it("fails a late detection and a late resolution", () => {
    expect(verdict([incident("i1", 800, 1900, [entry(800, ["net", 0.9])])]).expected[0]?.counts).toBe(false);
    expect(verdict([incident("i1", 660, 1800 + 901, [entry(660, ["net", 0.9])])]).expected[0]?.counts).toBe(
      false,
    );
  });

  it("marks an incident false when it is right less than half its open time", () => {
    // Open 600..2400 naming net; net's fault ends at 1800: right 1200 of 1800 s.
    expect(verdict([incident("i1", 600, 2400, [entry(600, ["net", 0.9])])]).incidents[0]?.false).toBe(false);
    // Named wrongly most of the time.
    const wrong = verdict([
      incident("i1", 600, 1800, [entry(600, ["net", 0.9]), entry(700, ["site1", 0.9])]),
    ]);
    expect(wrong.incidents[0]?.false).toBe(true);
    expect(wrong.passed).toBe(false);
  });

  it("holds an unexplained component (impaired only through a hidden edge) right", () => {
    // site2 is down 60m..70m through its hidden dependency: blaming itself is right.
    const v = verdict([
      incident("i1", 660, 1900, [entry(660, ["net", 0.9])]),
      incident("i2", 3630, 4230, [entry(3630, ["site2", 0.9])]),
    ]);
    expect(v.incidents.map((i) => i.false)).toEqual([false, false]);
    // Blaming site1 then is not.
    const w = verdict([
      incident("i1", 660, 1900, [entry(660, ["net", 0.9])]),
      incident("i2", 3630, 4230, [entry(3630, ["site1", 0.9])]),
    ]);
    expect(w.incidents[1]?.false).toBe(true);
  });

  it("caps the number of incidents", () => {
    const three = [660, 3630, 5000].map((t, i) => incident(`i${i}`, t, t + 10, [entry(t, ["net", 0.9])]));
    expect(verdict(three).maxIncidents).toEqual({ limit: 2, actual: 3, ok: false });
  });

  it("merges faults on the same component that overlap or touch into one episode", () => {
    const f = (at: number, end: number) => ({
      index: 0,
      target: "component" as const,
      id: "x",
      at,
      end,
      state: "down" as const,
      impact: 1,
    });
    const faults = [f(0, 10), f(10, 20), f(15, 40), f(50, 60)];
    expect(episodeEnd(faults, faults[0]!)).toBe(40);
    expect(episodeEnd(faults, faults[3]!)).toBe(60);
  });
});
