/**
 * One component: availability and latency over time per vantage (uPlot, from the minute rollups), the last
 * failing check, error classes, and what it requires and what requires it, each with its state.
 */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import {
  api,
  type ComponentDetail,
  type ComponentState,
  type LastFailure,
  type Observation,
  type Rollup,
  type SuspectedDependency,
} from "./api.js";
import { type Blast, loadOpenBlast, shownState } from "./beliefs.js";
import { componentPath, incidentPath } from "./router.js";
import { Badge, clock, Link, Problem, StateBadge, useLoad } from "./ui.js";

type Phases = NonNullable<LastFailure["phases"]>;

interface Detail extends ComponentDetail {
  rollups: Rollup[];
  observations: Observation[];
  states: Map<string, ComponentState>;
  /** The open incidents' blast radius: what the localizer believes of components nobody checks. */
  blast: Blast;
  /** Causes it failed with through a dependency the model lacks, and components that failed with it so. */
  suspected: SuspectedDependency[];
  suspectedDependents: SuspectedDependency[];
}

async function loadComponent(id: string): Promise<Detail> {
  const path = id.split("/").map(encodeURIComponent).join("/");
  const enc = encodeURIComponent(id);
  const [detail, rollups, observations, states, suspected, suspectedDependents, blast] = await Promise.all([
    api<ComponentDetail>(`/api/v1/components/${path}`),
    api<{ rollups: Rollup[] }>(`/api/v1/rollups?resolution=1m&component=${enc}&limit=3000`),
    api<{ observations: Observation[] }>(`/api/v1/observations?component=${enc}&limit=500`),
    api<{ states: ComponentState[] }>("/api/v1/states"),
    api<{ suspected: SuspectedDependency[] }>(`/api/v1/suspected-dependencies?component=${enc}`),
    api<{ suspected: SuspectedDependency[] }>(`/api/v1/suspected-dependencies?cause=${enc}`),
    loadOpenBlast(),
  ]);
  return {
    ...detail,
    suspected: suspected.suspected,
    suspectedDependents: suspectedDependents.suspected,
    rollups: rollups.rollups,
    observations: observations.observations,
    states: new Map(states.states.map((s) => [s.component, s])),
    blast,
  };
}

/** Aligned series per vantage: uPlot wants one x array and one y array per line. */
function series(rollups: Rollup[], value: (r: Rollup) => number | null) {
  const vantages = [...new Set(rollups.map((r) => r.vantage))].sort();
  const times = [...new Set(rollups.map((r) => Date.parse(r.at) / 1000))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const ys = vantages.map(() => times.map(() => null as number | null));
  for (const r of rollups) ys[vantages.indexOf(r.vantage)]![index.get(Date.parse(r.at) / 1000)!] = value(r);
  return { vantages, data: [times, ...ys] as uPlot.AlignedData };
}

const LINE_COLOURS = ["#4dabf7", "#f783ac", "#63e6be", "#ffd43b", "#b197fc", "#ff8787"];

function Chart({
  title,
  rollups,
  value,
  unit,
}: {
  title: string;
  rollups: Rollup[];
  value: (r: Rollup) => number | null;
  unit: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current || rollups.length === 0) return;
    const { vantages, data } = series(rollups, value);
    const width = Math.max(280, box.current.clientWidth);
    const plot = new uPlot(
      {
        width,
        height: 200,
        series: [
          {},
          ...vantages.map((v, i) => ({
            label: v,
            stroke: LINE_COLOURS[i % LINE_COLOURS.length]!,
            width: 2,
            spanGaps: false,
          })),
        ],
        axes: [{ stroke: "#868e96" }, { stroke: "#868e96", label: unit }],
      },
      data,
      box.current,
    );
    return () => plot.destroy();
  }, [rollups, value, unit]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {rollups.length === 0 ? <p>No history yet.</p> : <div ref={box} />}
    </figure>
  );
}

