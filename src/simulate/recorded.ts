/** Reads a recorded observations file (JSON Lines, scenario.md) into the same sink the simulator feeds. */
import { readFileSync } from "node:fs";
import { SourceError, type SourceIssue } from "../model/model-errors.js";
import type { Scenario } from "./scenario-types.js";
import { type ObservationSink, STATUS_OF } from "./simulator.js";

/** Validates the whole file first (all errors at once), then feeds it; returns the number of observations. */
export function readRecorded(scenario: Scenario, file: string, sink: ObservationSink): number {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new SourceError(
      [{ file, line: 0, path: "", message: `cannot read observations: ${String(error)}` }],
      {
        cause: error,
      },
    );
  }
  const vantages = new Map(scenario.vantages.map((v, i) => [v, i]));
  const components = new Map(scenario.model.components.map((c, i) => [c.id, i]));
  const rows: Row[] = [];
  const issues: SourceIssue[] = [];
  let last = Number.NEGATIVE_INFINITY;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const row = parseLine(line, last, vantages, components);
    if ("message" in row) {
      issues.push({ file, line: i + 1, path: row.path, message: row.message });
      // A line wrong elsewhere still sets the clock, so the next line's order is judged against it.
      if (row.t !== undefined && row.t > last) last = row.t;
    } else {
      last = row[0];
      rows.push(row);
    }
  }
  if (issues.length > 0) throw new SourceError(issues.slice(0, 50));
  for (const [t, v, c, s] of rows) sink(t, v, c, s);
  return rows.length;
}

type Row = [number, number, number, number];

function parseLine(
  line: string,
  last: number,
  vantages: Map<string, number>,
  components: Map<string, number>,
): Row | { path: string; message: string; t?: number } {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return { path: "", message: "not valid JSON" };
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj))
    return { path: "", message: "not a JSON object" };
  const o = obj as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!["t", "vantage", "component", "status"].includes(key))
      return { path: key, message: `unknown key "${key}"` };
  if (typeof o.t !== "number" || !Number.isFinite(o.t) || o.t < 0)
    return { path: "t", message: "t must be a number of seconds ≥ 0" };
  if (o.t < last)
    return {
      path: "t",
      message: `t ${o.t} is before the previous line's ${last}; lines must be in time order`,
    };
  const v = vantages.get(String(o.vantage));
  if (v === undefined) return { path: "vantage", message: `unknown vantage "${String(o.vantage)}"`, t: o.t };
  const c = components.get(String(o.component));
  if (c === undefined)
    return { path: "component", message: `unknown component "${String(o.component)}"`, t: o.t };
  const s = STATUS_OF[String(o.status)];
  if (s === undefined)
    return {
      path: "status",
      message: `status must be up, degraded or down, not "${String(o.status)}"`,
      t: o.t,
    };
  return [o.t, v, c, s];
}
