/**
 * The incident page's chart (SVG): affected services failing over time as a step line, the opening and the
 * resolution as lines, and each change of the named cause as a numbered marker (a square for the first
 * naming, a diamond for a rename, a circle for a change of confidence), listed in words under the chart.
 */
import { useRef } from "react";
import { useChartWidth } from "./chart-width.js";
import {
  affectedSeries,
  type HypothesisChange,
  hypothesisChanges,
  layoutIncidentChart,
  type ObservedComponent,
  type Ranked,
} from "./incident-chart-layout.js";
import { percent } from "./ui.js";

export interface IncidentChartProps {
  components: readonly ObservedComponent[];
  history: readonly { at: number; epicenter: readonly Ranked[] }[];
  openedAt: number;
  resolvedAt: number | null;
  from: number;
  to: number;
  /** Affected services the chart follows, of how many (the page looks up the first few). */
  followed: number;
  affected: number;
}

/** "12:04:31": the time of day in UTC, as the timeline under the chart gives it in full. */
function hms(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

/** What a change says in words. */
export function changeText(c: HypothesisChange): string {
  if (c.kind === "named") return `named ${c.component} (${percent(c.confidence)})`;
  if (c.kind === "renamed")
    return `renamed to ${c.component} (${percent(c.confidence)}), was ${c.previous!.component} (${percent(c.previous!.confidence)})`;
  return `${c.component}: confidence ${percent(c.previous!.confidence)} → ${percent(c.confidence)}`;
}

function Marker({ kind, x, y }: { kind: HypothesisChange["kind"]; x: number; y: number }) {
  if (kind === "renamed")
    return (
      <rect className="shape" x={x - 7} y={y - 7} width={14} height={14} transform={`rotate(45 ${x} ${y})`} />
    );
  if (kind === "named") return <rect className="shape" x={x - 8} y={y - 8} width={16} height={16} />;
  return <circle className="shape" cx={x} cy={y} r={8.5} />;
}

export function IncidentChart(props: IncidentChartProps) {
  const frame = useRef<HTMLDivElement>(null);
  const width = useChartWidth(frame);
  const series = affectedSeries(props.components, props.from, props.to);
  const changes = hypothesisChanges(props.history);
  const moments = [{ at: props.openedAt, label: "opened" }];
  if (props.resolvedAt !== null) moments.push({ at: props.resolvedAt, label: "resolved" });
  const layout = layoutIncidentChart({ series, changes, moments, from: props.from, to: props.to, width });
  const peak = series.reduce((best, p) => (p.count > best.count ? p : best), { at: props.from, count: 0 });
  const renames = changes.filter((c) => c.kind === "renamed").length;
  const summary = `Chart of affected services failing over time, ${hms(props.from)} to ${hms(props.to)} UTC: at most ${
    peak.count
  } at ${hms(peak.at)}${props.followed < props.affected ? ` (of the first ${props.followed} of ${props.affected} affected)` : ""}; ${
    changes.length
  } changes of the named cause (${renames} renames), listed under the chart.`;
  const laneY = (lane: number) => 12 + lane * 20;
  return (
    <figure className="chart incident-chart" ref={frame} data-testid="incident-chart">
      <figcaption>
        Affected services failing over time
        {props.followed < props.affected ? ` (the first ${props.followed} of ${props.affected})` : ""}, with
        the changes of the named cause
      </figcaption>
      <svg
        role="img"
        aria-label={summary}
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
      >
        {layout.yTicks.map((t) => (
          <g key={t.value}>
            <line className="grid" x1={layout.plot.x} x2={layout.plot.x + layout.plot.w} y1={t.y} y2={t.y} />
            <text className="tick" x={layout.plot.x - 6} y={t.y + 4} textAnchor="end">
              {t.value}
            </text>
          </g>
        ))}
        {layout.xTicks.map((t) => (
          <text
            key={t.at}
            className="tick"
            x={t.x}
            y={layout.plot.y + layout.plot.h + 18}
            textAnchor="middle"
          >
            {hms(t.at).slice(0, t.at % 60_000 === 0 ? 5 : 8)}
          </text>
        ))}
        <path className="area" d={layout.area} />
        <path className="line" d={layout.path} />
        {layout.moments.map((m) => (
          <g key={m.label} className={`moment ${m.label}`}>
            <line x1={m.x} x2={m.x} y1={layout.plot.y} y2={layout.plot.y + layout.plot.h} />
            <text className="tick" x={m.x + 4} y={layout.plot.y + 12}>
              {m.label}
            </text>
          </g>
        ))}
        {layout.markers.map((m) => (
          <g key={m.n} className={`marker ${m.kind}`} data-kind={m.kind} data-n={m.n}>
            <title>{`${m.n}. ${hms(m.at)} ${changeText(m)}`}</title>
            <line x1={m.x} x2={m.x} y1={laneY(m.lane) + 9} y2={layout.plot.y + layout.plot.h} />
            <Marker kind={m.kind} x={m.x} y={laneY(m.lane)} />
            <text className="n" x={m.x} y={laneY(m.lane) + 4} textAnchor="middle">
              {m.n}
            </text>
          </g>
        ))}
      </svg>
      <ol className="chart-notes" data-testid="hypothesis-changes">
        {changes.map((c) => (
          <li key={c.at} className={`change-${c.kind}`}>
            <time dateTime={new Date(c.at).toISOString()}>{hms(c.at)}</time>{" "}
            <span className="kind" aria-hidden="true">
              {c.kind === "named" ? "■" : c.kind === "renamed" ? "◆" : "●"}
            </span>{" "}
            {changeText(c)}
          </li>
        ))}
      </ol>
    </figure>
  );
}
