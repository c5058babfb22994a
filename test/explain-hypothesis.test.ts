import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { EvidenceCosts } from "../src/localize/explain-types.js";
import { type Choice, type FaultPrices, Hypothesis } from "../src/localize/hypothesis.js";
import { compileGraph, type Graph } from "../src/model/graph.js";
import type { ComponentSpec, RequireItem } from "../src/model/model-types.js";
import { DOWN, propagateAll } from "../src/model/propagate.js";

/** Prices with a fixed fault prior and a fixed spare cost (0: a persisting fault's free spares). */
function prices(prior: number, spare: number): FaultPrices {
  return { prior: () => prior, spareCost: () => spare, recoveryDiscount: () => 0, reached: () => false };
}

function evidenceFor(g: Graph, costs: (id: string) => [number, number, number]): EvidenceCosts {
  const observedAt = new Int32Array(g.size).fill(-1);
  let k = 0;
  for (let c = 0; c < g.size; c++) if (g.observed[c]) observedAt[c] = k++;
  const cost = new Float64Array(3 * k);
  for (let c = 0; c < g.size; c++) {
    const o = observedAt[c]!;
    if (o >= 0) cost.set(costs(g.ids[c]!), 3 * o);
  }
  return { observedAt, cost };
}

/** What the evidence costs in total when `choices` are the faults, propagated from scratch. */
function evidenceCost(g: Graph, evidence: EvidenceCosts, choices: Choice[]): number {
  const state = new Uint8Array(g.size);
  const spared = new Uint8Array(g.members.length);
  for (const ch of choices) {
    state[ch.component] = ch.state;
    for (let d = g.depStart[ch.component]!; d < g.depStart[ch.component + 1]!; d++)
      spared[g.depSlots[d]!] = 1;
    for (const s of ch.struck) spared[s] = 0;
  }
  const status = propagateAll(g, { state, spared: (slot) => spared[slot] === 1 });
  let total = 0;
  for (let c = 0; c < g.size; c++) {
    const o = evidence.observedAt[c]!;
    if (o >= 0) total += evidence.cost[3 * o + status[c]!]!;
  }
  return total;
}

