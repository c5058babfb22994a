/** The world map's one read: regions with their places and states, the named causes, and the vantages. */
import { regionPlaces } from "../catalog/catalog-data.js";
import { worldResponse } from "./api-responses.js";
import { defineRoute, type Route } from "./route-table.js";
import { type VantagePlace, worldMap } from "./world-map.js";

const PLACES = regionPlaces();

/** `vantagePlaces`: where each vantage runs, as its deployment says (absent: not drawn at a place). */
export function worldRoutes(vantagePlaces: ReadonlyMap<string, VantagePlace>): Route[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/v1/world",
      access: "viewer",
      tag: "dashboard",
      summary:
        "The world map: every region of the model with its place and state (the epicenter, in the blast radius, or fine), the open incidents' named causes with the region each lies in, and where each vantage runs, blind or not",
      response: worldResponse,
      responses: {
        200: "`{regions: [{id, name, provider, lat, lon, state, incidentId}], vantages: [{id, place, region, blind}], epicenters: [{component, confidence, incidentId, region}]}`",
      },
      handler: async ({ c, hub }) => {
        const open = await hub.incidents({ open: true, limit: 100 });
        return c.json(
          worldMap({
            components: hub.components(),
            states: hub.states(),
            open,
            vantages: hub.vantages(),
            places: PLACES,
            vantagePlaces,
            whatIf: (failed) => hub.whatIf(failed),
          }),
        );
      },
    }),
  ];
}
