/**
 * What the world map is told (src/server/world-map.ts), over the real catalog and the real what-if: the region
 * an open incident's cause lies in is the epicenter, regions in its blast radius are down, the rest up, worst
 * first; a blind vantage is marked, vantages take a point or their region's place; resolved incidents and
 * causes the model lost draw nothing.
 */
import { describe, expect, it } from "vitest";
import { catalogComponents, regionPlaces } from "../src/catalog/catalog-data.js";
import type { ComponentState } from "../src/hub/hub-api.js";
import { compileGraph } from "../src/model/graph.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import { regionOf, type WorldInput, worldMap } from "../src/server/world-map.js";
import type { StoredIncident } from "../src/store/store.js";
import { summarizeImpact, whatIf } from "../src/whatif/what-if.js";

const places = regionPlaces();

/** The catalog plus a service on us-east-1's DynamoDB, and a regional component hosted across two regions. */
const components: ComponentSpec[] = [
  ...catalogComponents(),
  {
    id: "acme/api",
    kind: "service",
    observed: true,
    requires: [{ type: "hard", id: "aws/us-east-1/dynamodb", hidden: false }],
  },
];
const graph = compileGraph({ components }, { includeHidden: false });

function realWhatIf(failed: string[]) {
  const s = summarizeImpact(
    graph,
    whatIf(
      graph,
      failed.map((id) => graph.index.get(id)!),
    ),
  );
  return { failed: s.failed, down: s.down, degraded: s.degraded, observedHit: [] };
}

function incident(id: string, cause: string, extra: Partial<StoredIncident> = {}): StoredIncident {
  return {
    id,
    openedAt: 0,
    resolvedAt: null,
    epicenter: [{ component: cause, confidence: 0.9 }],
    affected: [],
    history: [],
    vantage: false,
    acknowledgedAt: null,
    acknowledgedBy: null,
    updatedAt: 0,
    ...extra,
  };
}

function input(open: StoredIncident[], more: Partial<WorldInput> = {}): WorldInput {
  return {
    components,
    states: [],
    open,
    vantages: [],
    places,
    vantagePlaces: new Map(),
    whatIf: realWhatIf,
    ...more,
  };
}

describe("worldMap", () => {
  it("finds the placed region a cause is or lies in", () => {
    expect(regionOf("aws/us-east-1/dynamodb", places)).toBe("aws/us-east-1");
    expect(regionOf("aws/us-east-1", places)).toBe("aws/us-east-1");
    expect(regionOf("aws/us-east-10", places)).toBeNull();
    expect(regionOf("aws", places)).toBeNull();
    expect(regionOf("cloudflare/cdn", places)).toBeNull();
  });

  it("marks the cause's region as the epicenter and every other region up when nothing else fails with it", () => {
    const map = worldMap(input([incident("inc-1", "aws/us-east-1/dynamodb")]));
    expect(map.epicenters).toEqual([
      { component: "aws/us-east-1/dynamodb", confidence: 0.9, incidentId: "inc-1", region: "aws/us-east-1" },
    ]);
    expect(map.regions[0]).toMatchObject({ id: "aws/us-east-1", state: "epicenter", incidentId: "inc-1" });
    expect(map.regions.filter((r) => r.state !== "up").map((r) => r.id)).toEqual(["aws/us-east-1"]);
    expect(map.regions).toHaveLength(places.size);
    expect(map.regions.find((r) => r.id === "gcp/europe-west3")).toMatchObject({
      provider: "gcp",
      lat: 50.11,
      lon: 8.68,
    });
  });

  it("shades the regions a provider-wide cause takes down, worst first, the provider itself unplaced", () => {
    const map = worldMap(input([incident("inc-2", "azure")]));
    expect(map.epicenters[0]!.region).toBeNull();
    const azure = map.regions.filter((r) => r.provider === "azure");
    expect(azure.length).toBe(38);
    expect(azure.every((r) => r.state === "down")).toBe(true);
    const states = map.regions.map((r) => r.state);
    const rank = { epicenter: 0, down: 1, degraded: 2, up: 3 };
    for (let i = 1; i < states.length; i++)
      expect(rank[states[i]!]).toBeGreaterThanOrEqual(rank[states[i - 1]!]);
    expect(map.regions.filter((r) => r.provider === "aws").every((r) => r.state === "up")).toBe(true);
  });

  it("takes the localizer's belief for a region no named cause reaches", () => {
    const states: ComponentState[] = [
      { component: "gcp/us-central1", observed: [], belief: "affected", incidentId: "inc-9" },
    ];
    const map = worldMap(input([], { states }));
    expect(map.regions[0]).toMatchObject({ id: "gcp/us-central1", state: "degraded", incidentId: "inc-9" });
  });

  it("marks a blind vantage and places vantages at their point or their region", () => {
    const map = worldMap(
      input(
        [
          incident("inc-3", "vantage/b", { vantage: true }),
          incident("inc-4", "aws/eu-west-1", { resolvedAt: 5 }),
        ],
        {
          vantages: ["vantage/a", "vantage/b", "vantage/c"],
          vantagePlaces: new Map([
            ["vantage/a", { place: { lat: 1.5, lon: 2.5 } }],
            ["vantage/b", { region: "aws/ap-southeast-2" }],
          ]),
        },
      ),
    );
    expect(map.vantages).toEqual([
      { id: "vantage/a", place: { lat: 1.5, lon: 2.5 }, region: null, blind: false },
      { id: "vantage/b", place: places.get("aws/ap-southeast-2"), region: "aws/ap-southeast-2", blind: true },
      { id: "vantage/c", place: null, region: null, blind: false },
    ]);
    // Neither a blind vantage nor a resolved incident names an epicenter.
    expect(map.epicenters).toEqual([]);
    expect(map.regions.every((r) => r.state === "up")).toBe(true);
  });

  it("draws no blast radius for a cause the model no longer has", () => {
    let asked = 0;
    const map = worldMap(
      input([incident("inc-5", "aws/us-east-1/gone")], {
        whatIf: (failed) => {
          asked++;
          return realWhatIf(failed);
        },
      }),
    );
    expect(asked).toBe(0);
    expect(map.regions[0]).toMatchObject({ id: "aws/us-east-1", state: "epicenter" });
  });
});
