/**
 * The live-truth run as text: each chaos fault with the incident lines it produced and their verdicts, then
 * the summary (faults, incidents, right and wrong lines, detection and resolution delays, false
 * notifications) beside the naive per-service notifier's alerts from the same run. Pure.
 */

import {
  ChaosTruth,
  judgeLiveTruth,
  type LineVerdict,
  type LiveTruthVerdict,
} from "../src/demo/live-truth-judge.js";
import { compileGraph } from "../src/model/graph.js";
import { type NaiveSummary, naiveAlerts, summarizeNaive } from "./live-truth-baseline.js";
import type { LiveTruthRecord } from "./live-truth-run.js";

export interface LiveTruthJudged {
  verdict: LiveTruthVerdict;
  naive: NaiveSummary;
  wrong: LineVerdict[];
  /** Lines that notify: openings (and reopenings) and renames. */
  notifications: LineVerdict[];
}

/** Judges a record with the model it ran. */
export function judgeRecord(record: LiveTruthRecord): LiveTruthJudged {
  const graph = compileGraph({ components: record.components }, { includeHidden: false });
  const verdict = judgeLiveTruth({
    chaos: record.chaos,
    lines: record.lines,
    graph,
    vantages: record.vantages,
    roundMs: record.roundMs,
    lagMs: record.lagMs,
    endedAt: record.endedAt,
  });
  const truth = new ChaosTruth(graph, record.vantages);
  const blasts = record.chaos.map((s) => new Set(truth.blast(s)));
  const naive = summarizeNaive(naiveAlerts(record.states), record.chaos, (i) => blasts[i]!, record.lagMs);
  return {
    verdict,
    naive,
    wrong: verdict.lines.filter((l) => !l.right),
    notifications: verdict.lines.filter((l) => l.names),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The q-quantile (0..1) of `xs` by nearest rank; NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Each fault with its lines, then the lines no fault explains. */
export function renderTimeline(record: LiveTruthRecord, judged: LiveTruthJudged): string[] {
  const out: string[] = [];
  const { verdict } = judged;
  const mark = (v: LineVerdict) =>
    `${v.right ? "  ✓" : "  ✗"} +${seconds(v.line.at - record.startedAt).padStart(7)}  ${stripClock(v.line.text ?? v.line.type)}${v.right ? "" : `\n        wrong: ${v.reasons.join("; ")}`}`;
  verdict.chaos.forEach((c, i) => {
    const s = c.span;
    const length = s.end === null ? "still held at the end" : `for ${seconds(s.end - s.start)}`;
    const same = c.equivalent.length > 1 ? `; same mark: ${c.equivalent.slice(1).join(", ")}` : "";
    out.push(
      `#${i + 1} +${seconds(s.start - record.startedAt)}  ${s.target} (${s.kind}) ${length}; impairs ${c.blast.length} services${same}`,
    );
    for (const v of verdict.lines) if (v.cause === i) out.push(mark(v));
    const detected = c.detectedAfterMs === null ? "not named" : `named after ${seconds(c.detectedAfterMs)}`;
    const resolved =
      c.resolvedAfterMs === null ? "" : `, resolved ${seconds(c.resolvedAfterMs)} after its end`;
    out.push(`     ${detected}${resolved}; naive notifier: ${judged.naive.perFault[i] ?? 0} alerts`);
  });
  const stray = verdict.lines.filter((v) => v.cause === null);
  if (stray.length > 0) {
    out.push("outside any chaos fault:");
    for (const v of stray) out.push(mark(v));
  }
  for (const l of verdict.lingering) out.push(`  ✗ incident ${l.incident}: ${l.reason}`);
  return out;
}

export function renderSummary(record: LiveTruthRecord, judged: LiveTruthJudged): string[] {
  const { verdict, naive, wrong, notifications } = judged;
  const kinds = new Map<string, number>();
  for (const s of record.chaos) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
  const opened = verdict.lines.filter((v) => v.line.type === "opened");
  const detected = verdict.chaos.flatMap((c) => (c.detectedAfterMs === null ? [] : [c.detectedAfterMs]));
  const resolved = verdict.chaos.flatMap((c) => (c.resolvedAfterMs === null ? [] : [c.resolvedAfterMs]));
  const byRule = new Map<string, number>();
  for (const v of wrong) for (const r of v.rules) byRule.set(r, (byRule.get(r) ?? 0) + 1);
  // Rounds from the round holding a fault's restore line to the round its incident resolved in.
  const roundOf = (t: number) => Math.floor(t / record.roundMs);
  const resolveRounds = verdict.lines.flatMap((v) => {
    const end = v.cause === null ? null : record.chaos[v.cause]!.end;
    return v.line.type === "resolved" && end !== null ? [roundOf(v.line.round) - roundOf(end)] : [];
  });
  const falseNotes = notifications.filter((v) => !v.right).length;
  const components = record.chaos.filter((s) => s.kind !== "vantage").length;
  const pq = (xs: number[]) =>
    xs.length === 0
      ? "n/a"
      : `p50 ${seconds(quantile(xs, 0.5))}, p95 ${seconds(quantile(xs, 0.95))}, max ${seconds(Math.max(...xs))}`;
  return [
    `chaos faults            ${record.chaos.length} (${[...kinds].map(([k, n]) => `${n} ${k}`).join(", ")}) over ${seconds(record.endedAt - record.startedAt)}, rounds of ${seconds(record.roundMs)}`,
    `incidents opened        ${opened.filter((v) => !v.reopen).length} (+ ${opened.filter((v) => v.reopen).length} reopened)`,
    `incident lines          ${verdict.lines.length}: ${verdict.lines.length - wrong.length} right, ${wrong.length} wrong${byRule.size > 0 ? ` (${[...byRule].map(([r, n]) => `${n} ${r}`).join(", ")})` : ""}; ${verdict.lingering.length} incidents still open past their deadline`,
    `faults with 2+ incidents ${verdict.chaos.filter((c) => c.incidents.length > 1).length}`,
    `faults named            ${detected.length} of ${record.chaos.length}`,
    `detection delay         ${pq(detected)} (from the chaos line to the first right line naming it)`,
    `resolution delay        ${pq(resolved)} (from the restore line to the last resolve of its incidents)`,
    `rounds end → resolve    ${resolveRounds.length === 0 ? "n/a" : `p50 ${quantile(resolveRounds, 0.5)}, max ${Math.max(...resolveRounds)}`} (from the round holding the restore line; allowed: 3 after the last round a check started during the fault can report in)`,
    `notifications           ${notifications.length} (openings and renames), ${falseNotes} false`,
    `baseline: naive notifier, one alert per failing service (any vantage fails it; clears when all see it up)`,
    `  alerts                ${naive.alerts} (${(naive.alerts / Math.max(1, record.chaos.length)).toFixed(1)} per fault), ${naive.duringBlindVantage} during a blind vantage (the services were fine), ${naive.unexplained} for services no component fault impaired`,
    `  vs epicenter          ${notifications.length} notifications for ${record.chaos.length} faults (${components} components, ${record.chaos.length - components} vantages)`,
  ];
}

function stripClock(text: string): string {
  return text.replace(/^\d\d:\d\d:\d\d {2}/, "");
}