const PHASES: [keyof Phases, string][] = [
  ["dns", "DNS"],
  ["connect", "connect"],
  ["tls", "TLS"],
  ["firstByte", "first byte"],
  ["total", "total"],
];

/**
 * Each vantage's last failing check with the time per phase, ms (a tenth under 10 ms: loopback is fast); "–"
 * for a phase that did not happen (plain HTTP has no TLS, an IP no DNS, a reused connection no connect).
 */
function FailurePhases({ failures }: { failures: LastFailure[] }) {
  return (
    <div className="card">
      <h2>Last failing check per vantage</h2>
      <div className="table-scroll">
        <table className="failures" data-testid="failure-phases">
          <thead>
            <tr>
              <th scope="col">vantage</th>
              <th scope="col">when</th>
              <th scope="col">result</th>
              {PHASES.map(([key, label]) => (
                <th key={key} scope="col" className="num">
                  {label} (ms)
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {failures.map((f) => (
              <tr key={f.vantage}>
                <th scope="row">{f.vantage}</th>
                <td>{clock(f.at)}</td>
                <td>
                  <Badge status={f.status} /> {f.errorClass ?? ""}
                  {f.message ? ` — ${f.message}` : ""}
                </td>
                {PHASES.map(([key]) => {
                  const ms = f.phases?.[key];
                  return (
                    <td key={key} className="num">
                      {ms === undefined ? "–" : ms < 10 ? ms.toFixed(1) : Math.round(ms)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

const availability = (r: Rollup) => {
  const total = r.up + r.degraded + r.down;
  return total === 0 ? null : (100 * (r.up + r.degraded)) / total;
};
const latency = (r: Rollup) => r.latencyMeanMs;

/**
 * Whether a listed component is monitored, from its state alone: GET /api/v1/states lists every observed
 * component (with results, or believed up before any came back) and an unobserved one only when the localizer
 * blames it, so a state without results and with a belief other than up is taken as unobserved.
 */
function monitored(state: ComponentState | undefined): boolean {
  return state !== undefined && (state.observed.length > 0 || state.belief === "up");
}

function Related({
  title,
  ids,
  states,
  blast,
}: {
  title: string;
  ids: string[];
  states: Map<string, ComponentState>;
  blast: Blast;
}) {
  return (
    <div>
      <h2>
        {title} ({ids.length})
      </h2>
      {ids.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul className="related">
          {ids.map((id) => {
            const s = states.get(id);
            return (
              <li key={id}>
                <StateBadge shown={shownState(id, monitored(s), s, blast)} />{" "}
                <Link href={componentPath(id)}>{id}</Link>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** Incidents linked, the latest few (a pair seen in many outages would otherwise list them all). */
const SHOWN_INCIDENTS = 5;

/** Pairs of suspected dependencies, `other` naming the column's side (the cause, or the dependent). */
function Suspected({
  title,
  pairs,
  other,
  otherLabel,
}: {
  title: string;
  pairs: SuspectedDependency[];
  other: (p: SuspectedDependency) => string;
  otherLabel: string;
}) {
  return (
    <div data-testid="suspected-dependencies">
      <h2>
        {title} ({pairs.length})
      </h2>
      <p className="legend">
        Learned from outages: failed with it and has no path to it in the model.{" "}
        <code>epicenter model suggest</code> adds them to a config.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">{otherLabel}</th>
            <th scope="col">Score</th>
            <th scope="col">Incidents</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {pairs.map((p) => (
            <tr key={`${p.component} ${p.cause}`}>
              <td>
                <Link href={componentPath(other(p))}>{other(p)}</Link>
              </td>
              <td>{p.score.toFixed(2)}</td>
              <td>
                {p.incidents.length}:{" "}
                {p.incidents.slice(-SHOWN_INCIDENTS).map((inc, i) => (
                  <span key={inc}>
                    {i > 0 ? ", " : ""}
                    <Link href={incidentPath(inc)}>{inc}</Link>
                  </span>
                ))}
                {p.incidents.length > SHOWN_INCIDENTS ? " …" : ""}
              </td>
              <td>
                <time dateTime={p.lastSeen}>{clock(p.lastSeen)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ComponentPage({ id }: { id: string }) {
  const loaded = useLoad(`component:${id}`, () => loadComponent(id));
  const d = loaded.data;
  const failing = d?.observations.find((o) => o.status !== "up");
  const classes = new Map<string, number>();
  for (const o of d?.observations ?? [])
    if (o.errorClass) classes.set(o.errorClass, (classes.get(o.errorClass) ?? 0) + 1);
  return (
    <section aria-labelledby="component-title">
      <h1 id="component-title">
        {d?.component.name ?? id} <code>{id}</code>
      </h1>
      <Problem error={loaded.error} />
      {!d ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <>
          <p>
            {d.component.kind} ·{" "}
            {d.component.observed ? "monitored" : "not checked directly (inferred from its dependents)"} ·{" "}
            state: <StateBadge shown={shownState(id, d.component.observed, d.state ?? undefined, d.blast)} />{" "}
            · <Link href={`/map?focus=${encodeURIComponent(id)}`}>on the map</Link> ·{" "}
            <Link href={`/whatif?failed=${encodeURIComponent(id)}`}>what if it fails?</Link>
          </p>
          {d.state && d.state.observed.length > 0 ? (
            <p className="vantages">
              {d.state.observed.map((o) => (
                <span key={o.vantage} className={`chip s-${o.status}`}>
                  {o.vantage}: {o.status}
                  {o.errorClass ? ` · ${o.errorClass}` : ""}
                </span>
              ))}
            </p>
          ) : null}
          {d.component.observed ? (
            <div className="charts">
              <Chart
                title="Availability per vantage, % of checks up (per minute)"
                rollups={d.rollups}
                value={availability}
                unit="%"
              />
              <Chart
                title="Mean latency per vantage, ms (per minute)"
                rollups={d.rollups}
                value={latency}
                unit="ms"
              />
            </div>
          ) : null}
          {d.lastFailures.length > 0 ? (
            <FailurePhases failures={d.lastFailures} />
          ) : failing ? (
            <div className="card">
              <h2>Last failing check</h2>
              <p>
                {clock(failing.at)} from <strong>{failing.vantage}</strong>: <Badge status={failing.status} />{" "}
                {failing.errorClass ?? ""}
                {failing.latencyMs !== null ? ` after ${Math.round(failing.latencyMs)} ms` : ""}
                {failing.message ? ` — ${failing.message}` : ""} (check {failing.check})
              </p>
            </div>
          ) : d.component.observed ? (
            <p>No failing check among the last {d.observations.length}.</p>
          ) : null}
          {classes.size > 0 ? (
            <div>
              <h2>Error classes (last {d.observations.length} checks)</h2>
              <ul className="related">
                {[...classes]
                  .sort((a, b) => b[1] - a[1])
                  .map(([c, n]) => (
                    <li key={c}>
                      <code>{c}</code>: {n}
                    </li>
                  ))}
              </ul>
            </div>
          ) : null}
          <div className="two">
            <Related title="It requires" ids={d.dependencies} states={d.states} blast={d.blast} />
            <Related title="Required by" ids={d.dependents} states={d.states} blast={d.blast} />
          </div>
          {d.suspected.length > 0 ? (
            <Suspected
              title="Suspected dependencies"
              pairs={d.suspected}
              other={(p) => p.cause}
              otherLabel="Probably requires"
            />
          ) : null}
          {d.suspectedDependents.length > 0 ? (
            <Suspected
              title="Suspected dependents"
              pairs={d.suspectedDependents}
              other={(p) => p.component}
              otherLabel="Probably required by"
            />
          ) : null}
        </>
      )}
    </section>
  );
}
