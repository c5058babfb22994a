/**
 * What the dashboard's world map shows, from the hub's model, beliefs and open incidents (pure): every region
 * of the model that has a place on Earth (the catalog's, src/catalog/catalog-data.ts) with its state, the
 * named causes and the region each lies in, and the vantages where they run, blind or reporting.
 */
import type { Place } from "../catalog/catalog-data.js";
import type { ComponentState, WhatIfAnswer } from "../hub/hub-api.js";
import type { ComponentSpec } from "../model/model-types.js";
import type { StoredIncident } from "../store/store.js";

/** Where a vantage runs: a point, or a region of the model (drawn at the region's place). */
export interface VantagePlace {
  place?: Place;
  region?: string;
}

/** A region's state on the map, worst first: the named cause (or hosting it), in its blast radius, or fine. */
export type RegionState = "epicenter" | "down" | "degraded" | "up";

export interface WorldRegion {
  id: string;
  name: string | null;
  provider: string;
  lat: number;
  lon: number;
  state: RegionState;
  incidentId: string | null;
}

export interface WorldVantage {
  id: string;
  place: Place | null;
  region: string | null;
  /** An open incident names this vantage as its cause: it reports nothing the hub can trust. */
  blind: boolean;
}

export interface WorldEpicenter {
  component: string;
  confidence: number;
  incidentId: string;
  /** The region the cause is or lies in (`aws/us-east-1` for `aws/us-east-1/dynamodb`); null: none placed. */
  region: string | null;
}

export interface WorldMap {
  regions: WorldRegion[];
  vantages: WorldVantage[];
  epicenters: WorldEpicenter[];
}

export interface WorldInput {
  components: readonly ComponentSpec[];
  states: readonly ComponentState[];
  open: readonly StoredIncident[];
  vantages: readonly string[];
  /** Places of regions, by component id (the catalog's). */
  places: ReadonlyMap<string, Place>;
  vantagePlaces: ReadonlyMap<string, VantagePlace>;
  /** The model's blast radius of the named causes (the hub's what-if). */
  whatIf: (failed: string[]) => WhatIfAnswer;
}

const ORDER: Record<RegionState, number> = { epicenter: 0, down: 1, degraded: 2, up: 3 };

/** The placed region `id` is or lies under (the longest placed prefix at a `/`), or null. */
export function regionOf(id: string, places: ReadonlyMap<string, Place>): string | null {
  for (let end = id.length; end > 0; end = id.lastIndexOf("/", end - 1)) {
    const prefix = id.slice(0, end);
    if (places.has(prefix)) return prefix;
  }
  return null;
}

export function worldMap(input: WorldInput): WorldMap {
  const epicenters: WorldEpicenter[] = [];
  for (const i of input.open) {
    const top = i.epicenter[0];
    if (!top || i.vantage || i.resolvedAt !== null) continue;
    epicenters.push({ ...top, incidentId: i.id, region: regionOf(top.component, input.places) });
  }
  // A cause a reload took out of the model has no blast radius to draw (the what-if would refuse it).
  const known = new Set(input.components.map((c) => c.id));
  const causes = [...new Set(epicenters.map((e) => e.component))].filter((id) => known.has(id));
  const blast = causes.length > 0 ? input.whatIf(causes) : { down: [], degraded: [] };
  const down = new Set(blast.down);
  const degraded = new Set(blast.degraded);
  const epicentral = new Set(epicenters.map((e) => e.region));
  const states = new Map(input.states.map((s) => [s.component, s]));

  const regions: WorldRegion[] = [];
  for (const c of input.components) {
    const place = input.places.get(c.id);
    if (!place) continue;
    const belief = states.get(c.id);
    const state: RegionState = epicentral.has(c.id)
      ? "epicenter"
      : down.has(c.id) || belief?.belief === "failing"
        ? "down"
        : degraded.has(c.id) || belief?.belief === "affected"
          ? "degraded"
          : "up";
    regions.push({
      id: c.id,
      name: c.name ?? null,
      provider: c.id.slice(0, c.id.indexOf("/")),
      lat: place.lat,
      lon: place.lon,
      state,
      incidentId: belief?.incidentId ?? epicenters.find((e) => e.region === c.id)?.incidentId ?? null,
    });
  }
  regions.sort((a, b) => ORDER[a.state] - ORDER[b.state] || (a.id < b.id ? -1 : 1));

  const blind = new Set(
    input.open.filter((i) => i.vantage && i.resolvedAt === null).map((i) => i.epicenter[0]?.component),
  );
  const vantages = input.vantages.map((id): WorldVantage => {
    const where = input.vantagePlaces.get(id);
    const region = where?.region ?? null;
    return {
      id,
      place: where?.place ?? (region ? (input.places.get(region) ?? null) : null),
      region,
      blind: blind.has(id),
    };
  });
  return { regions, vantages, epicenters };
}
