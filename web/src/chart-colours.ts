/**
 * Colours for categories in the charts (pure): Okabe and Ito's palette, which readers with any common colour
 * vision deficiency tell apart, and for each the text colour (black or white) with the higher contrast on it.
 * States keep their own colours (styles.css); these are for things that are not states, such as providers.
 */

/** Okabe-Ito, without its black: orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple. */
export const CATEGORY_COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"];
/** For "everything else": a grey no category uses. */
export const OTHER_COLOUR = "#BBBBBB";

/** WCAG 2 relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return 0;
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => {
    const c = Number.parseInt(h, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG 2 contrast ratio of two luminances. */
export function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** Black or white, whichever reads better on `hex`. */
export function textOn(hex: string): "#000000" | "#ffffff" {
  const l = luminance(hex);
  return contrast(l, 0) >= contrast(l, 1) ? "#000000" : "#ffffff";
}
