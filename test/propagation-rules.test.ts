import { describe, expect, it } from "vitest";
import { compileGraph } from "../src/model/graph.js";
import type { ComponentSpec, RequireItem } from "../src/model/model-types.js";
import { fnv1a32, isStruck, mix32 } from "../src/model/partial-impact.js";
import { type FaultSet, propagateAll, STATUS_NAMES } from "../src/model/propagate.js";
import { faultSet } from "../src/simulate/truth.js";

const hard = (id: string): RequireItem => ({ type: "hard", id, hidden: false });
const soft = (id: string): RequireItem => ({ type: "soft", id, hidden: false });
const anyOf = (...of: string[]): RequireItem => ({ type: "anyOf", of, hidden: false });
const atLeast = (k: number, ...of: string[]): RequireItem => ({ type: "atLeast", k, of, hidden: false });
const comp = (id: string, ...requires: RequireItem[]): ComponentSpec => ({
  id,
  kind: "x",
  observed: false,
  requires,
});

/** States of every component with the given faults (id → "down" | "degraded"), full impact. */
function states(
  components: ComponentSpec[],
  faults: Record<string, "down" | "degraded">,
): Record<string, string> {
  const g = compileGraph({ components }, { includeHidden: true });
  const state = new Uint8Array(g.size);
  for (const [id, s] of Object.entries(faults)) state[g.index.get(id)!] = s === "down" ? 2 : 1;
  const status = propagateAll(g, { state });
  return Object.fromEntries(g.ids.map((id, i) => [id, STATUS_NAMES[status[i]!]!]));
}

describe("propagation rules (scenario.md)", () => {
  const leaves = ["a", "b", "c"].map((id) => comp(id));

  it("rule 1: a faulted component takes its fault's state, whatever its dependencies", () => {
    const s = states([...leaves, comp("x", hard("a"))], { a: "down", x: "degraded" });
    expect(s.x).toBe("degraded");
  });

  it("rule 2: a hard dependency down takes the dependent down; degraded degrades it", () => {
    expect(states([...leaves, comp("x", hard("a"))], { a: "down" }).x).toBe("down");
    expect(states([...leaves, comp("x", hard("a"))], { a: "degraded" }).x).toBe("degraded");
  });

  it("rule 3: a soft dependency down or degraded only degrades", () => {
    expect(states([...leaves, comp("x", soft("a"))], { a: "down" }).x).toBe("degraded");
    expect(states([...leaves, comp("x", soft("a"))], { a: "degraded" }).x).toBe("degraded");
  });

  it("anyOf: down only when every member is down, degraded when any is impaired", () => {
    const model = [...leaves, comp("x", anyOf("a", "b"))];
    expect(states(model, { a: "down" }).x).toBe("degraded");
    expect(states(model, { a: "degraded" }).x).toBe("degraded");
    expect(states(model, { a: "down", b: "down" }).x).toBe("down");
    expect(states(model, { a: "degraded", b: "down" }).x).toBe("degraded");
    expect(states(model, {}).x).toBe("up");
  });

  it("atLeast k: down when fewer than k members are not down (degraded members still count)", () => {
    const model = [...leaves, comp("x", atLeast(2, "a", "b", "c"))];
    expect(states(model, { a: "down" }).x).toBe("degraded");
    expect(states(model, { a: "down", b: "down" }).x).toBe("down");
    expect(states(model, { a: "down", b: "degraded" }).x).toBe("degraded");
    expect(states(model, { a: "degraded", b: "degraded", c: "degraded" }).x).toBe("degraded");
  });

  it("down wins over degraded across items, and states flow through chains", () => {
    const model = [...leaves, comp("x", soft("a"), hard("b")), comp("y", hard("x")), comp("z", soft("y"))];
    const s = states(model, { a: "down", b: "down" });
    expect([s.x, s.y, s.z]).toEqual(["down", "down", "degraded"]);
    const t = states(model, { a: "down" });
    expect([t.x, t.y, t.z]).toEqual(["degraded", "degraded", "degraded"]);
  });
});

describe("partial impact", () => {
  it("hashes exactly as the spec defines (FNV-1a 32 then MurmurHash3's finalizer)", () => {
    // Reference values computed independently from the spec's definition.
    expect(fnv1a32("")).toBe(2166136261);
    expect(fnv1a32("1/0/a/0/0")).toBe(3862356319);
    expect(mix32(fnv1a32("1/0/a/0/0"))).toBe(2889538702);
    expect(mix32(fnv1a32("7/2/café/1/3"))).toBe(3725201279);
    // 2889538702 / 2^32 = 0.6728: struck at p 0.7, spared at p 0.6.
    expect(isStruck(1, 0, "a", 0, 0, 0.7)).toBe(true);
    expect(isStruck(1, 0, "a", 0, 0, 0.6)).toBe(false);
    expect(isStruck(1, 0, "a", 0, 0, 1)).toBe(true);
  });

  it("spares an edge so the dependent sees the faulted component as up; only the first hop is thinned", () => {
    // dependent "a" requires item 0 = net: key 1/0/a/0/0 → 0.6728, so spared at impact 0.6.
    const model = [comp("net"), comp("a", hard("net")), comp("b", hard("net")), comp("c", hard("a"))];
    const g = compileGraph({ components: model }, { includeHidden: true });
    const fault = {
      index: 0,
      target: "component" as const,
      id: "net",
      at: 0,
      end: 10,
      state: "down" as const,
      impact: 0.6,
    };
    const status = propagateAll(g, faultSet(g, 1, [fault]));
    const state = (id: string) => STATUS_NAMES[status[g.index.get(id)!]!];
    expect(state("net")).toBe("down");
    expect(state("a")).toBe(isStruck(1, 0, "a", 0, 0, 0.6) ? "down" : "up");
    expect(state("a")).toBe("up");
    expect(state("b")).toBe(isStruck(1, 0, "b", 0, 0, 0.6) ? "down" : "up");
    expect(state("c")).toBe(state("a"));
  });

  it("uses the item's position as written (hidden items count) and the member's position in a group", () => {
    const model: ComponentSpec[] = [
      comp("net"),
      comp("other"),
      {
        id: "s",
        kind: "x",
        observed: true,
        requires: [{ type: "hard", id: "other", hidden: true }, anyOf("other", "net")],
      },
    ];
    const seen: string[] = [];
    const g = compileGraph({ components: model }, { includeHidden: false });
    const fs: FaultSet = faultSet(g, 5, [
      { index: 3, target: "component", id: "net", at: 0, end: 1, state: "down", impact: 0.5 },
    ]);
    // The slot naming net is the group's member 1 of item 1 (item 0 is hidden and left out of this graph).
    const slot = [...g.members].indexOf(g.index.get("net")!);
    expect(g.itemPos[g.slotItem[slot]!]).toBe(1);
    seen.push(String(fs.spared?.(slot)));
    expect(seen).toEqual([String(!isStruck(5, 3, "s", 1, 1, 0.5))]);
  });

  it("spares an edge only when every fault on the component spares it", () => {
    const model = [comp("net"), comp("a", hard("net"))];
    const g = compileGraph({ components: model }, { includeHidden: true });
    const f = (index: number, impact: number) => ({
      index,
      target: "component" as const,
      id: "net",
      at: 0,
      end: 1,
      state: "down" as const,
      impact,
    });
    const slot = 0;
    const a = faultSet(g, 1, [f(0, 0.6)]).spared?.(slot);
    const both = faultSet(g, 1, [f(0, 0.6), f(1, 1)]).spared?.(slot);
    expect(a).toBe(true);
    expect(both).toBe(false);
  });
});
