/**
 * The countries the world map draws, offline: Natural Earth's 1:110m countries as world-atlas ships them
 * (TopoJSON, about 108 kB, bundled only with the World page), decoded by topojson-client into GeoJSON polygons.
 */
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import atlas from "world-atlas/countries-110m.json";
import type { Rings } from "./world-projection.js";

let cached: Rings[] | null = null;

/** Every country's polygons as [lon, lat] rings, decoded once. */
export function countryPolygons(): Rings[] {
  if (cached) return cached;
  const topology = atlas as unknown as Topology<{ countries: GeometryCollection }>;
  const countries = feature(topology, topology.objects.countries);
  const out: Rings[] = [];
  for (const f of countries.features) {
    const g = f.geometry;
    if (g?.type === "Polygon") out.push(g.coordinates);
    else if (g?.type === "MultiPolygon") out.push(...g.coordinates);
  }
  cached = out;
  return out;
}
