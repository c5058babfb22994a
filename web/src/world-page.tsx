/**
 * World: the provider regions on a map of the countries (offline, Natural Earth via world-atlas), the open
 * incidents' epicenter marked with rings, regions in the blast radius shaded by state, and the vantages where
 * they run, a blind one drawn hollow and crossed. Every state has a shape and a word, not only a colour; the
 * tables under the map list the same regions and vantages for readers who do not see it.
 */
import { useEffect, useMemo, useRef } from "react";
import { api, openStream, type World } from "./api.js";
import { useChartWidth } from "./chart-width.js";
import { componentPath } from "./router.js";
import { Link, Problem, useLoad } from "./ui.js";
import { placeLabels } from "./world-labels.js";
import { type Projection, ringsPath, worldProjection } from "./world-projection.js";
import { countryPolygons } from "./world-shapes.js";
import "./world-map.css";

type Region = World["regions"][number];
type Vantage = World["vantages"][number];

/** What a region's state says in words: regions are never checked, so every state is believed. */
const WORDS: Record<Region["state"], string> = {
  epicenter: "epicenter",
  down: "likely down",
  degraded: "likely degraded",
  up: "likely up",
};
/** The state colour (styles.css) each is drawn in. */
const CLASS: Record<Region["state"], string> = {
  epicenter: "s-down",
  down: "s-down",
  degraded: "s-degraded",
  up: "s-up",
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One sentence for the map: the epicenter, how many regions are hit, the vantages. */
export function worldSummary(world: World): string {
  const causes = world.epicenters.map((e) =>
    e.region === null
      ? `${e.component} (no one region)`
      : e.region === e.component
        ? e.region
        : `${e.component}, in ${e.region}`,
  );
  const down = world.regions.filter((r) => r.state === "down").length;
  const degraded = world.regions.filter((r) => r.state === "degraded").length;
  const blind = world.vantages.filter((v) => v.blind).length;
  const unplaced = world.vantages.filter((v) => v.place === null).length;
  const vantageNotes = [blind > 0 ? `${blind} blind` : "", unplaced > 0 ? `${unplaced} not placed` : ""]
    .filter(Boolean)
    .join(", ");
  return [
    causes.length > 0 ? `Epicenter: ${causes.join("; ")}.` : "No open incident names a cause.",
    `${plural(down, "region")} likely down and ${degraded} likely degraded besides, of ${plural(world.regions.length, "region")} on the map.`,
    `${plural(world.vantages.length, "vantage")}${vantageNotes ? ` (${vantageNotes})` : ""}.`,
  ].join(" ");
}

function RegionMark({ region, at }: { region: Region; at: [number, number] }) {
  const [x, y] = at;
  const title = `${region.id}${region.name ? ` (${region.name})` : ""}: ${WORDS[region.state]}`;
  const mark =
    region.state === "epicenter" ? (
      <>
        <circle className="halo" cx={x} cy={y} r={20} />
        <circle className="ring" cx={x} cy={y} r={14} />
        <circle className="ring" cx={x} cy={y} r={9} />
        <circle className="dot" cx={x} cy={y} r={5} />
      </>
    ) : region.state === "down" ? (
      <>
        <circle className="halo" cx={x} cy={y} r={12} />
        <circle className="dot" cx={x} cy={y} r={5} />
      </>
    ) : region.state === "degraded" ? (
      <>
        <circle className="halo" cx={x} cy={y} r={11} />
        <rect className="dot" x={x - 4} y={y - 4} width={8} height={8} transform={`rotate(45 ${x} ${y})`} />
      </>
    ) : (
      <circle className="dot" cx={x} cy={y} r={2.5} />
    );
  // No links inside the picture (an image holds no controls): the table under it links every region.
  return (
    <g
      className={`region ${region.state} ${CLASS[region.state]}`}
      data-id={region.id}
      data-state={region.state}
    >
      <title>{title}</title>
      {mark}
    </g>
  );
}

function VantageMark({ vantage, at }: { vantage: Vantage; at: [number, number] }) {
  const [x, y] = at;
  const triangle = `M${x},${y - 7}L${x + 7},${y + 5}L${x - 7},${y + 5}Z`;
  return (
    <g className={`vantage ${vantage.blind ? "blind s-down" : "reporting"}`} data-id={vantage.id}>
      <title>{`${vantage.id}: ${vantage.blind ? "blind, sees nothing" : "reporting"}`}</title>
      <path d={triangle} />
      {vantage.blind ? (
        <path
          className="cross"
          d={`M${x - 4},${y - 2}L${x + 4},${y + 4}M${x + 4},${y - 2}L${x - 4},${y + 4}`}
        />
      ) : null}
    </g>
  );
}

function WorldMap({ world }: { world: World }) {
  const frame = useRef<HTMLElement>(null);
  const width = useChartWidth(frame);
  const projection: Projection = useMemo(() => worldProjection(width), [width]);
  const land = useMemo(() => ringsPath(countryPolygons(), projection), [projection]);
  const regions = world.regions
    .map((r) => ({ r, at: projection.project(r.lat, r.lon) }))
    .filter((m): m is { r: Region; at: [number, number] } => m.at !== null);
  const vantages = world.vantages
    .map((v) => ({ v, at: v.place ? projection.project(v.place.lat, v.place.lon) : null }))
    .filter((m): m is { v: Vantage; at: [number, number] } => m.at !== null);
  // Labels for what matters, most important first: the epicenter, regions hit, then the vantages.
  const labels = placeLabels(
    [
      ...regions
        .filter(({ r }) => r.state !== "up")
        .map(({ r, at }) => ({ id: r.id, x: at[0], y: at[1], text: `${r.id} ${WORDS[r.state]}` })),
      ...vantages.map(({ v, at }) => ({
        id: v.id,
        x: at[0],
        y: at[1],
        text: v.blind ? `${v.id} blind` : v.id,
      })),
    ],
    projection.width,
    projection.height,
  );
  // Up regions underneath, the hit ones over them, the worst last (on top).
  const drawOrder = [...regions].reverse();
  return (
    <figure className="chart world-map" ref={frame} data-testid="world-map">
      <figcaption>Provider regions and vantages</figcaption>
      <svg
        role="img"
        aria-label={`World map. ${worldSummary(world)} Every region and vantage is listed in the tables below.`}
        width={projection.width}
        height={projection.height}
        viewBox={`0 0 ${projection.width} ${projection.height}`}
      >
        <path className="land" d={land} />
        {drawOrder.map(({ r, at }) => (
          <RegionMark key={r.id} region={r} at={at} />
        ))}
        {vantages.map(({ v, at }) => (
          <VantageMark key={v.id} vantage={v} at={at} />
        ))}
        {labels.map((l) => (
          <text key={l.id} className="label" x={l.left} y={l.baseline} data-for={l.id}>
            {l.text}
          </text>
        ))}
      </svg>
      <ul className="world-legend" aria-label="Legend">
        <li>
          <svg
            width="26"
            height="26"
            viewBox="-13 -13 26 26"
            aria-hidden="true"
            className="s-down region epicenter"
          >
            <circle className="ring" r={10} />
            <circle className="dot" r={4} />
          </svg>
          epicenter: the named cause is or lies in this region
        </li>
        <li>
          <svg
            width="26"
            height="26"
            viewBox="-13 -13 26 26"
            aria-hidden="true"
            className="s-down region down"
          >
            <circle className="halo" r={11} />
            <circle className="dot" r={5} />
          </svg>
          likely down: in the blast radius
        </li>
        <li>
          <svg
            width="26"
            height="26"
            viewBox="-13 -13 26 26"
            aria-hidden="true"
            className="s-degraded region degraded"
          >
            <circle className="halo" r={11} />
            <rect className="dot" x={-4} y={-4} width={8} height={8} transform="rotate(45)" />
          </svg>
          likely degraded
        </li>
        <li>
          <svg width="26" height="26" viewBox="-13 -13 26 26" aria-hidden="true" className="s-up region up">
            <circle className="dot" r={2.5} />
          </svg>
          likely up
        </li>
        <li>
          <svg
            width="26"
            height="26"
            viewBox="-13 -13 26 26"
            aria-hidden="true"
            className="vantage reporting"
          >
            <path d="M0,-7L7,5L-7,5Z" />
          </svg>
          vantage, reporting
        </li>
        <li>
          <svg
            width="26"
            height="26"
            viewBox="-13 -13 26 26"
            aria-hidden="true"
            className="vantage blind s-down"
          >
            <path d="M0,-7L7,5L-7,5Z" />
            <path className="cross" d="M-4,-2L4,4M4,-2L-4,4" />
          </svg>
          vantage, blind
        </li>
      </ul>
    </figure>
  );
}

const where = (lat: number, lon: number) =>
  `${Math.abs(lat).toFixed(2)}° ${lat >= 0 ? "N" : "S"}, ${Math.abs(lon).toFixed(2)}° ${lon >= 0 ? "E" : "W"}`;

export function WorldPage() {
  const world = useLoad("/api/v1/world", () => api<World>("/api/v1/world"), true);
  // Live: any event redraws the map, at most once a second; a slow poll covers a dropped stream.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { reload } = world;
  useEffect(() => {
    const close = openStream(() => {
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        reload();
      }, 1000);
    });
    const poll = setInterval(reload, 15_000);
    return () => {
      close();
      clearInterval(poll);
      if (pending.current) clearTimeout(pending.current);
    };
  }, [reload]);
  const data = world.data;
  return (
    <section aria-labelledby="world-title">
      <h1 id="world-title">World</h1>
      <Problem error={world.error} />
      {!data ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <>
          <p className="world-summary" data-testid="world-summary">
            {worldSummary(data)}
          </p>
          <WorldMap world={data} />
          <h2 id="world-regions">Regions</h2>
          <div className="table-scroll">
            <table aria-labelledby="world-regions" data-testid="world-regions">
              <thead>
                <tr>
                  <th scope="col">Region</th>
                  <th scope="col">State</th>
                  <th scope="col">Where</th>
                </tr>
              </thead>
              <tbody>
                {data.regions.map((r) => (
                  <tr key={r.id} data-id={r.id} data-state={r.state}>
                    <th scope="row">
                      <Link href={componentPath(r.id)}>{r.id}</Link>
                      {r.name ? <span className="muted"> {r.name}</span> : null}
                    </th>
                    <td>
                      <span className={`badge ${CLASS[r.state]}`}>{WORDS[r.state]}</span>
                    </td>
                    <td>{where(r.lat, r.lon)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2 id="world-vantages">Vantages</h2>
          <div className="table-scroll">
            <table aria-labelledby="world-vantages" data-testid="world-vantages">
              <thead>
                <tr>
                  <th scope="col">Vantage</th>
                  <th scope="col">State</th>
                  <th scope="col">Where it runs</th>
                </tr>
              </thead>
              <tbody>
                {data.vantages.map((v) => (
                  <tr key={v.id} data-id={v.id} data-blind={v.blind}>
                    <th scope="row">
                      <code>{v.id}</code>
                    </th>
                    <td>
                      <span className={`badge ${v.blind ? "s-down" : "s-up"}`}>
                        {v.blind ? "blind: an open incident names it" : "reporting"}
                      </span>
                    </td>
                    <td>
                      {v.region ? `${v.region}, ` : ""}
                      {v.place ? where(v.place.lat, v.place.lon) : "not placed (the config does not say)"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
