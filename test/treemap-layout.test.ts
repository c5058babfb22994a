/**
 * The squarified treemap (web/src/treemap-layout.ts, pure) over random values and boxes: the rectangles
 * stay in the box, tile it, never overlap, have areas proportional to their values, come largest first,
 * do not depend on input order, and hold no NaN for empty, one-element, tiny or huge inputs.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { type Box, squarify, type TreemapItem, type TreemapRect } from "../web/src/treemap-layout.js";

const box = fc.record({
  x: fc.integer({ min: -500, max: 500 }),
  y: fc.integer({ min: -500, max: 500 }),
  w: fc.double({ min: 1, max: 4000, noNaN: true }),
  h: fc.double({ min: 1, max: 4000, noNaN: true }),
});

/** Values within twelve orders of magnitude of each other, some equal, ids unique. */
const items = fc
  .array(fc.oneof(fc.double({ min: 1, max: 1e12, noNaN: true }), fc.constantFrom(1, 2, 5, 100)), {
    minLength: 1,
    maxLength: 40,
  })
  .map((values) => values.map((value, i): TreemapItem => ({ id: `p${i}`, value })));

const area = (r: { w: number; h: number }) => r.w * r.h;

function overlap(a: TreemapRect, b: TreemapRect): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** A Fisher-Yates shuffle driven by `seed` (a linear congruential generator). */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function finite(rects: readonly TreemapRect[]): boolean {
  return rects.every((r) => [r.x, r.y, r.w, r.h].every(Number.isFinite) && r.w >= 0 && r.h >= 0);
}

describe("squarify", () => {
  test.prop([items, box])("the rectangles stay in the box and tile it", (list, b: Box) => {
    const rects = squarify(list, b);
    expect(rects).toHaveLength(list.length);
    expect(finite(rects)).toBe(true);
    const eps = 1e-6 * Math.max(b.w, b.h);
    for (const r of rects) {
      expect(r.x).toBeGreaterThanOrEqual(b.x - eps);
      expect(r.y).toBeGreaterThanOrEqual(b.y - eps);
      expect(r.x + r.w).toBeLessThanOrEqual(b.x + b.w + eps);
      expect(r.y + r.h).toBeLessThanOrEqual(b.y + b.h + eps);
    }
    const total = rects.reduce((s, r) => s + area(r), 0);
    expect(Math.abs(total - area(b)) / area(b)).toBeLessThan(1e-6);
  });

  test.prop([items, box])("no two rectangles overlap", (list, b: Box) => {
    const rects = squarify(list, b);
    for (let i = 0; i < rects.length; i++)
      for (let j = i + 1; j < rects.length; j++)
        expect(overlap(rects[i]!, rects[j]!) / area(b)).toBeLessThan(1e-9);
  });

  test.prop([items, box])("each area is proportional to its value", (list, b: Box) => {
    const rects = squarify(list, b);
    const sum = list.reduce((s, i) => s + i.value, 0);
    for (const r of rects) expect(Math.abs(area(r) / area(b) - r.value / sum)).toBeLessThan(1e-6);
  });

  test.prop([items, box, fc.integer()])(
    "largest first, and the same rectangles whatever the input order",
    (list, b: Box, seed) => {
      const rects = squarify(list, b);
      for (let i = 1; i < rects.length; i++)
        expect(rects[i - 1]!.value).toBeGreaterThanOrEqual(rects[i]!.value);
      expect(squarify(shuffled(list, seed), b)).toEqual(rects);
    },
  );

  test.prop([
    fc.array(fc.double({ min: 1e-300, max: Number.MAX_VALUE, noNaN: true }), { maxLength: 20 }),
    box,
  ])(
    "values from tiny to the largest double give finite rectangles that still tile the box",
    (values, b: Box) => {
      const rects = squarify(
        values.map((value, i) => ({ id: `p${i}`, value })),
        b,
      );
      expect(finite(rects)).toBe(true);
      if (rects.length > 0) {
        const total = rects.reduce((s, r) => s + area(r), 0);
        expect(Math.abs(total - area(b)) / area(b)).toBeLessThan(1e-6);
      }
    },
  );

  it("an empty list, values that are no size and an empty box", () => {
    expect(squarify([], { x: 0, y: 0, w: 100, h: 100 })).toEqual([]);
    expect(
      squarify(
        [
          { id: "zero", value: 0 },
          { id: "neg", value: -3 },
          { id: "nan", value: Number.NaN },
          { id: "inf", value: Number.POSITIVE_INFINITY },
        ],
        { x: 0, y: 0, w: 100, h: 100 },
      ),
    ).toEqual([]);
    const flat = squarify(
      [
        { id: "a", value: 2 },
        { id: "b", value: 1 },
      ],
      { x: 5, y: 5, w: 100, h: 0 },
    );
    expect(flat.map((r) => area(r))).toEqual([0, 0]);
    expect(finite(flat)).toBe(true);
  });

  it("one item fills the box; two halves split the longer side", () => {
    expect(squarify([{ id: "aws", value: 0.7 }], { x: 0, y: 0, w: 300, h: 200 })).toEqual([
      { id: "aws", value: 0.7, x: 0, y: 0, w: 300, h: 200 },
    ]);
    const [a, b] = squarify(
      [
        { id: "a", value: 1 },
        { id: "b", value: 1 },
      ],
      { x: 0, y: 0, w: 400, h: 200 },
    );
    expect(a).toMatchObject({ x: 0, y: 0, w: 200, h: 200 });
    expect(b).toMatchObject({ x: 200, y: 0, w: 200, h: 200 });
  });
});
