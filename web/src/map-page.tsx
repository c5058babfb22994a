/**
 * The map: the model as a graph, laid out in layers (providers, regions, cloud services, CDN/DNS/SaaS,
 * services), coloured by state, the epicenter ringed and its blast radius shaded. Search and click focus a
 * component with its neighbourhood. Positions are computed here (a preset layout), labels appear only when
 * zoomed in, and edges hide while panning, so 5,000 nodes stay usable.
 */
import cytoscape, { type Core, type ElementDefinition } from "cytoscape";
import { useEffect, useMemo, useRef, useState } from "react";
import { api, type ComponentState, type GraphData, statusOf, type WhatIfAnswer } from "./api.js";
import { NO_BLAST, shownState } from "./beliefs.js";
import { componentPath, navigate, useLocation } from "./router.js";
import { Link, Problem, StateBadge, useLoad } from "./ui.js";

const LAYERS: [string, (kind: string) => boolean][] = [
  ["providers", (k) => k === "provider"],
  ["regions and networks", (k) => k === "region" || k === "network"],
  ["cloud services", (k) => k === "cloud-service"],
  ["CDN, DNS and SaaS", (k) => k === "cdn" || k === "dns" || k === "saas"],
  ["services", () => true],
];

export function layerOf(kind: string): number {
  return LAYERS.findIndex(([, test]) => test(kind));
}

/** Okabe and Ito's colour-blind-safe hues (bluish green, amber, vermillion), as the page's state colours. */
const COLOURS: Record<string, string> = {
  up: "#009e73",
  degraded: "#e69f00",
  partial: "#d55e00",
  down: "#c0262d",
  unknown: "#868e96",
  failing: "#c0262d",
  affected: "#d55e00",
  model: "#748ffc",
};

