/**
 * The What-if page's bar chart of the largest blast radii (SVG): for each shared component, how many of your
 * services go down (solid) and degrade (striped) if it alone fails, largest first, with the counts in words
 * on every row. The table under it holds the same data with links, for readers who do not see the chart.
 */
import { useId, useRef } from "react";
import { type BlastCandidate, layoutBlastBars } from "./blast-chart-layout.js";
import { useChartWidth } from "./chart-width.js";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "14 down, 2 degraded": what a row says. */
function counts(c: BlastCandidate): string {
  return c.degraded > 0 ? `${c.down} down, ${c.degraded} degraded` : `${c.down} down`;
}

export function BlastChart({
  candidates,
  limit = 10,
}: {
  candidates: readonly BlastCandidate[];
  limit?: number;
}) {
  const frame = useRef<HTMLDivElement>(null);
  const width = useChartWidth(frame);
  const stripes = `stripes-${useId().replace(/:/g, "")}`;
  const layout = layoutBlastBars(candidates, width, limit);
  const first = layout.bars[0];
  const summary = first
    ? `Bar chart of the ${plural(layout.bars.length, "largest blast radius", "largest blast radii")}: ${layout.bars
        .slice(0, 3)
        .map((b) => `${b.id}, ${counts(b)}`)
        .join("; ")}${layout.bars.length > 3 ? "; and more in the table below" : ""}.`
    : "Bar chart of blast radii: no shared component takes down or degrades any of your services.";
  return (
    <figure className="chart blast-chart" ref={frame} data-testid="blast-chart">
      <figcaption>
        Largest blast radii: your services that go down <span className="key key-down" aria-hidden="true" />{" "}
        or degrade <span className="key key-degraded" aria-hidden="true" /> if one shared component fails
      </figcaption>
      {first ? (
        <svg
          role="img"
          aria-label={summary}
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
        >
          <defs>
            <pattern
              id={stripes}
              width="6"
              height="6"
              patternUnits="userSpaceOnUse"
              patternTransform="rotate(45)"
            >
              <rect width="6" height="6" className="degraded-bg" />
              <line x1="0" y1="0" x2="0" y2="6" className="degraded-stripe" />
            </pattern>
          </defs>
          {layout.ticks.map((t) => (
            <line key={t.value} className="grid" x1={t.x} x2={t.x} y1={0} y2={layout.axisY} />
          ))}
          {layout.bars.map((b, i) => (
            <g key={b.id} className="bar-row" data-id={b.id} data-rank={i + 1}>
              <title>{`${b.id} (${b.kind}): ${counts(b)}`}</title>
              <text className="bar-label" x={0} y={b.y + 13}>
                <tspan className="id">{b.id}</tspan>
                <tspan className="word">{` ${counts(b)}`}</tspan>
              </text>
              <rect className="down" x={0} y={b.barY} width={b.downWidth} height={layout.barHeight} />
              {b.degradedWidth > 0 ? (
                <rect
                  className="degraded"
                  x={b.downWidth}
                  y={b.barY}
                  width={b.degradedWidth}
                  height={layout.barHeight}
                  fill={`url(#${stripes})`}
                />
              ) : null}
            </g>
          ))}
          {layout.ticks.map((t, i) => (
            <text
              key={t.value}
              className="tick"
              x={t.x}
              y={layout.axisY + 16}
              textAnchor={i === 0 ? "start" : i === layout.ticks.length - 1 ? "end" : "middle"}
            >
              {t.value}
            </text>
          ))}
        </svg>
      ) : (
        <p>{summary}</p>
      )}
      {layout.more > 0 ? (
        <p className="legend">{plural(layout.more, "more component", "more components")} in the table.</p>
      ) : null}
    </figure>
  );
}
