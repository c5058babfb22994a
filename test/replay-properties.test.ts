import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import type { ComponentSpec, RequireItem } from "../src/model/model-types.js";
import { judge } from "../src/replay/judge.js";
import { replay } from "../src/replay/replay.js";
import type { Scenario } from "../src/simulate/scenario-types.js";

/** Random valid scenarios: a layered DAG with every kind of dependency, faults of every kind, noise. */
const scenarioArb = fc
  .record({
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    layers: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 4 }),
    vantages: fc.integer({ min: 1, max: 4 }),
    picks: fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
    faults: fc.array(
      fc.record({
        vantage: fc.boolean(),
        target: fc.nat(),
        at: fc.integer({ min: 0, max: 40 }),
        length: fc.integer({ min: 1, max: 30 }),
        degraded: fc.boolean(),
        impact: fc.oneof(fc.constant(1), fc.double({ min: 0.1, max: 0.99, noNaN: true })),
      }),
      { maxLength: 3 },
    ),
    flip: fc.double({ min: 0, max: 0.05, noNaN: true }),
    missing: fc.double({ min: 0, max: 0.1, noNaN: true }),
  })
  .map((r): Scenario => {
    let p = 0;
    const pick = (n: number) => r.picks[p++ % r.picks.length]! % n;
    const components: ComponentSpec[] = [];
    const layers: string[][] = [];
    r.layers.forEach((size, li) => {
      const ids: string[] = [];
      for (let i = 0; i < size; i++) {
        const id = `l${li}/c${i}`;
        const requires: RequireItem[] = [];
        const below = layers.flat();
        if (below.length > 0) {
          const kind = pick(5);
          const a = below[pick(below.length)]!;
          const b = below[pick(below.length)]!;
          const hidden = pick(6) === 0;
          if (kind === 0) requires.push({ type: "hard", id: a, hidden });
          else if (kind === 1) requires.push({ type: "soft", id: a, hidden });
          else if (kind === 2) requires.push({ type: "anyOf", of: [a, b], hidden });
          else if (kind === 3) requires.push({ type: "atLeast", k: 1 + pick(2), of: [a, b], hidden });
          else requires.push({ type: "hard", id: a, hidden }, { type: "hard", id: b, hidden: false });
        }
        components.push({ id, kind: "x", observed: li === r.layers.length - 1 || pick(3) === 0, requires });
        ids.push(id);
      }
      layers.push(ids);
    });
    const vantages = Array.from({ length: r.vantages }, (_, i) => `probe/v${i}`);
    return {
      file: "generated",
      name: "generated",
      seed: r.seed,
      duration: 3600,
      interval: 60,
      vantages,
      model: { components },
      faults: r.faults.map((f, index) => {
        const id = f.vantage
          ? vantages[f.target % vantages.length]!
          : components[f.target % components.length]!.id;
        return {
          index,
          target: f.vantage ? ("vantage" as const) : ("component" as const),
          id,
          at: f.at * 60,
          end: (f.at + f.length) * 60,
          state: !f.vantage && f.degraded ? ("degraded" as const) : ("down" as const),
          impact: f.vantage ? 1 : f.impact,
        };
      }),
      noise: { flip: r.flip, missing: r.missing },
      expect: { incidents: [], quiet: false },
    };
  });

describe("replay on random worlds", () => {
  test.prop([scenarioArb], { numRuns: 60 })(
    "never crashes, is well formed, and is deterministic",
    (scenario) => {
      const run = replay(scenario);
      const again = replay(scenario);
      expect(again.output).toEqual(run.output);
      for (const inc of run.output.incidents) {
        expect(inc.history[0]?.at).toBe(inc.openedAt);
        expect(inc.epicenter.length).toBeGreaterThan(0);
        for (const h of inc.history)
          for (const r of h.epicenter) {
            expect(r.confidence).toBeGreaterThanOrEqual(0);
            expect(r.confidence).toBeLessThanOrEqual(1);
          }
        if (inc.resolvedAt !== null) expect(inc.resolvedAt).toBeGreaterThanOrEqual(inc.openedAt);
        expect(inc.openedAt).toBeLessThan(scenario.duration);
      }
      const verdict = judge(scenario, run.truth, run.output);
      expect(typeof verdict.passed).toBe("boolean");
    },
  );

  test.prop([scenarioArb], { numRuns: 40 })(
    "stays quiet when nothing fails and checks are clean",
    (scenario) => {
      const calm = { ...scenario, faults: [], noise: { flip: 0, missing: scenario.noise.missing } };
      expect(replay(calm).output.incidents).toEqual([]);
    },
  );
});

describe("localizer accuracy on clean single faults", () => {
  test.prop([scenarioArb, fc.nat()], { numRuns: 60 })(
    "names the faulted component, or one no observation can tell from it",
    (base, pick) => {
      const components = base.model.components.map((c) => ({
        ...c,
        requires: c.requires.map((i) => ({ ...i, hidden: false })),
      }));
      const target = components[pick % components.length]!.id;
      const scenario: Scenario = {
        ...base,
        vantages: base.vantages.length > 1 ? base.vantages : ["probe/a", "probe/b"],
        model: { components },
        faults: [{ index: 0, target: "component", id: target, at: 600, end: 1800, state: "down", impact: 1 }],
        noise: { flip: 0, missing: 0 },
      };
      const run = replay(scenario);
      const truth = run.truth;
      const seg = truth.at(700);
      const signature = (status: Uint8Array) =>
        components.flatMap((c, i) => (c.observed ? [`${status[i]}`] : [])).join(",");
      const impaired = components.some((c, i) => c.observed && seg.status[i] !== 0);
      if (!impaired) {
        expect(run.output.incidents).toEqual([]);
        return;
      }
      // Every component whose failure alone looks exactly the same to the observers is an acceptable answer.
      const same = new Set<string>();
      for (const c of components) {
        const alt = replay({
          ...scenario,
          faults: [{ ...scenario.faults[0]!, id: c.id }],
          noise: { flip: 0, missing: 0 },
        });
        if (signature(alt.truth.at(700).status) === signature(seg.status)) same.add(c.id);
      }
      const named = run.output.incidents.flatMap((inc) =>
        inc.history.filter((h) => h.at >= 600 && h.at <= 900),
      );
      expect(named.length).toBeGreaterThan(0);
      const top = named[0]!.epicenter;
      const best = Math.max(...top.map((r) => r.confidence));
      const first = top.filter((r) => r.confidence === best).map((r) => r.component);
      expect(first.some((c) => same.has(c))).toBe(true);
    },
  );
});
