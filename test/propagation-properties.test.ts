import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { compileGraph, type Graph } from "../src/model/graph.js";
import type { ComponentSpec, RequireItem } from "../src/model/model-types.js";
import { type FaultSet, Propagator, propagateAll } from "../src/model/propagate.js";
import { chainOf, WhatIf } from "../src/whatif/what-if.js";
import { modelArbitrary, modelWithFaults } from "./model-arbitrary.js";

const compile = (components: ComponentSpec[]) => compileGraph({ components }, { includeHidden: true });
const faultsOf = (states: number[]): FaultSet => ({ state: Uint8Array.from(states) });
/** States under `states` (a fault state per component). */
const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };
const statesOf = (g: Graph, states: number[]) => [...propagateAll(g, faultsOf(states))];
const atLeastAsBad = (worse: number[], better: number[]) => worse.every((s, i) => s >= better[i]!);

/** A model and a pair of fault assignments (0 none, 1 degraded, 2 down) for its components. */
const twoFaultSets = modelWithFaults().chain(({ components, faults }) =>
  fc.record({
    components: fc.constant(components),
    before: fc.constant(faults),
    after: fc.array(fc.constantFrom(0, 0, 1, 2), { minLength: faults.length, maxLength: faults.length }),
    spared: fc.array(fc.boolean(), { maxLength: 40 }),
  }),
);

describe("propagation properties (scenario.md, any model)", () => {
  // A failure is a down fault. A degraded fault is not monotone: rule 1 lets it mask a down dependency, so
  // degrading a component that was down makes it healthier. Background faults may be of either kind.
  /** Fault states with and without component x failed (x keeps a degraded fault it had). */
  const withAndWithout = (faults: number[], x: number) => {
    const without = [...faults];
    if (without[x] === 2) without[x] = 0;
    const failed = [...faults];
    failed[x] = 2;
    return { failed, without };
  };

  test.prop([modelWithFaults(), fc.nat()], RUNS)(
    "a failure never makes anything healthier",
    ({ components, faults }, pick) => {
      const g = compile(components);
      const { failed, without } = withAndWithout(faults, pick % g.size);
      expect(atLeastAsBad(statesOf(g, failed), statesOf(g, without))).toBe(true);
    },
  );

  test.prop([modelWithFaults(), fc.nat()], RUNS)(
    "removing a failure never makes anything sicker, incrementally too",
    ({ components, faults }, pick) => {
      const g = compile(components);
      const x = pick % g.size;
      const { failed, without } = withAndWithout(faults, x);
      const status = propagateAll(g, faultsOf(failed));
      const before = [...status];
      new Propagator(g).update(status, [x], faultsOf(without));
      expect(atLeastAsBad(before, [...status])).toBe(true);
      expect([...status]).toEqual(statesOf(g, without));
    },
  );

  it("a degraded fault is the exception: it can mask a down dependency (rule 1)", () => {
    const g = compile([
      { id: "a", kind: "x", observed: false, requires: [] },
      { id: "b", kind: "x", observed: false, requires: [{ type: "hard", id: "a", hidden: false }] },
    ]);
    expect(statesOf(g, [2, 0])).toEqual([2, 2]);
    expect(statesOf(g, [2, 1])).toEqual([2, 1]);
  });

  test.prop([modelWithFaults()], RUNS)(
    "anyOf of one member (and atLeast 1 of one) equals a hard dependency",
    ({ components, faults }) => {
      const asGroup = (kind: "anyOf" | "atLeast") =>
        components.map((c) => ({
          ...c,
          requires: c.requires.map(
            (item): RequireItem =>
              item.type !== "hard"
                ? item
                : kind === "anyOf"
                  ? { type: "anyOf", of: [item.id], hidden: false }
                  : { type: "atLeast", k: 1, of: [item.id], hidden: false },
          ),
        }));
      const expected = statesOf(compile(components), faults);
      expect(statesOf(compile(asGroup("anyOf")), faults)).toEqual(expected);
      expect(statesOf(compile(asGroup("atLeast")), faults)).toEqual(expected);
    },
  );

  test.prop([twoFaultSets], RUNS)(
    "Propagator.update from one fault set to another agrees with propagateAll, and undo restores",
    ({ components, before, after, spared }) => {
      const g = compile(components);
      // Partial impact: a fixed set of spared edges (scenario.md "Partial impact").
      const spare = (slot: number) => spared[slot % Math.max(1, spared.length)] ?? false;
      const from: FaultSet = { state: Uint8Array.from(before), spared: spare };
      const to: FaultSet = { state: Uint8Array.from(after), spared: spare };
      const status = propagateAll(g, from);
      const start = status.slice();
      // A changed fault changes what dependents see through spared edges even when its own state does not.
      const dirty = new Set<number>();
      for (let c = 0; c < g.size; c++) {
        if (before[c] === after[c]) continue;
        dirty.add(c);
        for (let d = g.depStart[c]!; d < g.depStart[c + 1]!; d++)
          dirty.add(g.itemOwner[g.slotItem[g.depSlots[d]!]!]!);
      }
      const journal: number[] = [];
      new Propagator(g).update(status, dirty, to, journal);
      expect([...status]).toEqual([...propagateAll(g, to)]);
      Propagator.undo(status, journal);
      expect([...status]).toEqual([...start]);
    },
  );

  test.prop([modelArbitrary(), fc.array(fc.nat(), { minLength: 1, maxLength: 4 })], RUNS)(
    "what-if agrees with propagateAll and every path is a chain of explaining dependencies",
    (components, picks) => {
      const g = compile(components);
      const failed = picks.map((p) => p % g.size);
      const engine = new WhatIf(g);
      engine.run([0]); // a run before must leave nothing behind
      const impact = engine.run(failed);
      const faults = new Array<number>(g.size).fill(0);
      for (const c of failed) faults[c] = 2;
      const truth = statesOf(g, faults);
      const got = new Array<number>(g.size).fill(0);
      impact.components.forEach((c, i) => {
        got[c] = impact.state[i]!;
      });
      expect(got).toEqual(truth);
      expect(new Set(impact.failed)).toEqual(new Set(failed));
      for (let i = 0; i < impact.components.length; i++) {
        const chain = chainOf(impact, i);
        expect(failed).toContain(chain[chain.length - 1]);
        for (let h = 0; h + 1 < chain.length; h++)
          expect(explains(g, truth, chain[h]!, chain[h + 1]!)).toBe(true);
      }
    },
  );
});

/** Whether dependency b explains a's state: a down hard dependency or a down member of a group left short for a down a; any impaired dependency for a degraded one. */
function explains(g: Graph, status: number[], a: number, b: number): boolean {
  if (status[b] === 0) return false;
  for (let i = g.itemStart[a]!; i < g.itemStart[a + 1]!; i++) {
    const members = [...g.members.subarray(g.memberStart[i]!, g.memberStart[i + 1]!)];
    if (!members.includes(b)) continue;
    if (status[a] === 1) return true;
    const type = g.itemType[i]!;
    if (type === 0 && status[b] === 2) return true;
    if (type >= 2 && status[b] === 2) {
      const notDown = members.filter((m) => status[m] !== 2).length;
      if (notDown < (type === 2 ? 1 : g.itemK[i]!)) return true;
    }
  }
  return false;
}
