/**
 * A squarified treemap (pure, no DOM; Bruls, Huizing and van Wijk, "Squarified Treemaps", 2000): items as
 * rectangles that tile a box, each with an area proportional to its value, laid out largest first in rows
 * that keep the rectangles as close to square as the greedy rule can. The What-if page draws hosting
 * concentration with it: one rectangle per provider, sized by its share of your services.
 */

export interface TreemapItem {
  id: string;
  value: number;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface TreemapRect extends Box {
  id: string;
  value: number;
}

/** The worst aspect ratio of a row of `areas` (summing to `sum`) laid along a side of length `side`. */
function worst(areas: readonly number[], sum: number, side: number): number {
  let max = 0;
  const s2 = sum * sum;
  const side2 = side * side;
  for (const a of areas) max = Math.max(max, (side2 * a) / s2, s2 / (side2 * a));
  return max;
}

/**
 * Lays `items` out in `box`: largest first (ties by id, so the answer does not depend on input order), every
 * item with a positive finite value gets a rectangle; the others are left out. The rectangles tile the box
 * (the last of each row and the last row take what is left, so rounding leaves no gap) and never overlap.
 */
export function squarify(items: readonly TreemapItem[], box: Box): TreemapRect[] {
  const kept = items
    .filter((i) => Number.isFinite(i.value) && i.value > 0)
    .sort((a, b) => b.value - a.value || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (kept.length === 0) return [];
  const w = Math.max(0, box.w);
  const h = Math.max(0, box.h);
  // Values are divided by the largest before summing, so a huge one cannot overflow the total.
  const max = kept[0]!.value;
  const units = kept.map((i) => i.value / max);
  const total = units.reduce((s, u) => s + u, 0);
  const areas = units.map((u) => (u / total) * w * h);
  const out: TreemapRect[] = [];
  const free = { x: box.x, y: box.y, w, h };
  if (w === 0 || h === 0) return kept.map((i) => ({ id: i.id, value: i.value, x: box.x, y: box.y, w, h }));

  let start = 0;
  while (start < kept.length) {
    const side = Math.min(free.w, free.h);
    let end = start + 1;
    let sum = areas[start]!;
    while (end < kept.length) {
      const next = areas[end]!;
      if (worst(areas.slice(start, end + 1), sum + next, side) > worst(areas.slice(start, end), sum, side))
        break;
      sum += next;
      end++;
    }
    const last = end === kept.length;
    // A row along the shorter side: a column at the left of a wide box, a row at the top of a tall one.
    const vertical = free.w >= free.h;
    const length = vertical ? free.h : free.w;
    const room = vertical ? free.w : free.h;
    const thickness = last ? room : Math.min(room, length > 0 ? sum / length : 0);
    let offset = 0;
    for (let i = start; i < end; i++) {
      // The last one ends at the edge; never below 0 when the others' rounding overshot it.
      const extent = i === end - 1 ? Math.max(0, length - offset) : sum > 0 ? (areas[i]! / sum) * length : 0;
      const item = kept[i]!;
      out.push(
        vertical
          ? { id: item.id, value: item.value, x: free.x, y: free.y + offset, w: thickness, h: extent }
          : { id: item.id, value: item.value, x: free.x + offset, y: free.y, w: extent, h: thickness },
      );
      offset += extent;
    }
    if (vertical) {
      free.x += thickness;
      free.w -= thickness;
    } else {
      free.y += thickness;
      free.h -= thickness;
    }
    start = end;
  }
  return out;
}
