/**
 * The map's grouping (web/src/map-groups.ts, pure) over random worlds of providers, regions, cloud services
 * and services with random dependencies (cycles and dangling ends included) and random expanded sets: every
 * component is in exactly one group, counts and worst states add up, bundled edge weights sum to the
 * dependencies between different drawn nodes (between provider groups when all are collapsed), no bundled edge
 * is a self-edge, and every drawn node is placed once with finite coordinates, no two overlapping.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  bundleEdges,
  drawnNodes,
  groupComponents,
  groupId,
  groupPath,
  type MapComponent,
  type MapEdge,
  representative,
  STATUS_ORDER,
} from "../web/src/map-groups.js";

const KINDS = ["provider", "region", "cloud-service", "service", "saas", "dns"];

/** Ids with a few shared first segments, so prefix grouping and placement through dependencies both happen. */
const world = fc
  .array(
    fc.record({
      prefix: fc.constantFrom("aws", "gcp", "shop", "saas"),
      kind: fc.constantFrom(...KINDS),
      status: fc.constantFrom(...STATUS_ORDER, "weird"),
      hit: fc.boolean(),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .chain((specs) => {
    const components: MapComponent[] = specs.map((s, i) => ({
      id: `${s.prefix}/c${i}`,
      kind: s.kind,
      label: `C ${i}`,
      status: s.status,
      hit: s.hit,
    }));
    const id = fc.oneof(
      {
        weight: 9,
        arbitrary: fc.integer({ min: 0, max: components.length - 1 }).map((i) => components[i]!.id),
      },
      { weight: 1, arbitrary: fc.constant("nowhere/dangling") },
    );
    const edges = fc.array(fc.record({ from: id, to: id }), { maxLength: 150 });
    const expanded = fc.subarray(components.map((c) => c.id));
    return fc.tuple(fc.constant(components), edges, expanded);
  });

/** A word's place in STATUS_ORDER; words not listed rank as unknown. */
const rank = (s: string) =>
  STATUS_ORDER.includes(s) ? STATUS_ORDER.indexOf(s) : STATUS_ORDER.indexOf("unknown");

const expandedSet = (components: MapComponent[], picked: string[], edges: MapEdge[]) => {
  // Expand the groups of the picked components: a random mix of expanded providers and regions.
  const grouping = groupComponents(components, edges);
  return new Set(picked.flatMap((p) => groupPath(grouping, p).slice(0, 1 + (p.length % 2))));
};

describe("groupComponents", () => {
  test.prop([world])("every component is in exactly one group, and counts add up", ([components, edges]) => {
    const g = groupComponents(components, edges);
    const seen = new Map<string, number>();
    for (const group of g.groups.values()) for (const m of group.members) seen.set(m, (seen.get(m) ?? 0) + 1);
    expect([...seen.keys()].sort()).toEqual(components.map((c) => c.id).sort());
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    for (const c of components) expect(g.groups.get(g.groupOf.get(c.id)!)!.members).toContain(c.id);
    expect(g.roots.reduce((s, r) => s + g.groups.get(r)!.count, 0)).toBe(components.length);
    for (const group of g.groups.values()) {
      const under = group.members.length + group.children.reduce((s, c) => s + g.groups.get(c)!.count, 0);
      expect(group.count).toBe(under);
      // At most provider > region: a subgroup's parent is a root.
      if (group.parent) expect(g.groups.get(group.parent)!.parent).toBeNull();
    }
  });

  test.prop([world])(
    "a group's worst state is its most severe member's, and hits count the blast radius",
    ([components, edges]) => {
      const g = groupComponents(components, edges);
      for (const root of g.roots) {
        const inside = components.filter((c) => groupPath(g, c.id)[0] === root);
        const worst = Math.max(...inside.map((c) => rank(c.status)));
        expect(STATUS_ORDER.indexOf(g.groups.get(root)!.worst)).toBe(worst);
        expect(g.groups.get(root)!.hits).toBe(inside.filter((c) => c.hit).length);
      }
    },
  );

  it("places a service in the region of the cloud service it runs on, under that region's provider", () => {
    const components: MapComponent[] = [
      { id: "aws", kind: "provider", label: "AWS", status: "up", hit: false },
      { id: "aws/us-east-1", kind: "region", label: "US East", status: "failing", hit: true },
      { id: "aws/us-east-1/ec2", kind: "cloud-service", label: "EC2", status: "affected", hit: true },
      { id: "shop/cart", kind: "service", label: "Cart", status: "down", hit: true },
      { id: "shop/alone", kind: "service", label: "Alone", status: "up", hit: false },
    ];
    const edges = [
      { from: "aws/us-east-1", to: "aws" },
      { from: "aws/us-east-1/ec2", to: "aws/us-east-1" },
      { from: "shop/cart", to: "aws/us-east-1/ec2" },
    ];
    const g = groupComponents(components, edges);
    expect(groupPath(g, "shop/cart")).toEqual([groupId("aws"), groupId("aws/us-east-1")]);
    expect(groupPath(g, "aws")).toEqual([groupId("aws")]);
    expect(groupPath(g, "shop/alone")).toEqual([groupId("shop")]);
    expect(g.groups.get(groupId("aws"))).toMatchObject({ label: "AWS", count: 4, worst: "failing", hits: 3 });
    // All collapsed: the cart's dependency is inside aws, the lone service has none: nothing to draw.
    expect(bundleEdges(g, new Set(), edges)).toEqual([]);
    const open = new Set([groupId("aws")]);
    expect(bundleEdges(g, open, edges)).toEqual([
      { id: `${groupId("aws/us-east-1")}>aws`, source: groupId("aws/us-east-1"), target: "aws", weight: 1 },
    ]);
  });
});

describe("bundleEdges", () => {
  test.prop([world])(
    "weights sum to the dependencies between different drawn nodes; no self-edges",
    ([components, edges, picked]) => {
      const g = groupComponents(components, edges);
      const expanded = expandedSet(components, picked, edges);
      const known = new Set(components.map((c) => c.id));
      const bundled = bundleEdges(g, expanded, edges);
      const between = edges.filter(
        (e) =>
          known.has(e.from) &&
          known.has(e.to) &&
          representative(g, expanded, e.from) !== representative(g, expanded, e.to),
      ).length;
      expect(bundled.reduce((s, b) => s + b.weight, 0)).toBe(between);
      for (const b of bundled) {
        expect(b.source).not.toBe(b.target);
        expect(b.weight).toBeGreaterThan(0);
      }
      expect(new Set(bundled.map((b) => b.id)).size).toBe(bundled.length);
      // Every end is something drawn: a component shown or a collapsed group.
      const drawn = new Set(
        drawnNodes(g, expanded)
          .filter((n) => n.kind !== "expanded")
          .map((n) => n.id),
      );
      for (const b of bundled) expect(drawn.has(b.source) && drawn.has(b.target)).toBe(true);
    },
  );

  test.prop([world])(
    "all collapsed: weights sum to the dependencies between different provider groups",
    ([components, edges]) => {
      const g = groupComponents(components, edges);
      const top = (id: string) => groupPath(g, id)[0];
      const known = new Set(components.map((c) => c.id));
      const between = edges.filter(
        (e) => known.has(e.from) && known.has(e.to) && top(e.from) !== top(e.to),
      ).length;
      expect(bundleEdges(g, new Set(), edges).reduce((s, b) => s + b.weight, 0)).toBe(between);
    },
  );
});

describe("drawnNodes", () => {
  test.prop([world])(
    "draws each shown thing once, finite, and nothing overlaps",
    ([components, edges, picked]) => {
      const g = groupComponents(components, edges);
      const expanded = expandedSet(components, picked, edges);
      const nodes = drawnNodes(g, expanded);
      expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
      const placed = nodes.filter((n) => n.kind !== "expanded");
      for (const n of placed) expect(Number.isFinite(n.x) && Number.isFinite(n.y) && n.size > 0).toBe(true);
      // Every component is drawn itself or through exactly one collapsed group.
      for (const c of components) {
        const r = representative(g, expanded, c.id);
        expect(placed.filter((n) => n.id === r)).toHaveLength(1);
      }
      for (let i = 0; i < placed.length; i++)
        for (let j = i + 1; j < placed.length; j++) {
          const a = placed[i]!;
          const b = placed[j]!;
          const apart = Math.hypot(a.x - b.x, a.y - b.y);
          expect(apart).toBeGreaterThanOrEqual((a.size + b.size) / 2);
        }
    },
  );
});
