/**
 * A shields.io-style "flat" badge as SVG text: a grey label on the left, a coloured message on the right. The
 * message is always a word or a number, so the colour is never the only carrier of the state. Pure.
 */
import { xmlText } from "./xml-text.js";

export interface BadgeText {
  label: string;
  message: string;
  /** The message's background, `#rrggbb`; white text stays at 4.5:1 or more on it. */
  color: string;
}

/** The dashboard's light-theme state colours (Okabe-Ito hues darkened to 5.4:1 or more against white). */
export const BADGE_COLORS = {
  up: "#00734f",
  degraded: "#8a5a00",
  partial: "#b04500",
  down: "#c0262d",
  unknown: "#5c6670",
} as const;

const LABEL_COLOR = "#555";
const PADDING = 6;
const FONT_SIZE = 11;

/**
 * The width of `text` in 11 px Verdana, approximately (the font shields.io measures with): narrow, wide and
 * capital letters apart; a badge a few pixels too wide is fine, clipped text is not, so it errs wide.
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if ("iljI.,:;!'|".includes(ch)) width += 3.5;
    else if ('frt ()[]/-"'.includes(ch)) width += 5;
    else if ("mwMW%@".includes(ch)) width += 11;
    else if (ch >= "A" && ch <= "Z") width += 8;
    else if (ch.charCodeAt(0) > 0x7f) width += 9;
    else width += 7;
  }
  return Math.ceil(width);
}

export function badgeSvg({ label, message, color }: BadgeText): string {
  const left = textWidth(label) + 2 * PADDING;
  const right = textWidth(message) + 2 * PADDING;
  const width = left + right;
  const title = xmlText(`${label}: ${message}`);
  const l = xmlText(label);
  const m = xmlText(message);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)">`,
    `<rect width="${left}" height="20" fill="${LABEL_COLOR}"/>`,
    `<rect x="${left}" width="${right}" height="20" fill="${color}"/>`,
    `<rect width="${width}" height="20" fill="url(#s)"/>`,
    `</g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="${FONT_SIZE}">`,
    `<text x="${left / 2}" y="14">${l}</text>`,
    `<text x="${left + right / 2}" y="14">${m}</text>`,
    `</g>`,
    `</svg>`,
  ].join("");
}
