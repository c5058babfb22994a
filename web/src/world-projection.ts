/**
 * The world map's projection (pure): Natural Earth I (Šavrič, Patterson, Jenny and Jenny 2015, the polynomial
 * d3-geo's geoNaturalEarth1 uses), scaled to a given width and cropped to the latitudes where people and
 * clouds are (no Antarctica), and country rings as SVG path data. Any finite point maps inside the viewBox:
 * latitudes and longitudes out of range are clamped; non-finite ones map to nothing.
 */

/** The latitudes drawn: the southern tip of South America to the north of Greenland. */
export const LAT_MIN = -56;
export const LAT_MAX = 84;

const RAD = Math.PI / 180;

/** Natural Earth I in radians → unscaled plane coordinates (x east, y north). */
function naturalEarth(lambda: number, phi: number): [number, number] {
  const phi2 = phi * phi;
  const phi4 = phi2 * phi2;
  return [
    lambda * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))),
    phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))),
  ];
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export interface Projection {
  width: number;
  height: number;
  /** SVG coordinates of a point (y down), inside [0, width] × [0, height]; null for a non-finite one. */
  project(lat: number, lon: number): [number, number] | null;
}

/** The projection at `width` px (at least 1; non-finite widths fall back to 720). */
export function worldProjection(width: number): Projection {
  const w = Number.isFinite(width) ? Math.max(1, width) : 720;
  // The widest parallel is the equator: x spans naturalEarth(±π, 0).
  const xMax = naturalEarth(Math.PI, 0)[0];
  const yTop = naturalEarth(0, LAT_MAX * RAD)[1];
  const yBottom = naturalEarth(0, LAT_MIN * RAD)[1];
  const scale = w / (2 * xMax);
  const height = (yTop - yBottom) * scale;
  return {
    width: w,
    height,
    project(lat, lon) {
      if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
      const [x, y] = naturalEarth(clamp(lon, -180, 180) * RAD, clamp(lat, LAT_MIN, LAT_MAX) * RAD);
      // Rounding can put an edge point a hair outside; clamp into the viewBox.
      return [clamp((x + xMax) * scale, 0, w), clamp((yTop - y) * scale, 0, height)];
    },
  };
}

/** A polygon as GeoJSON has it: rings of [lon, lat] positions. */
export type Rings = readonly (readonly (readonly number[])[])[];

/**
 * A ring cut where it crosses the antimeridian (a step of more than 180° in longitude: world-atlas keeps
 * Russia's and Fiji's rings whole), so that no edge is drawn across the whole map. The pieces on either side
 * are closed along the map's edge; the ring's last and first pieces, on the same side, are one piece.
 */
export function splitAtAntimeridian(ring: readonly (readonly number[])[]): (readonly number[])[][] {
  const pieces: (readonly number[])[][] = [[]];
  let prev: number | null = null;
  for (const pos of ring) {
    const lon = pos[0] ?? Number.NaN;
    if (prev !== null && Math.abs(lon - prev) > 180) pieces.push([]);
    pieces[pieces.length - 1]!.push(pos);
    if (Number.isFinite(lon)) prev = lon;
  }
  if (pieces.length > 1) pieces[0] = [...pieces.pop()!, ...pieces[0]!];
  return pieces;
}

/**
 * SVG path data for polygons (each a list of rings), one decimal: "M x,y L … Z" per ring or piece of one
 * (splitAtAntimeridian). A ring entirely outside the drawn latitudes is skipped (a flat line on the edge).
 */
export function ringsPath(polygons: readonly Rings[], p: Projection): string {
  const out: string[] = [];
  for (const rings of polygons)
    for (const ring of rings) {
      if (!ring.some((pos) => (pos[1] ?? Number.NaN) >= LAT_MIN)) continue;
      for (const piece of splitAtAntimeridian(ring)) {
        const points: string[] = [];
        for (const pos of piece) {
          const xy = p.project(pos[1] ?? Number.NaN, pos[0] ?? Number.NaN);
          if (xy) points.push(`${xy[0].toFixed(1)},${xy[1].toFixed(1)}`);
        }
        if (points.length >= 3) out.push(`M${points.join("L")}Z`);
      }
    }
  return out.join("");
}
