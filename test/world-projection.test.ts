/**
 * The world map's projection (web/src/world-projection.ts): any finite point lands inside the viewBox, east
 * is right and north is up everywhere (monotonic in longitude and latitude), non-finite input draws nothing,
 * and path data holds only points inside the viewBox.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  LAT_MAX,
  LAT_MIN,
  ringsPath,
  splitAtAntimeridian,
  worldProjection,
} from "../web/src/world-projection.js";

const width = fc.double({ min: 1, max: 5000, noNaN: true });
const anyNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1e308, -0, 90, -90, 180, -180),
);
const lat = fc.double({ min: LAT_MIN, max: LAT_MAX, noNaN: true });
const lon = fc.double({ min: -180, max: 180, noNaN: true });

describe("worldProjection", () => {
  test.prop([width, anyNumber, anyNumber])(
    "puts every finite point inside the viewBox and draws no non-finite one",
    (w, a, b) => {
      const p = worldProjection(w);
      expect(Number.isFinite(p.height) && p.height > 0).toBe(true);
      const xy = p.project(a, b);
      if (!Number.isFinite(a) || !Number.isFinite(b)) {
        expect(xy).toBeNull();
        return;
      }
      expect(xy).not.toBeNull();
      const [x, y] = xy!;
      expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
      expect(x >= 0 && x <= p.width && y >= 0 && y <= p.height, `${a},${b} → ${x},${y}`).toBe(true);
    },
  );

  test.prop([width, lat, lon, lon])(
    "is monotonic in longitude along any parallel: east is right",
    (w, la, l1, l2) => {
      const p = worldProjection(w);
      const [x1] = p.project(la, Math.min(l1, l2))!;
      const [x2] = p.project(la, Math.max(l1, l2))!;
      expect(x2).toBeGreaterThanOrEqual(x1);
    },
  );

  test.prop([width, lon, lat, lat])(
    "is monotonic in latitude along any meridian: north is up",
    (w, lo, a1, a2) => {
      const p = worldProjection(w);
      const [, ySouth] = p.project(Math.min(a1, a2), lo)!;
      const [, yNorth] = p.project(Math.max(a1, a2), lo)!;
      expect(yNorth).toBeLessThanOrEqual(ySouth);
    },
  );

  it("spans the width from the antimeridian to itself, the equator's centre in the middle", () => {
    const p = worldProjection(1000);
    expect(p.project(0, -180)![0]).toBeCloseTo(0, 6);
    expect(p.project(0, 180)![0]).toBeCloseTo(1000, 6);
    expect(p.project(0, 0)![0]).toBeCloseTo(500, 6);
    expect(p.project(LAT_MAX, 0)![1]).toBeCloseTo(0, 6);
    expect(p.project(LAT_MIN, 0)![1]).toBeCloseTo(p.height, 6);
    // Natural Earth: about half as tall as wide over the full globe; cropped to -56..84 a little less.
    expect(p.height / p.width).toBeGreaterThan(0.4);
    expect(p.height / p.width).toBeLessThan(0.5);
    // Points far apart on Earth are far apart here: N. Virginia is left of Frankfurt, above Sydney.
    const virginia = p.project(39.04, -77.49)!;
    const frankfurt = p.project(50.11, 8.68)!;
    const sydney = p.project(-33.87, 151.21)!;
    expect(virginia[0]).toBeLessThan(frankfurt[0]);
    expect(virginia[1]).toBeLessThan(sydney[1]);
  });
});

describe("ringsPath", () => {
  const position = fc.tuple(anyNumber, anyNumber);
  test.prop([
    width,
    fc.array(fc.array(fc.array(position, { maxLength: 8 }), { maxLength: 3 }), { maxLength: 4 }),
  ])("writes only finite points inside the viewBox, whatever the rings hold", (w, polygons) => {
    const p = worldProjection(w);
    const d = ringsPath(polygons, p);
    for (const sub of d.split("Z").filter(Boolean)) {
      expect(sub.startsWith("M")).toBe(true);
      const points = sub.slice(1).split("L");
      expect(points.length).toBeGreaterThanOrEqual(3);
      for (const pt of points) {
        const [x, y] = pt.split(",").map(Number);
        expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
        expect(x! >= 0 && x! <= p.width + 0.05 && y! >= 0 && y! <= p.height + 0.05).toBe(true);
      }
    }
  });

  it("draws a ring in the drawn latitudes and skips one wholly south of them", () => {
    const p = worldProjection(360);
    const square = (la: number) => [
      [
        [0, la],
        [10, la],
        [10, la + 5],
        [0, la + 5],
      ],
    ];
    expect(ringsPath([square(10)], p)).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){3}Z$/);
    expect(ringsPath([square(-80)], p)).toBe("");
  });

  it("cuts a ring that crosses the antimeridian: no edge spans the map, and no point is lost", () => {
    // An island astride 180°, as world-atlas stores Fiji: east of 179°E, then west of 179°W, then back.
    const ring = [
      [178, -16],
      [180, -16.5],
      [-179.5, -16.8],
      [-179.5, -17.5],
      [180, -17.5],
      [178, -17],
      [178, -16],
    ];
    const pieces = splitAtAntimeridian(ring);
    expect(pieces.length).toBe(2);
    expect(pieces.flat().length).toBe(ring.length);
    for (const piece of pieces) {
      const lons = piece.map((pos) => pos[0]!);
      expect(Math.max(...lons) - Math.min(...lons)).toBeLessThanOrEqual(180);
    }
    const p = worldProjection(1000);
    const d = ringsPath([[ring]], p);
    for (const sub of d.split("Z").filter(Boolean)) {
      const xs = sub
        .slice(1)
        .split("L")
        .map((pt) => Number(pt.split(",")[0]));
      expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan(500);
    }
    // A ring that does not cross stays whole.
    expect(splitAtAntimeridian(ring.slice(0, 2))).toEqual([ring.slice(0, 2)]);
  });
});
