/**
 * The world map's labels (web/src/world-labels.ts): whatever the markers, placed labels stay inside the map
 * and never overlap; a label that fits beside its marker is placed there, on the marker's side with room.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { LINE_PX, placeLabels } from "../web/src/world-labels.js";

const wish = fc.record({
  id: fc.string(),
  x: fc.oneof(fc.double({ min: -100, max: 1200, noNaN: true }), fc.constant(Number.NaN)),
  y: fc.oneof(fc.double({ min: -100, max: 700, noNaN: true }), fc.constant(Number.POSITIVE_INFINITY)),
  text: fc.string({ maxLength: 40 }),
});

describe("placeLabels", () => {
  test.prop([
    fc.array(wish, { maxLength: 40 }),
    fc.double({ min: 0, max: 1200 }),
    fc.double({ min: 0, max: 700 }),
  ])("keeps every placed label inside the map, none overlapping another", (wishes, width, height) => {
    const placed = placeLabels(wishes, width, height);
    const boxes = placed.map((p) => ({
      x0: p.left,
      x1: p.left + p.width,
      y0: p.baseline - LINE_PX + 3,
      y1: p.baseline + 3,
    }));
    for (const b of boxes) {
      expect(b.x0).toBeGreaterThanOrEqual(0);
      expect(b.x1).toBeLessThanOrEqual(width);
      expect(b.y0).toBeGreaterThanOrEqual(0);
      expect(b.y1).toBeLessThanOrEqual(height);
    }
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        expect(a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1, `${i} and ${j} overlap`).toBe(false);
      }
    expect(placed.length).toBeLessThanOrEqual(wishes.length);
  });

  it("writes a label right of its marker, left of one near the right edge, and moves a crowded one a line", () => {
    const [a, b, c] = placeLabels(
      [
        { id: "a", x: 100, y: 100, text: "aws/us-east-1 epicenter" },
        { id: "b", x: 990, y: 300, text: "aws/ap-southeast-2 likely down" },
        { id: "c", x: 102, y: 102, text: "gcp/us-east4 likely down" },
      ],
      1000,
      500,
    );
    expect(a).toMatchObject({ id: "a", anchor: "start", baseline: 104 });
    expect(a!.left).toBeGreaterThan(100);
    expect(b).toMatchObject({ id: "b", anchor: "end" });
    expect(b!.left + b!.width).toBeLessThan(990);
    expect(c!.id).toBe("c");
    expect(Math.abs(c!.baseline - a!.baseline)).toBeGreaterThanOrEqual(LINE_PX);
  });
});