interface MapData {
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

function elements({ graph, states, blast }: MapData): ElementDefinition[] {
  const stateOf = new Map(states.map((s) => [s.component, s]));
  const down = new Set(blast?.down ?? []);
  const degraded = new Set(blast?.degraded ?? []);
  const perLayer = LAYERS.map(() => [] as GraphData["nodes"]);
  for (const n of graph.nodes) perLayer[layerOf(n.kind)]!.push(n);
  const out: ElementDefinition[] = [];
  // Room for labels in small models; tight packing in big ones (labels show only when zoomed in there).
  const dx = graph.nodes.length > 1000 ? 70 : 150;
  let y = 0;
  perLayer.forEach((nodes, layer) => {
    nodes.sort((a, b) => (a.id < b.id ? -1 : 1));
    const columns = Math.max(1, Math.min(nodes.length, Math.ceil(Math.sqrt(nodes.length * 6))));
    nodes.forEach((n, i) => {
      const row = Math.floor(i / columns);
      const col = i % columns;
      const status = n.observed ? statusOf(stateOf.get(n.id)) : n.belief === "up" ? "model" : n.belief;
      const classes = [
        n.belief === "failing" ? "epicenter" : "",
        down.has(n.id) && n.belief !== "failing" ? "blast-down" : "",
        degraded.has(n.id) ? "blast-degraded" : "",
        n.observed ? "observed" : "",
      ].filter(Boolean);
      out.push({
        group: "nodes",
        data: { id: n.id, label: n.name ? `${n.name}` : n.id, colour: COLOURS[status], layer },
        position: { x: (col - (columns - 1) / 2) * dx, y: y + row * 45 },
        classes,
      });
    });
    y += Math.ceil(nodes.length / columns) * 45 + 160;
  });
  for (const e of graph.edges)
    out.push({
      group: "edges",
      data: { id: `${e.from}>${e.to}#${e.group}`, source: e.from, target: e.to, soft: e.type === "soft" },
    });
  return out;
}

export function MapPage() {
  const { search } = useLocation();
  const focus = search.get("focus");
  const map = useLoad("map", loadMap);
  const box = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const [query, setQuery] = useState(focus ?? "");
  const [selected, setSelected] = useState<string | null>(focus);
  const [notFound, setNotFound] = useState<string | null>(null);
  const els = useMemo(() => (map.data ? elements(map.data) : null), [map.data]);
  const big = (els?.length ?? 0) > 3000;

  useEffect(() => {
    if (!box.current || !els) return;
    const cy = cytoscape({
      container: box.current,
      elements: els,
      layout: { name: "preset" },
      minZoom: 0.02,
      maxZoom: 3,
      textureOnViewport: big,
      hideEdgesOnViewport: big,
      pixelRatio: big ? 1 : "auto",
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(colour)",
            label: "data(label)",
            "font-size": 10,
            "min-zoomed-font-size": 9,
            color: "#adb5bd",
            "text-valign": "bottom",
            "text-margin-y": 3,
            width: 14,
            height: 14,
          },
        },
        { selector: "node.observed", style: { shape: "round-rectangle", width: 18, height: 14 } },
        {
          selector: "edge",
          style: { width: 0.6, "line-color": "#868e96", opacity: 0.35, "curve-style": "haystack" },
        },
        { selector: "edge[?soft]", style: { "line-style": "dashed" } },
        {
          selector: "node.blast-down",
          style: { "underlay-color": "#e03131", "underlay-opacity": 0.3, "underlay-padding": 6 },
        },
        {
          selector: "node.blast-degraded",
          style: { "underlay-color": "#e8a317", "underlay-opacity": 0.25, "underlay-padding": 6 },
        },
        {
          selector: "node.epicenter",
          style: {
            width: 34,
            height: 34,
            "border-width": 5,
            "border-color": "#ffd43b",
            "font-size": 16,
            "font-weight": "bold",
            "min-zoomed-font-size": 0,
            color: "#e03131",
            "z-index": 10,
          },
        },
        { selector: ".faded", style: { opacity: 0.08 } },
        { selector: "node:selected", style: { "border-width": 4, "border-color": "#4dabf7" } },
      ],
    });
    cy.on("tap", "node", (e) => setSelected(e.target.id()));
    cy.on("tap", (e) => {
      if (e.target === cy) setSelected(null);
    });
    cyRef.current = cy;
    const epicenters = cy.nodes(".epicenter");
    if (epicenters.nonempty()) cy.fit(epicenters.union(cy.nodes(".blast-down")), 60);
    return () => {
      cy.destroy();
      cyRef.current = null;
    };
  }, [els, big]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new graph (els) must be focused again
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.elements().removeClass("faded");
      cy.nodes().unselect();
      if (!selected) return;
      const node = cy.getElementById(selected);
      if (node.empty()) return;
      const near = node.closedNeighborhood().union(node.successors());
      cy.elements().not(near).addClass("faded");
      node.select();
      cy.animate({ fit: { eles: near, padding: 60 }, duration: 250 });
    });
  }, [selected, els]);

  const find = (e: React.FormEvent) => {
    e.preventDefault();
    const cy = cyRef.current;
    if (!cy || !query.trim()) return setSelected(null);
    const needle = query.trim().toLowerCase();
    const exact = cy.getElementById(needle);
    const hit = exact.nonempty()
      ? exact
      : cy
          .nodes()
          .filter(
            (n) => n.id().includes(needle) || String(n.data("label")).toLowerCase().includes(needle),
          )[0];
    if (!hit) return setNotFound(query);
    setNotFound(null);
    setSelected(hit.id());
    navigate(`/map?focus=${encodeURIComponent(hit.id())}`);
  };

  const data = map.data;
  const epicenters = data?.graph.nodes.filter((n) => n.belief === "failing") ?? [];
  const node = selected ? data?.graph.nodes.find((n) => n.id === selected) : undefined;
  const state = selected ? data?.states.find((s) => s.component === selected) : undefined;
  return (
    <section aria-labelledby="map-title" className="map-page">
      <h1 id="map-title">Map of dependencies</h1>
      <Problem error={map.error} />
      <search>
        <form className="toolbar" onSubmit={find}>
          <label>
            Find a component{" "}
            <input
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="aws/us-east-1"
            />
          </label>
          <button type="submit">Focus</button>
          <button
            type="button"
            onClick={() => {
              setSelected(null);
              cyRef.current?.fit(undefined, 30);
            }}
          >
            Show all
          </button>
          {notFound ? <span role="alert">Nothing matches “{notFound}”.</span> : null}
        </form>
      </search>
      <p className="legend" data-testid="map-epicenter">
        {data
          ? `${data.graph.nodes.length} components, ${data.graph.edges.length} dependencies. `
          : "Loading the model… "}
        {epicenters.length > 0 ? (
          <>
            <strong>Epicenter: {epicenters.map((n) => n.id).join(", ")}</strong> (ringed in yellow);{" "}
            {data?.blast
              ? `blast radius ${data.blast.down.length} down, ${data.blast.degraded.length} degraded (shaded)`
              : ""}
          </>
        ) : data ? (
          "No epicenter now."
        ) : null}
      </p>
      <p className="legend layers">
        Top to bottom: {LAYERS.map(([name]) => name).join(" → ")}. Squares are monitored services.
      </p>
      {node ? (
        <aside className="card node-panel" aria-live="polite">
          <strong>{node.name ?? node.id}</strong> <code>{node.id}</code> · {node.kind} ·{" "}
          <StateBadge
            shown={shownState(
              node.id,
              node.observed,
              state,
              data?.blast
                ? {
                    causes: new Set(epicenters.map((n) => n.id)),
                    down: new Set(data.blast.down),
                    degraded: new Set(data.blast.degraded),
                  }
                : NO_BLAST,
            )}
          />{" "}
          <Link href={componentPath(node.id)}>Open component →</Link>
        </aside>
      ) : null}
      <div ref={box} className="graph" data-testid="graph" role="img" aria-label="Dependency graph" />
    </section>
  );
}
