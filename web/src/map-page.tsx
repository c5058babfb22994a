/**
 * The map: the model grouped by provider and region (map-groups.ts), each group drawn collapsed as one node
 * with its count and worst state until opened (click it, or Enter/Space on its button in the list below),
 * dependencies between what is drawn bundled into one edge with a weight. The current incident's groups open
 * by themselves and every group in its blast radius is outlined; search opens the groups of what it finds and
 * focuses it. Labels show on groups always and on components only at a zoom where they are readable, so a
 * 5,000-service model draws as a few dozen nodes.
 */
import cytoscape, { type Core, type ElementDefinition } from "cytoscape";
import { useEffect, useMemo, useRef, useState } from "react";
import { statusOf } from "./api.js";
import { NO_BLAST, shownState } from "./beliefs.js";
import { type MapData, mapData } from "./map-data.js";
import {
  bundleEdges,
  drawnNodes,
  groupComponents,
  groupPath,
  type MapComponent,
  type MapGroup,
  type MapGrouping,
} from "./map-groups.js";
import { componentPath, navigate, useLocation } from "./router.js";
import { Link, Problem, StateBadge, useLoad } from "./ui.js";

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

/** The words the group list says for a worst state. */
const WORST_WORDS: Record<string, string> = {
  up: "all up",
  model: "all up",
  unknown: "worst unknown",
  degraded: "worst degraded",
  affected: "worst affected",
  partial: "worst partly down",
  down: "worst down",
  failing: "failing",
};

/** The graph's components with one status word each and whether the blast radius holds them. */
function mapComponents({ graph, states, blast }: MapData): MapComponent[] {
  const stateOf = new Map(states.map((s) => [s.component, s]));
  const hit = new Set([...(blast?.down ?? []), ...(blast?.degraded ?? [])]);
  return graph.nodes.map((n) => ({
    id: n.id,
    kind: n.kind,
    label: n.name ?? n.id,
    status: n.observed ? statusOf(stateOf.get(n.id)) : n.belief === "up" ? "model" : n.belief,
    hit: hit.has(n.id) || n.belief === "failing",
  }));
}

const count = (n: number) => n.toLocaleString("en");
const groupWords = (g: MapGroup) =>
  `${count(g.count)} components, ${WORST_WORDS[g.worst] ?? g.worst}${g.hits > 0 ? `, ${count(g.hits)} in the blast radius` : ""}`;

/** Cytoscape's elements for what `expanded` shows: positioned nodes, compound parents and bundled edges. */
function elements(
  grouping: MapGrouping,
  expanded: ReadonlySet<string>,
  data: MapData,
  components: Map<string, MapComponent>,
): ElementDefinition[] {
  const byId = new Map(data.graph.nodes.map((n) => [n.id, n]));
  const down = new Set(data.blast?.down ?? []);
  const degraded = new Set(data.blast?.degraded ?? []);
  const out: ElementDefinition[] = [];
  for (const d of drawnNodes(grouping, expanded)) {
    const parent = d.parent && expanded.has(d.parent) ? d.parent : undefined;
    if (d.kind === "component") {
      const n = byId.get(d.id)!;
      const c = components.get(d.id)!;
      const classes = [
        "component",
        n.belief === "failing" ? "epicenter" : "",
        down.has(n.id) && n.belief !== "failing" ? "blast-down" : "",
        degraded.has(n.id) ? "blast-degraded" : "",
        n.observed ? "observed" : "",
      ].filter(Boolean);
      out.push({
        group: "nodes",
        data: { id: d.id, label: c.label, colour: COLOURS[c.status] ?? COLOURS.unknown, parent },
        position: { x: d.x, y: d.y },
        classes,
      });
      continue;
    }
    const g = grouping.groups.get(d.id)!;
    const classes = ["group", d.kind, g.hits > 0 ? "in-blast" : ""].filter(Boolean);
    out.push({
      group: "nodes",
      data: {
        id: d.id,
        label:
          d.kind === "collapsed"
            ? `${g.label}\n${count(g.count)} · ${g.worst === "model" ? "up" : g.worst}`
            : g.label,
        colour: COLOURS[g.worst] ?? COLOURS.unknown,
        size: d.size,
        parent,
      },
      ...(d.kind === "collapsed" ? { position: { x: d.x, y: d.y } } : {}),
      classes,
    });
  }
  for (const e of bundleEdges(grouping, expanded, data.graph.edges))
    out.push({
      group: "edges",
      data: {
        id: e.id,
        source: e.source,
        target: e.target,
        weight: e.weight,
        label: e.weight > 1 ? count(e.weight) : "",
      },
    });
  return out;
}

/** The page's colours, read from its CSS so canvas labels follow the theme. */
function themeColours() {
  const s = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
  return { fg: v("--fg", "#212529"), card: v("--card", "#ffffff"), muted: v("--muted", "#5c6670") };
}

