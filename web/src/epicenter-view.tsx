/**
 * The epicenter view: an incident's named cause in the middle and its blast radius in rings around it (SVG),
 * nodes coloured by state and saying it in words (observed, or believed when nobody checks them), sized by
 * how many of your services depend on the cause through them; runners-up apart and faint with their
 * confidence. Every node is a link to its component page, reached with Tab. Redraws in place as the
 * incident grows and shrinks.
 */
import type React from "react";
import { api, type ComponentState, type GraphData, type Incident, type Status } from "./api.js";
import { type Blast, loadBlast, type ShownState, shownState } from "./beliefs.js";
import { type EpicenterLayout, type LaidNode, layoutEpicenter } from "./epicenter-layout.js";
import { componentPath, navigate } from "./router.js";
import { percent, useLoad, useTick } from "./ui.js";

interface ViewData {
  graph: GraphData;
  states: Map<string, ComponentState>;
  blast: Blast;
}

/** The model changes only on a config reload: one fetch serves every view for a minute. */
const GRAPH_TTL_MS = 60_000;
let graphCache: { at: number; graph: Promise<GraphData> } | null = null;

function cachedGraph(): Promise<GraphData> {
  if (!graphCache || Date.now() - graphCache.at > GRAPH_TTL_MS) {
    const graph = api<GraphData>("/api/v1/graph");
    graph.catch(() => {
      graphCache = null;
    });
    graphCache = { at: Date.now(), graph };
  }
  return graphCache.graph;
}

async function loadView(cause: string): Promise<ViewData> {
  const [graph, { states }, blast] = await Promise.all([
    cachedGraph(),
    api<{ states: ComponentState[] }>("/api/v1/states"),
    loadBlast([cause]),
  ]);
  return { graph, states: new Map(states.map((s) => [s.component, s])), blast };
}

const SEVERITY: Record<Status, number> = { down: 0, partial: 1, degraded: 2, unknown: 3, up: 4 };

/** How often the view rereads the states between incident changes. */
const REFRESH_MS = 15_000;

export function EpicenterView({ incident }: { incident: Incident }) {
  const [top, ...rest] = incident.epicenter;
  const cause = top?.component ?? "";
  const tick = Math.floor(useTick(REFRESH_MS) / REFRESH_MS);
  const view = useLoad(`epicenter:${cause}:${incident.updatedAt}:${tick}`, () => loadView(cause), true);
  const d = view.data;
  if (!top || incident.vantage || !d || !d.graph.nodes.some((n) => n.id === cause)) return null;
  const observed = new Map(d.graph.nodes.map((n) => [n.id, n.observed]));
  const shown = new Map<string, ShownState>();
  const stateOf = (id: string) => {
    const known = shown.get(id);
    if (known) return known;
    const s = shownState(id, observed.get(id) === true, d.states.get(id), d.blast);
    shown.set(id, s);
    return s;
  };
  const blast = new Set([...d.blast.down, ...d.blast.degraded, ...incident.affected]);
  const layout = layoutEpicenter({
    cause,
    blast,
    model: d.graph,
    runnersUp: rest,
    severity: (id) => SEVERITY[stateOf(id).main.status],
  });
  const services = layout.nodes.filter((n) => n.observed && n.id !== cause).length;
  const hiddenServices = layout.hidden.at(-1) ?? 0;
  return (
    <figure className="epicenter-view" data-testid="epicenter-view">
      <svg viewBox={`0 0 ${layout.size} ${layout.size}`}>
        <title>{`Blast radius of ${cause}: ${services + hiddenServices} of your services depend on it`}</title>
        <Rings layout={layout} />
        <g className="links">
          {layout.links.map((l) => {
            const a = layout.nodes.find((n) => n.id === l.from)!;
            const b = layout.nodes.find((n) => n.id === l.to)!;
            return (
              <line
                key={`${l.from}>${l.to}`}
                className={l.suspected ? "link suspected" : "link"}
                x1={a.x}
                y1={a.y}
                x2={b.x}
                y2={b.y}
                strokeWidth={Math.min(10, 1 + 1.2 * Math.sqrt(l.carries))}
              />
            );
          })}
        </g>
        <g className="nodes">
          {layout.nodes.map((n) => (
            <Node
              key={n.id}
              node={n}
              layout={layout}
              state={stateOf(n.id)}
              runnerUp={layout.runnersUp.find((r) => r.id === n.id)?.confidence}
              confidence={n.id === cause ? top.confidence : undefined}
            />
          ))}
        </g>
        <MoreNote layout={layout} />
        <RunnersUp layout={layout} />
      </svg>
      <figcaption className="legend">
        Blast radius of <strong>{cause}</strong> in the model: {services + hiddenServices} of your services
        depend on it, in {layout.radii.length - 1} ring{layout.radii.length === 2 ? "" : "s"}. Centre: the
        named cause. Rings: what it takes down along the dependency path, your monitored services outermost.
        Size: how many of your services depend on the cause through a node or link. Solid: observed by your
        vantages; dashed: believed by the localizer (nobody checks it).
      </figcaption>
    </figure>
  );
}

