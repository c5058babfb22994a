/**
 * The What-if page's treemap of hosting concentration (SVG): one rectangle per provider, its area its share
 * of your hosted services, the largest in the top-left corner; the providers past the palette's seven are
 * one grey "others" rectangle. A rectangle big enough says its provider and share in words; the table
 * under it lists them all.
 */
import { useRef } from "react";
import { CATEGORY_COLOURS, OTHER_COLOUR, textOn } from "./chart-colours.js";
import { useChartWidth } from "./chart-width.js";
import { squarify } from "./treemap-layout.js";

export interface ProviderShare {
  id: string;
  share: number;
  observed: number;
}

const OTHERS = "others";

const pct = (share: number) => `${Math.round(share * 100)}%`;

/** The providers drawn: the largest few by share, the rest summed as "others". */
export function treemapItems(
  providers: readonly ProviderShare[],
): { id: string; value: number; count: number }[] {
  const sorted = providers
    .filter((p) => p.share > 0)
    .sort((a, b) => b.share - a.share || (a.id < b.id ? -1 : 1));
  const named = sorted.slice(0, CATEGORY_COLOURS.length);
  const rest = sorted.slice(CATEGORY_COLOURS.length);
  const items = named.map((p) => ({ id: p.id, value: p.share, count: p.observed }));
  if (rest.length > 0)
    items.push({ id: OTHERS, value: rest.reduce((s, p) => s + p.share, 0), count: rest.length });
  return items;
}

export function HostingTreemap({
  providers,
  hosted,
}: {
  providers: readonly ProviderShare[];
  hosted: number;
}) {
  const frame = useRef<HTMLDivElement>(null);
  const width = useChartWidth(frame);
  const height = Math.round(Math.min(320, Math.max(180, width * 0.45)));
  const items = treemapItems(providers);
  const rects = squarify(items, { x: 0, y: 0, w: width, h: height });
  const colour = new Map(
    items.map((it, i) => [it.id, it.id === OTHERS ? OTHER_COLOUR : CATEGORY_COLOURS[i]!]),
  );
  const count = new Map(items.map((it) => [it.id, it.count]));
  const name = (id: string) => (id === OTHERS ? `${count.get(id)} other providers` : id);
  const summary =
    rects.length > 0
      ? `Treemap of hosting concentration over ${hosted} hosted services: ${rects
          .slice(0, 4)
          .map((r) => `${name(r.id)} ${pct(r.value)}`)
          .join(", ")}${rects.length > 4 ? ", and more in the table below" : ""}.`
      : "Treemap of hosting concentration: none of your services is hosted by a known provider.";
  return (
    <figure className="chart hosting-treemap" ref={frame} data-testid="hosting-treemap">
      <figcaption>Hosting concentration: each provider's share of your hosted services, by area</figcaption>
      {rects.length > 0 ? (
        <svg role="img" aria-label={summary} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
          {rects.map((r) => {
            const fill = colour.get(r.id)!;
            const ink = textOn(fill);
            // Words only where they fit: a provider's id on one line, its share on the next.
            const fitsName = r.w >= Math.min(160, name(r.id).length * 7 + 10) && r.h >= 22;
            const fitsShare = r.w >= 34 && r.h >= (fitsName ? 40 : 20);
            return (
              <g key={r.id} className="cell" data-id={r.id} data-share={r.value}>
                <title>{`${name(r.id)}: ${pct(r.value)} of hosted services`}</title>
                <rect x={r.x} y={r.y} width={r.w} height={r.h} fill={fill} />
                {fitsName ? (
                  <text x={r.x + 6} y={r.y + 16} fill={ink} className="name">
                    {name(r.id).length * 7 + 10 > r.w
                      ? `${name(r.id).slice(0, Math.floor((r.w - 16) / 7))}…`
                      : name(r.id)}
                  </text>
                ) : null}
                {fitsShare ? (
                  <text x={r.x + 6} y={r.y + (fitsName ? 34 : 15)} fill={ink} className="share">
                    {pct(r.value)}
                  </text>
                ) : null}
              </g>
            );
          })}
        </svg>
      ) : (
        <p>{summary}</p>
      )}
    </figure>
  );
}