function newGraph(container: HTMLElement): Core {
  const { fg, card, muted } = themeColours();
  return cytoscape({
    container,
    minZoom: 0.02,
    maxZoom: 3,
    pixelRatio: 1,
    style: [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          label: "data(label)",
          color: fg,
          "text-outline-color": card,
          "text-outline-width": 2,
          "font-size": 10,
          // Below 9 px on screen a label is noise: hidden until the reader zooms in.
          "min-zoomed-font-size": 9,
          "text-valign": "bottom",
          "text-margin-y": 3,
          // A component's cell is 90 px wide: longer names end in an ellipsis instead of running into the next.
          "text-wrap": "ellipsis",
          "text-max-width": "84px",
          width: 16,
          height: 16,
        },
      },
      { selector: "node.observed", style: { shape: "round-rectangle", width: 20, height: 16 } },
      {
        selector: "node.collapsed",
        style: {
          width: "data(size)",
          height: "data(size)",
          "font-size": 13,
          "min-zoomed-font-size": 7,
          "text-wrap": "wrap",
          "text-max-width": "150px",
          "border-width": 2,
          "border-color": muted,
        },
      },
      {
        selector: "node.expanded",
        style: {
          "background-color": muted,
          "background-opacity": 0.06,
          "border-width": 1.5,
          "border-style": "dashed",
          "border-color": muted,
          "text-valign": "top",
          "text-margin-y": -4,
          "font-size": 14,
          "min-zoomed-font-size": 7,
          "font-weight": "bold",
          "text-wrap": "none",
          padding: "18px",
        },
      },
      {
        selector: "node.group.in-blast",
        style: { "border-width": 4, "border-style": "solid", "border-color": "#e03131" },
      },
      {
        selector: "edge",
        style: {
          width: "mapData(weight, 1, 200, 0.8, 9)",
          "line-color": muted,
          opacity: 0.45,
          "curve-style": "straight",
          "target-arrow-shape": "triangle",
          "target-arrow-color": muted,
          "arrow-scale": 0.6,
          label: "data(label)",
          "font-size": 10,
          "min-zoomed-font-size": 9,
          color: fg,
          "text-outline-color": card,
          "text-outline-width": 2,
        },
      },
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
          "text-max-width": "220px",
          color: "#e03131",
          "z-index": 10,
        },
      },
      { selector: ".faded", style: { opacity: 0.1 } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#4dabf7" } },
    ],
  });
}

/** The groups that start open: the current incident's (its epicenters' provider and region) and the focus's. */
function initiallyExpanded(grouping: MapGrouping, data: MapData, focus: string | null): Set<string> {
  const open = new Set<string>();
  for (const n of data.graph.nodes)
    if (n.belief === "failing") for (const g of groupPath(grouping, n.id)) open.add(g);
  if (focus) for (const g of groupPath(grouping, focus)) open.add(g);
  return open;
}

