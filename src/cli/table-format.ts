/** Plain-text tables for terminal output: aligned columns, long lists cut with a count. */
import { UsageError } from "./io.js";

export type Align = "left" | "right";

/** Rows as lines with aligned columns (a header row is just the first row); trailing spaces trimmed. */
export function formatTable(
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
  indent = "  ",
): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows.map((row) =>
    (
      indent +
      row
        .map((cell, i) => (align[i] === "right" ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join("  ")
    ).trimEnd(),
  );
}

/** The first `limit` items (all when limit is 0) and how many were left out. */
export function firstOf<T>(items: readonly T[], limit: number): { shown: readonly T[]; more: number } {
  if (limit <= 0 || items.length <= limit) return { shown: items, more: 0 };
  return { shown: items.slice(0, limit), more: items.length - limit };
}

/** An integer with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** "1 component", "2 components". */
export function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? "" : "s"}`;
}

/** A --limit value: a non-negative integer. */
export function parseLimit(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--limit must be a whole number ≥ 0, not "${text}"`);
  return n;
}

/** Kinds in the order people read a stack: from the provider up to the service. */
const KIND_ORDER = ["provider", "region", "network", "cloud-service", "dns", "cdn", "saas", "service"];

export function kindOrder(a: string, b: string): number {
  const ia = KIND_ORDER.indexOf(a);
  const ib = KIND_ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? KIND_ORDER.length : ia) - (ib < 0 ? KIND_ORDER.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}
