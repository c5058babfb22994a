/** fast-check arbitraries for random acyclic models with every kind of requires item, for property tests. */
import { fc } from "@fast-check/vitest";
import type { ComponentSpec, RequireItem } from "../src/model/model-types.js";

const rawItem = fc.record({
  type: fc.constantFrom("hard", "soft", "anyOf", "atLeast"),
  members: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  k: fc.nat(),
});

/** Component i may only require components before it, so every model is a DAG; ids are `c0`, `c1`, … */
export const modelArbitrary = (maxSize = 12) =>
  fc.array(fc.array(rawItem, { maxLength: 3 }), { minLength: 1, maxLength: maxSize }).map((raw) =>
    raw.map((items, i): ComponentSpec => {
      const requires: RequireItem[] =
        i === 0
          ? []
          : items.map((item) => {
              const of = item.members.map((m) => `c${m % i}`);
              if (item.type === "hard" || item.type === "soft")
                return { type: item.type, id: of[0]!, hidden: false };
              if (item.type === "anyOf") return { type: "anyOf", of, hidden: false };
              return { type: "atLeast", k: 1 + (item.k % of.length), of, hidden: false };
            });
      return {
        id: `c${i}`,
        kind: i % 3 === 0 ? "service" : "cloud-service",
        observed: i % 2 === 1,
        requires,
      };
    }),
  );

/** A model with a fault state (0 none, 1 degraded, 2 down) for each component. */
export const modelWithFaults = (maxSize = 12) =>
  modelArbitrary(maxSize).chain((components) =>
    fc.record({
      components: fc.constant(components),
      faults: fc.array(fc.constantFrom(0, 0, 0, 1, 2), {
        minLength: components.length,
        maxLength: components.length,
      }),
    }),
  );
