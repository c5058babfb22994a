/**
 * Where the world map writes its labels (pure): each beside its marker, right of it or else left, moved up or
 * down a line at a time until it overlaps no label placed before it and stays inside the map; a label with no
 * such place is dropped (its marker keeps its title, and the table under the map lists it). Labels are placed
 * in the order given, so the caller puts the most important first.
 */

export interface LabelWish {
  id: string;
  x: number;
  y: number;
  text: string;
}

export interface PlacedLabel extends LabelWish {
  /** The text's box: left edge, baseline, width, and the line height it fills above the baseline. */
  left: number;
  baseline: number;
  width: number;
  /** Where the label starts from its marker: the anchor of the text. */
  anchor: "start" | "end";
}

/** Px per character at the 12 px label font: wider than the average glyph, so estimates err on the safe side. */
export const CHAR_PX = 7.2;
export const LINE_PX = 16;
const GAP = 9;
/** How many lines up or down a label may move from its marker. */
const MAX_SHIFT = 4;

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

export function placeLabels(wishes: readonly LabelWish[], width: number, height: number): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  const boxes: Box[] = [];
  if (!(width > 0) || !(height > 0)) return placed;
  for (const w of wishes) {
    if (!Number.isFinite(w.x) || !Number.isFinite(w.y)) continue;
    const textWidth = w.text.length * CHAR_PX;
    let found: PlacedLabel | null = null;
    for (let k = 0; k <= 2 * MAX_SHIFT && !found; k++) {
      // 0, +1, -1, +2, -2 … lines from the marker's height.
      const shift = (k % 2 === 1 ? 1 : -1) * Math.ceil(k / 2) * LINE_PX;
      const baseline = w.y + 4 + shift;
      for (const anchor of ["start", "end"] as const) {
        const left = anchor === "start" ? w.x + GAP : w.x - GAP - textWidth;
        const box = { x0: left, y0: baseline - LINE_PX + 3, x1: left + textWidth, y1: baseline + 3 };
        if (box.x0 < 0 || box.x1 > width || box.y0 < 0 || box.y1 > height) continue;
        if (boxes.some((b) => overlaps(b, box))) continue;
        found = { ...w, left, baseline, width: textWidth, anchor };
        boxes.push(box);
        break;
      }
    }
    if (found) placed.push(found);
  }
  return placed;
}