function Rings({ layout }: { layout: EpicenterLayout }) {
  return (
    <g className="rings">
      {layout.radii.slice(1).map((r) => (
        <circle key={r} className="ring" cx={layout.centre} cy={layout.centre} r={r} />
      ))}
    </g>
  );
}

/** Follows the node's link without a reload, as the app's other links do (modified clicks open tabs). */
function follow(e: React.MouseEvent<Element>, href: string): void {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(href);
}

function Node({
  node,
  layout,
  state,
  runnerUp,
  confidence,
}: {
  node: LaidNode;
  layout: EpicenterLayout;
  state: ShownState;
  runnerUp: number | undefined;
  confidence: number | undefined;
}) {
  const href = componentPath(node.id);
  const words = state.belief ? `${state.main.word}, ${state.belief.word}` : state.main.word;
  const how = state.belief ? "observed, believed" : state.main.source;
  const extra = [
    confidence !== undefined ? `named cause, ${percent(confidence)} confidence` : "",
    runnerUp !== undefined ? `runner-up, ${percent(runnerUp)}` : "",
    node.id !== layout.nodes[0]?.id ? `${node.carries} of your services through it` : "",
  ].filter(Boolean);
  const name = `${node.id}: ${words} (${how})${extra.length ? `; ${extra.join("; ")}` : ""}`;
  const outer = node.ring === layout.radii.length - 1 && node.ring > 0;
  return (
    <a
      href={href}
      onClick={(e) => follow(e, href)}
      aria-label={name}
      className={`node s-${state.main.status} ${state.main.source}${runnerUp !== undefined ? " runner-up" : ""}`}
      data-id={node.id}
      data-ring={node.ring}
      style={{ transform: `translate(${node.x}px, ${node.y}px)` }}
    >
      <title>{name}</title>
      {runnerUp !== undefined ? <circle className="halo" r={node.r + 6} /> : null}
      <circle className="dot" r={node.r} />
      {state.belief ? <circle className={`belief s-${state.belief.status}`} r={node.r + 3} /> : null}
      {outer ? <RadialLabel node={node} text={`${node.label} · ${words}`} /> : null}
      {!outer ? (
        <text className={node.ring === 0 ? "label cause" : "label"} y={node.r + 14} textAnchor="middle">
          <tspan x={0}>{node.label}</tspan>
          <tspan x={0} dy="1.2em" className="word">
            {confidence !== undefined ? `named cause · ${percent(confidence)}` : words}
          </tspan>
          {runnerUp !== undefined ? (
            <tspan x={0} dy="1.2em" className="word">
              runner-up {percent(runnerUp)}
            </tspan>
          ) : null}
        </text>
      ) : null}
    </a>
  );
}

/** Outer-ring labels run along the radius, away from the centre, turned to read left to right. */
function RadialLabel({ node, text }: { node: LaidNode; text: string }) {
  const deg = (node.angle * 180) / Math.PI - 90;
  const left = node.angle > Math.PI;
  return (
    <text
      className="label radial"
      transform={`rotate(${left ? deg + 180 : deg})`}
      x={left ? -(node.r + 5) : node.r + 5}
      dy="0.35em"
      textAnchor={left ? "end" : "start"}
    >
      {text}
    </text>
  );
}

/** "+N more" in the outer ring's spare slot when it was full. */
function MoreNote({ layout }: { layout: EpicenterLayout }) {
  const k = layout.radii.length - 1;
  const hidden = layout.hidden[k] ?? 0;
  if (k === 0 || hidden === 0) return null;
  const ring = layout.nodes.filter((n) => n.ring === k);
  const step = (2 * Math.PI) / (ring.length + 1);
  const a = (ring.at(-1)?.angle ?? 0) + step;
  const r = layout.radii[k]!;
  return (
    <text
      className="label more"
      x={layout.centre + r * Math.sin(a)}
      y={layout.centre - r * Math.cos(a)}
      textAnchor="middle"
      dy="0.35em"
    >
      +{hidden} more
    </text>
  );
}

/** Runners-up outside the blast radius, in the top left corner, faint; each a link too. */
function RunnersUp({ layout }: { layout: EpicenterLayout }) {
  const apart = layout.runnersUp.filter((r) => !r.inBlast);
  if (apart.length === 0) return null;
  return (
    <g className="runners-up">
      <text className="label word" x={12} y={22}>
        Also possible:
      </text>
      {apart.map((r, i) => {
        const href = componentPath(r.id);
        const name = `${r.id}: runner-up, ${percent(r.confidence)} confidence`;
        return (
          <a
            key={r.id}
            href={href}
            onClick={(e) => follow(e, href)}
            aria-label={name}
            className="node runner-up believed"
            data-id={r.id}
            style={{ transform: `translate(24px, ${48 + i * 30}px)` }}
          >
            <title>{name}</title>
            <circle className="halo" r={10} />
            <text className="label" x={18} dy="0.35em">
              {r.id} · {percent(r.confidence)}
            </text>
          </a>
        );
      })}
    </g>
  );
}