export function MapPage() {
  const { search } = useLocation();
  const focus = search.get("focus");
  const map = useLoad("map", mapData);
  const box = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const [query, setQuery] = useState(focus ?? "");
  const [selected, setSelected] = useState<string | null>(focus);
  const [notFound, setNotFound] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const [drawn, setDrawn] = useState(0);
  // The group opened last: the view moves to it after the redraw.
  const opened = useRef<string | null>(null);
  const data = map.data;
  const components = useMemo(() => (data ? mapComponents(data) : []), [data]);
  const byId = useMemo(() => new Map(components.map((c) => [c.id, c])), [components]);
  const grouping = useMemo(
    () => (data ? groupComponents(components, data.graph.edges) : null),
    [data, components],
  );
  const initial = useMemo(
    () => (grouping && data ? initiallyExpanded(grouping, data, focus) : new Set<string>()),
    [grouping, data, focus],
  );
  const expanded = chosen ?? initial;

  const toggle = (id: string) => {
    if (!grouping) return;
    const next = new Set(expanded);
    if (next.has(id)) {
      // Closing a provider closes its regions too, so reopening it shows them collapsed.
      next.delete(id);
      for (const c of grouping.groups.get(id)?.children ?? []) next.delete(c);
      opened.current = null;
    } else {
      next.add(id);
      const parent = grouping.groups.get(id)?.parent;
      if (parent) next.add(parent);
      opened.current = id;
    }
    setChosen(next);
  };
  const toggleRef = useRef(toggle);
  toggleRef.current = toggle;

  useEffect(() => {
    if (!box.current || !grouping) return;
    const cy = newGraph(box.current);
    cy.on("tap", "node.group", (e) => toggleRef.current(e.target.id()));
    cy.on("tap", "node.component", (e) => setSelected(e.target.id()));
    cy.on("tap", (e) => {
      if (e.target === cy) setSelected(null);
    });
    cyRef.current = cy;
    return () => {
      cy.destroy();
      cyRef.current = null;
    };
  }, [grouping]);

  useEffect(() => {
    const cy = cyRef.current;
    const container = box.current;
    if (!cy || !grouping || !data || !container) return;
    cy.batch(() => {
      cy.elements().remove();
      cy.add(elements(grouping, expanded, data, byId));
    });
    const target = opened.current ? cy.getElementById(opened.current) : cy.collection();
    const epicenters = cy.nodes(".epicenter");
    if (target.nonempty()) cy.fit(target.union(target.descendants()), 40);
    else if (epicenters.nonempty() && !chosen)
      cy.fit(epicenters.union(cy.nodes(".blast-down, .in-blast")), 60);
    else cy.fit(undefined, 30);
    // The map counts as drawn once the canvas has painted this set (tests and bench:ui wait for it).
    const shown = cy.nodes().length;
    cy.one("render", () => {
      container.dataset.drawn = String(shown);
      container.dataset.expanded = [...expanded].sort().join(" ");
      setDrawn((d) => d + 1);
    });
  }, [grouping, expanded, data, byId, chosen]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || drawn === 0) return;
    cy.batch(() => {
      cy.elements().removeClass("faded");
      cy.nodes().unselect();
      if (!selected) return;
      const node = cy.getElementById(selected);
      if (node.empty()) return;
      const near = node.closedNeighborhood().union(node.successors());
      cy.elements().not(near).not(node.ancestors()).addClass("faded");
      node.select();
      cy.animate({ fit: { eles: near, padding: 60 }, duration: 250 });
      if (box.current) box.current.dataset.focus = selected;
    });
  }, [selected, drawn]);

  const find = (e: React.FormEvent) => {
    e.preventDefault();
    if (!data || !grouping || !query.trim()) return setSelected(null);
    const needle = query.trim().toLowerCase();
    const hit =
      byId.get(needle) ??
      components.find((c) => c.id.includes(needle) || c.label.toLowerCase().includes(needle));
    if (!hit) return setNotFound(query);
    setNotFound(null);
    const path = groupPath(grouping, hit.id);
    if (path.some((g) => !expanded.has(g))) {
      opened.current = null;
      setChosen(new Set([...expanded, ...path]));
    }
    setSelected(hit.id);
    navigate(`/map?focus=${encodeURIComponent(hit.id)}`);
  };

  const epicenters = data?.graph.nodes.filter((n) => n.belief === "failing") ?? [];
  const node = selected ? data?.graph.nodes.find((n) => n.id === selected) : undefined;
  const state = selected ? data?.states.find((s) => s.component === selected) : undefined;
  const groupButton = (g: MapGroup) => (
    <button
      type="button"
      className={g.hits > 0 ? "in-blast" : undefined}
      aria-expanded={expanded.has(g.id)}
      data-group={g.id}
      onClick={() => toggle(g.id)}
    >
      {g.label} <span className="group-words">({groupWords(g)})</span>
    </button>
  );
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
              opened.current = null;
              setChosen(new Set());
            }}
          >
            Collapse all
          </button>
          {notFound ? <span role="alert">Nothing matches “{notFound}”.</span> : null}
        </form>
      </search>
      <p className="legend" data-testid="map-epicenter">
        {data
          ? `${count(data.graph.nodes.length)} components, ${count(data.graph.edges.length)} dependencies. `
          : "Loading the model… "}
        {epicenters.length > 0 ? (
          <>
            <strong>Epicenter: {epicenters.map((n) => n.id).join(", ")}</strong> (ringed in yellow);{" "}
            {data?.blast
              ? `blast radius ${data.blast.down.length} down, ${data.blast.degraded.length} degraded (shaded; its groups outlined in red)`
              : ""}
          </>
        ) : data ? (
          "No epicenter now."
        ) : null}
      </p>
      <p className="legend layers">
        Grouped by provider and region: a circle is a closed group with its count and worst state; click it
        (or its button below) to open it, click an open group's frame to close it. Lines bundle the
        dependencies between what is drawn, thicker and numbered for more. Squares are monitored services.
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
      <div
        ref={box}
        className="graph"
        data-testid="graph"
        role="img"
        aria-label="Dependency graph, grouped by provider and region"
      />
      {grouping ? (
        <>
          <h2 id="map-groups-title">Groups</h2>
          <ul className="map-groups" aria-labelledby="map-groups-title" data-testid="map-groups">
            {grouping.roots.map((r) => {
              const g = grouping.groups.get(r)!;
              return (
                <li key={r}>
                  {groupButton(g)}
                  {expanded.has(r) && g.children.length > 0 ? (
                    <ul>
                      {g.children.map((c) => (
                        <li key={c}>{groupButton(grouping.groups.get(c)!)}</li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </section>
  );
}
