/**
 * What the map draws, fetched apart from its page: the page's code (cytoscape with it) is a chunk of its own,
 * and on a first visit to /map the shell starts these requests as it starts loading that chunk, so the two
 * overlap instead of the requests waiting for the chunk to arrive and run.
 */
import { api, type ComponentState, type GraphData, type WhatIfAnswer } from "./api.js";

export interface MapData {
  graph: GraphData;
  states: ComponentState[];
  blast: WhatIfAnswer | null;
}

async function loadMap(): Promise<MapData> {
  const [graph, { states }] = await Promise.all([
    api<GraphData>("/api/v1/graph"),
    api<{ states: ComponentState[] }>("/api/v1/states"),
  ]);
  const failing = graph.nodes.filter((n) => n.belief === "failing").map((n) => n.id);
  const blast =
    failing.length > 0
      ? await api<WhatIfAnswer>("/api/v1/whatif", { method: "POST", body: { failed: failing } })
      : null;
  return { graph, states, blast };
}

/** Requests started ahead of the page, and when: taken once, and only while fresh. */
let ahead: { at: number; data: Promise<MapData> } | null = null;
const FRESH_MS = 5000;

/** Starts the map's requests now (the page's chunk is on its way). */
export function prefetchMap(): void {
  const data = loadMap();
  data.catch(() => {}); // the page reports a failure when it takes them
  ahead = { at: Date.now(), data };
}

/** The map's data: the requests started ahead when they are fresh, else new ones. */
export function mapData(): Promise<MapData> {
  const early = ahead;
  ahead = null;
  if (early && Date.now() - early.at < FRESH_MS) return early.data;
  return loadMap();
}
