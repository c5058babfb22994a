/**
 * Planned maintenance told to the localizer (Localizer.setMaintenance, fed by the hub's maintenance
 * windows): a component in maintenance is a known cause of what fails below it, so planned work is named as
 * such and not read as an outage of the provider above it. Each case has its control without maintenance,
 * where the provider is named.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Localizer } from "../src/localize/localizer.js";
import { compileGraph, type Graph } from "../src/model/graph.js";
import type { ComponentSpec } from "../src/model/model-types.js";

const VANTAGES = ["probe/a", "probe/b", "probe/c"];
const ROUND = 30_000;
const UP = 0;
const DOWN = 2;

/** A component requiring `requires` (hard, in the model). */
const comp = (id: string, kind: string, requires: string[], observed = false): ComponentSpec => ({
  id,
  kind,
  observed,
  requires: requires.map((r) => ({ type: "hard", id: r, hidden: false })),
});

/** A region with a network, six services on it and three on its disks; three more elsewhere. */
const components: ComponentSpec[] = [
  comp("cloud", "provider", []),
  comp("cloud/r1", "region", ["cloud"]),
  comp("cloud/r1/net", "cloud-service", ["cloud/r1"]),
  comp("cloud/r1/disk", "cloud-service", ["cloud/r1"]),
  comp("cloud/r2", "region", ["cloud"]),
  ...[0, 1, 2, 3, 4, 5].map((i) => comp(`a${i}`, "service", ["cloud/r1/net"], true)),
  ...[0, 1, 2].map((i) => comp(`d${i}`, "service", ["cloud/r1/disk"], true)),
  ...[0, 1, 2].map((i) => comp(`b${i}`, "service", ["cloud/r2"], true)),
];

const graph: Graph = compileGraph({ components }, { includeHidden: false });
const index = (id: string) => graph.index.get(id)!;

/**
 * Runs `rounds` rounds in which `failing` are down from round 2 on, from every vantage, with `maintenance`
 * told before every round; returns the causes of the incidents opened.
 */
function causes(failing: string[], maintenance: string[], rounds = 10) {
  const localizer = new Localizer({ graph, vantages: VANTAGES });
  const down = new Set(failing.map(index));
  const known = new Set(maintenance.map(index));
  for (let r = 0; r < rounds; r++) {
    localizer.setMaintenance(r >= 2 ? known : new Set());
    for (let c = 0; c < graph.size; c++) {
      if (!graph.observed[c]) continue;
      for (let v = 0; v < VANTAGES.length; v++)
        localizer.observe(r * ROUND, v, c, r >= 2 && down.has(c) ? DOWN : UP);
    }
    localizer.advance(r * ROUND + 1);
  }
  localizer.finish();
  return localizer.incidents.map((i) => i.epicenter[0]?.component);
}

const A = [0, 1, 2, 3, 4, 5].map((i) => `a${i}`);

describe("planned maintenance", () => {
  it("the control: six services failing at once below one network are an outage of the network", () => {
    expect(causes(A, [])).toEqual(["cloud/r1/net"]);
  });

  it("six services in maintenance failing at once are their own planned work, not the network's outage", () => {
    const named = causes(A, A);
    expect(named.length).toBeGreaterThan(0);
    for (const c of named) expect(A).toContain(c);
  });

  it("a provider component in maintenance is named for what fails below it, over its region", () => {
    // The disk's three dependents fail: the disk in maintenance is their cause, its region is not.
    const D = ["d0", "d1", "d2"];
    const localizer = new Localizer({ graph, vantages: VANTAGES });
    localizer.setMaintenance(new Set([index("cloud/r1/disk")]));
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < graph.size; c++)
        if (graph.observed[c])
          for (let v = 0; v < VANTAGES.length; v++)
            localizer.observe(r * ROUND, v, c, r >= 2 && D.includes(graph.ids[c]!) ? DOWN : UP);
      localizer.advance(r * ROUND + 1);
    }
    localizer.finish();
    const [incident] = localizer.incidents;
    expect(incident?.epicenter[0]?.component).toBe("cloud/r1/disk");
    expect(incident?.epicenter[0]?.confidence).toBeGreaterThan(0.99);
  });

  it("a real outage elsewhere during maintenance is still named", () => {
    expect(causes([...A, "b0", "b1", "b2"], A)).toContain("cloud/r2");
  });

  test.prop([fc.subarray(A, { minLength: 2 })], { numRuns: 20 })(
    "whatever part of the services is in maintenance, no incident blames the network above them when only those fail",
    (inMaintenance) => {
      const named = causes(inMaintenance, inMaintenance);
      expect(named).not.toContain("cloud/r1/net");
      expect(named).not.toContain("cloud/r1");
      expect(named).not.toContain("cloud");
    },
  );
});