describe("explanation trials (hypothesis.ts)", () => {
  // r ← saas (observed) ← t0 (observed, soft); r ← u0 (observed). The evidence: saas and u0 down, t0 degraded.
  const g = compileGraph(
    {
      components: [
        { id: "r", kind: "region", observed: false, requires: [] },
        { id: "saas", kind: "saas", observed: true, requires: [{ type: "hard", id: "r", hidden: false }] },
        {
          id: "t0",
          kind: "service",
          observed: true,
          requires: [{ type: "soft", id: "saas", hidden: false }],
        },
        { id: "u0", kind: "service", observed: true, requires: [{ type: "hard", id: "r", hidden: false }] },
      ],
    },
    { includeHidden: false },
  );
  const evidence = evidenceFor(g, (id) => (id === "t0" ? [20, 0, 10] : [20, 10, 0]));
  const r = g.index.get("r")!;
  const saas = g.index.get("saas")!;

  it("prices a fault that the committed ones already cover at its prior alone, even when its spares are free", () => {
    // The victim named first (saas), then its cause (r): saas no longer explains anything r does not. With free
    // spares (a persisting fault), its trial was priced from dependents left in a state that never held.
    for (const spare of [0, 2]) {
      const h = new Hypothesis(g, prices(2, spare));
      h.setRelevant([...Array(g.size).keys()]);
      const victim = h.trial(evidence, saas, DOWN);
      h.commit(victim);
      const cause = h.trial(evidence, r, DOWN);
      h.commit(cause);
      h.retract(victim);
      expect(h.statusOf(saas)).toBe(DOWN);
      expect(h.trial(evidence, saas, DOWN).cost).toBeCloseTo(2, 9);
    }
  });

  it("counts the evidence an edge outside the candidates changes when a fault already impaired spares it", () => {
    // a ← c ← o (observed, looking up). With a committed, c is already down; a trial of c spares its edge to o
    // (o is outside the candidates), so o is predicted up again: that gain belongs to the trial.
    const chain = compileGraph(
      {
        components: [
          { id: "a", kind: "x", observed: false, requires: [] },
          { id: "c", kind: "x", observed: false, requires: [{ type: "hard", id: "a", hidden: false }] },
          { id: "o", kind: "x", observed: true, requires: [{ type: "hard", id: "c", hidden: false }] },
        ],
      },
      { includeHidden: false },
    );
    const ev = evidenceFor(chain, () => [0, 5, 1]);
    const h = new Hypothesis(chain, prices(3, 2));
    h.setRelevant([0, 1, 2]);
    h.commit(h.trial(ev, 0, DOWN));
    expect(h.statusOf(2)).toBe(DOWN);
    h.setRelevant([0, 1]);
    // prior 3 + spared edge 2 + o from down (1) to up (0).
    expect(h.trial(ev, 1, DOWN).cost).toBeCloseTo(4, 9);
  });

  const specs = fc
    .array(
      fc.record({
        observed: fc.boolean(),
        deps: fc.array(fc.record({ to: fc.nat(), kind: fc.constantFrom("hard", "soft", "anyOf") }), {
          maxLength: 3,
        }),
      }),
      { minLength: 2, maxLength: 9 },
    )
    .map((rows) =>
      rows.map((row, i): ComponentSpec => {
        const below = (to: number) => `c${to % i}`;
        const requires: RequireItem[] =
          i === 0
            ? []
            : [...new Map(row.deps.map((d) => [below(d.to), d] as const)).entries()].map(([id, d]) =>
                d.kind === "anyOf"
                  ? {
                      type: "anyOf",
                      of: [id, `c${(d.to + 1) % i}`].filter((x, j, a) => a.indexOf(x) === j),
                      hidden: false,
                    }
                  : { type: d.kind, id, hidden: false },
              );
        return { id: `c${i}`, kind: "x", observed: row.observed || i === rows.length - 1, requires };
      }),
    );

  test.prop(
    [
      specs,
      fc.array(
        fc.tuple(fc.double({ min: 0, max: 12, noNaN: true }), fc.double({ min: 0, max: 12, noNaN: true })),
        {
          minLength: 9,
          maxLength: 9,
        },
      ),
      fc.array(fc.nat(), { maxLength: 3 }),
      fc.constantFrom(0, 2),
      fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
    ],
    { numRuns: 300 },
  )(
    "a trial's cost is what its choice changes: prior, evidence from scratch, and its spared edges",
    (components, costs, picks, spare, relevant) => {
      const graph = compileGraph({ components }, { includeHidden: false });
      let i = 0;
      const ev = evidenceFor(graph, () => {
        const [deg, down] = costs[i++ % costs.length]!;
        return [0, deg, down];
      });
      const h = new Hypothesis(graph, prices(3, spare));
      // Edges into components outside the candidates are spared without trying.
      h.setRelevant([...Array(graph.size).keys()].filter((c) => relevant[c]));
      const committed: Choice[] = [];
      for (const p of picks) {
        const c = p % graph.size;
        if (h.isFault(c)) continue;
        const choice = h.trial(ev, c, DOWN);
        const before = evidenceCost(graph, ev, committed);
        const after = evidenceCost(graph, ev, [...committed, choice]);
        // Spared edges into candidates change what is predicted (a tie strikes); the others are paid for when
        // something observed is below them.
        let spared = 0;
        for (let d = graph.depStart[c]!; d < graph.depStart[c + 1]!; d++) {
          const s = graph.depSlots[d]!;
          if (!choice.struck.includes(s) && watched(graph, graph.itemOwner[graph.slotItem[s]!]!)) spared++;
        }
        expect(choice.cost).toBeCloseTo(3 + after - before + spare * spared, 6);
        h.commit(choice);
        committed.push(choice);
      }
    },
  );
});

/** Whether an observed component is at or below c. */
function watched(g: Graph, c: number): boolean {
  if (g.observed[c]) return true;
  for (let d = g.depStart[c]!; d < g.depStart[c + 1]!; d++)
    if (watched(g, g.itemOwner[g.slotItem[g.depSlots[d]!]!]!)) return true;
  return false;
}
