/**
 * Where the catalog's regions are: every region has a point on Earth, inside the valid ranges, on the
 * continent its code names (a swapped latitude and longitude lands elsewhere), and regions of different
 * clouds in the same city are drawn at the same place.
 */
import { describe, expect, it } from "vitest";
import { catalogComponents, regionPlaces } from "../src/catalog/catalog-data.js";

const places = regionPlaces();
const regions = catalogComponents().filter((c) => c.kind === "region");

/** Boxes (lat, lon ranges) each region-code prefix must fall in; generous, but a swapped pair misses. */
const CONTINENTS: [RegExp, [number, number], [number, number]][] = [
  [
    /^(aws\/(us|ca|mx)-|gcp\/(us|northamerica)-|azure\/(.*us\d?|canada.*|mexicocentral)$)/,
    [14, 60],
    [-130, -60],
  ],
  [/^(aws\/sa-|gcp\/southamerica-|azure\/brazil)/, [-56, 0], [-82, -34]],
  [
    /^(aws\/eu-|gcp\/europe-|azure\/(.*europe|uk|france|germany|switzerland|norway|sweden|poland|italy|spain))/,
    [35, 71],
    [-11, 32],
  ],
  [/^(aws\/ap-|gcp\/(asia|australia)-|azure\/(.*asia|japan|korea|.*india|australia))/, [-45, 46], [68, 154]],
  [/^(aws\/(me|il)-|gcp\/me-|azure\/(uae|qatar|israel))/, [12, 42], [34, 60]],
  [/^(aws\/af-|gcp\/africa-|azure\/southafrica)/, [-35, -22], [16, 33]],
];

/** Great-circle distance, km. */
function km(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

describe("catalog region places", () => {
  it("gives every catalog region a point inside valid ranges, and nothing else one", () => {
    expect(regions.length).toBeGreaterThan(100);
    for (const r of regions) {
      const p = places.get(r.id);
      expect(p, r.id).toBeDefined();
      expect(Number.isFinite(p!.lat) && p!.lat >= -90 && p!.lat <= 90, `${r.id} lat ${p!.lat}`).toBe(true);
      expect(Number.isFinite(p!.lon) && p!.lon >= -180 && p!.lon <= 180, `${r.id} lon ${p!.lon}`).toBe(true);
    }
    expect([...places.keys()].sort()).toEqual(regions.map((r) => r.id).sort());
  });

  it("puts each region on the continent its code names", () => {
    for (const r of regions) {
      const box = CONTINENTS.filter(([re]) => re.test(r.id));
      expect(box.length, `${r.id} matches ${box.length} continents`).toBe(1);
      const [, [lat0, lat1], [lon0, lon1]] = box[0]!;
      const p = places.get(r.id)!;
      expect(
        p.lat >= lat0 && p.lat <= lat1 && p.lon >= lon0 && p.lon <= lon1,
        `${r.id} at ${p.lat}, ${p.lon}`,
      ).toBe(true);
    }
  });

  it("draws regions of different clouds in one city at one place", () => {
    const sameCity = [
      ["aws/eu-central-1", "gcp/europe-west3", "azure/germanywestcentral"], // Frankfurt
      ["aws/ap-northeast-1", "gcp/asia-northeast1", "azure/japaneast"], // Tokyo
      ["aws/ap-southeast-2", "gcp/australia-southeast1", "azure/australiaeast"], // Sydney
      ["aws/us-east-1", "gcp/us-east4"], // Ashburn, Northern Virginia
      ["aws/eu-west-1", "azure/northeurope"], // Dublin
    ];
    for (const city of sameCity)
      for (const id of city.slice(1)) expect(km(places.get(city[0]!)!, places.get(id)!), id).toBeLessThan(50);
    // And regions far apart are: N. Virginia to Sydney is about 15,700 km.
    expect(km(places.get("aws/us-east-1")!, places.get("aws/ap-southeast-2")!)).toBeGreaterThan(15_000);
  });
});
