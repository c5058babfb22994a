/**
 * `vantages:` in epicenter.yaml: each an id, or an id with where it runs, for the dashboard's world map: a
 * catalog region (`region: aws/eu-west-1`, drawn at the region's place) or a point (`location: {lat, lon}`).
 */
import * as z from "zod";
import { type Place, regionPlaces } from "../catalog/catalog-data.js";
import { idSchema } from "../model/component-schema.js";

const PLACES = regionPlaces();

const location = z.strictObject({
  lat: z.number().min(-90).max(90).meta({ description: "Degrees north (negative: south)" }),
  lon: z.number().min(-180).max(180).meta({ description: "Degrees east (negative: west)" }),
});

export const vantageSchema = z.union([
  idSchema,
  z
    .strictObject({
      id: idSchema,
      region: idSchema
        .refine((r) => PLACES.has(r), {
          error: (iss) =>
            `no place is known for region "${String(iss.input)}": name a catalog region (aws/us-east-1, gcp/europe-west3, azure/westeurope, …) or give location: {lat, lon}`,
        })
        .optional()
        .meta({ description: "The catalog region it runs in: the world map draws it there" }),
      location: location.optional().meta({ description: "Where it runs, when not in a catalog region" }),
    })
    .refine((v) => !(v.region && v.location), { error: "give region or location, not both" }),
]);

export type VantageEntry = z.output<typeof vantageSchema>;

/** Where a vantage runs: a point, or a catalog region (the server's world map reads either). */
export interface VantagePlace {
  place?: Place;
  region?: string;
}

export const vantageId = (v: VantageEntry): string => (typeof v === "string" ? v : v.id);

/** The places the entries give, by vantage id (entries that say none are left out). */
export function vantagePlaces(entries: readonly VantageEntry[]): Map<string, VantagePlace> {
  const out = new Map<string, VantagePlace>();
  for (const v of entries) {
    if (typeof v === "string") continue;
    if (v.region) out.set(v.id, { region: v.region });
    else if (v.location) out.set(v.id, { place: v.location });
  }
  return out;
}
