/**
 * The epicenter view's layout (web/src/epicenter-layout.ts, pure) over random layered models: the cause at
 * the centre, every member of the blast radius drawn or counted, rings as circles, links only inward, the
 * monitored services outermost, services carried never growing outward, and no dependence on input order.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { type LayoutInput, layoutEpicenter } from "../web/src/epicenter-layout.js";

interface World {
  input: LayoutInput;
  members: string[];
}

/** Regions under one provider, services of each region, monitored sites using some services; the cause a region. */
const world = fc
  .record({
    regions: fc.integer({ min: 1, max: 4 }),
    services: fc.integer({ min: 1, max: 5 }),
    sites: fc.array(fc.array(fc.nat(40), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 30 }),
    /** Sites that use other sites: [a, b], a uses b when a > b. */
    chains: fc.array(fc.tuple(fc.nat(30), fc.nat(30)), { maxLength: 20 }),
    /** Sites affected with no path from the cause (a dependency the model lacks). */
    strays: fc.array(fc.nat(40), { maxLength: 3 }),
    severities: fc.array(fc.nat(4), { minLength: 40, maxLength: 40 }),
    cap: fc.option(
      fc.record({ inner: fc.integer({ min: 1, max: 6 }), outer: fc.integer({ min: 1, max: 12 }) }),
    ),
  })
  .map(({ regions, services, sites, chains, strays, severities, cap }): World => {
    const nodes: LayoutInput["model"]["nodes"][number][] = [{ id: "p", name: null, observed: false }];
    const edges: { from: string; to: string }[] = [];
    const cloud: string[] = [];
    for (let r = 0; r < regions; r++) {
      nodes.push({ id: `p/r${r}`, name: null, observed: false });
      edges.push({ from: `p/r${r}`, to: "p" });
      for (let s = 0; s < services; s++) {
        nodes.push({ id: `p/r${r}/s${s}`, name: null, observed: false });
        edges.push({ from: `p/r${r}/s${s}`, to: `p/r${r}` });
        cloud.push(`p/r${r}/s${s}`);
      }
    }
    sites.forEach((uses, i) => {
      nodes.push({ id: `site${i}`, name: `Site ${i}`, observed: true });
      for (const u of new Set(uses)) edges.push({ from: `site${i}`, to: cloud[u % cloud.length]! });
    });
    for (const pair of new Set(chains.map(([a, b]) => `${a % sites.length} ${b % sites.length}`))) {
      const [a, b] = pair.split(" ").map(Number) as [number, number];
      if (a > b) edges.push({ from: `site${a}`, to: `site${b}` });
    }
    // The blast radius of p/r0: everything that reaches it along dependents, and the strays.
    const blast = new Set<string>();
    const up = (id: string) => {
      for (const e of edges)
        if (e.to === id && !blast.has(e.from)) {
          blast.add(e.from);
          up(e.from);
        }
    };
    up("p/r0");
    for (const s of strays) if (sites.length > 0) blast.add(`site${s % sites.length}`);
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    return {
      members: ["p/r0", ...blast],
      input: {
        cause: "p/r0",
        blast,
        model: { nodes, edges },
        runnersUp: [{ component: "p/r1", confidence: 0.2 }],
        severity: (id) => severities[index.get(id)! % severities.length]!,
        ...(cap ? { maxPerRing: cap } : {}),
      },
    };
  });

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("layoutEpicenter", () => {
  test.prop([world])(
    "the cause is at the centre and every member is drawn once or counted",
    ({ input, members }) => {
      const layout = layoutEpicenter(input);
      const cause = layout.nodes.find((n) => n.id === input.cause)!;
      expect([cause.ring, cause.x, cause.y]).toEqual([0, layout.centre, layout.centre]);
      const ids = layout.nodes.map((n) => n.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(members).toContain(id);
      expect(ids.length + layout.hidden.reduce((a, b) => a + b, 0)).toBe(new Set(members).size);
    },
  );

  test.prop([world])(
    "rings are circles, links never point outward, monitored services are outermost",
    ({ input }) => {
      const layout = layoutEpicenter(input);
      const outer = layout.radii.length - 1;
      const byId = new Map(layout.nodes.map((n) => [n.id, n]));
      for (const n of layout.nodes) {
        expect(Math.hypot(n.x - layout.centre, n.y - layout.centre)).toBeCloseTo(layout.radii[n.ring]!, 6);
        if (n.observed) expect(n.ring).toBe(outer);
        expect(n.x - layout.centre).toBeLessThanOrEqual(layout.size / 2);
      }
      for (let k = 1; k < layout.radii.length; k++)
        expect(layout.radii[k]!).toBeGreaterThan(layout.radii[k - 1]!);
      for (const l of layout.links) {
        const from = byId.get(l.from)!;
        const to = byId.get(l.to)!;
        // Inward, or along the outer ring from one of your services to another it uses.
        if (to.ring === from.ring)
          expect([from.observed, to.observed, from.ring]).toEqual([true, true, outer]);
        else expect(to.ring).toBeLessThan(from.ring);
        // What a link carries is what its outer end carries; a node carries at least what hangs on it.
        expect(l.carries).toBe(from.carries);
        if (!l.suspected && to.ring > 0) expect(to.carries).toBeGreaterThanOrEqual(from.carries);
      }
      // Every drawn node other than the cause hangs from something drawn (unless a full ring hid all it uses).
      if (layout.hidden.every((h) => h === 0))
        for (const n of layout.nodes)
          if (n.ring > 0)
            expect(
              layout.links.some((l) => l.from === n.id),
              n.id,
            ).toBe(true);
    },
  );

  test.prop([world])("a node carries the monitored services that reach the cause through it", ({ input }) => {
    const layout = layoutEpicenter(input);
    const inBlast = (id: string) => id === input.cause || input.blast.has(id);
    const observed = new Set(input.model.nodes.filter((n) => n.observed).map((n) => n.id));
    for (const n of layout.nodes) {
      if (n.id === input.cause) continue;
      const reached = new Set([n.id]);
      const queue = [n.id];
      while (queue.length > 0) {
        const id = queue.pop()!;
        for (const e of input.model.edges)
          if (e.to === id && inBlast(e.from) && !reached.has(e.from)) {
            reached.add(e.from);
            queue.push(e.from);
          }
      }
      expect(n.carries, n.id).toBe([...reached].filter((id) => observed.has(id)).length);
    }
  });

  test.prop([world])("a full ring keeps its worst nodes", ({ input }) => {
    const layout = layoutEpicenter(input);
    for (let k = 1; k < layout.radii.length; k++) {
      if (layout.hidden[k] === 0) continue;
      const kept = layout.nodes.filter((n) => n.ring === k).map((n) => input.severity(n.id));
      const bestKept = Math.max(...kept);
      // Whatever was left out of ring k is no worse than the best kept there.
      const left = [...input.blast].filter(
        (id) => !layout.nodes.some((n) => n.id === id) && layoutRing(layout, input, id) === k,
      );
      for (const id of left) expect(input.severity(id)).toBeGreaterThanOrEqual(bestKept);
    }
  });

  test.prop([world, fc.nat()])("the layout does not depend on the order of the model", ({ input }, seed) => {
    const again = layoutEpicenter({
      ...input,
      blast: new Set(shuffled([...input.blast], seed)),
      model: { nodes: shuffled(input.model.nodes, seed + 1), edges: shuffled(input.model.edges, seed + 2) },
    });
    const key = (l: ReturnType<typeof layoutEpicenter>) =>
      l.nodes.map((n) => `${n.id}@${n.ring}:${n.x.toFixed(6)},${n.y.toFixed(6)}r${n.r}`).sort();
    expect(key(again)).toEqual(key(layoutEpicenter(input)));
  });
});

/** The ring a left-out member would have had: monitored ones the outer ring, others by depth (here 1 or 2). */
function layoutRing(layout: ReturnType<typeof layoutEpicenter>, input: LayoutInput, id: string): number {
  const node = input.model.nodes.find((n) => n.id === id)!;
  if (node.observed) return layout.radii.length - 1;
  return id.split("/").length - 2;
}
