/** The readable form of a replay: what happened when, and the verdict. */
import { formatDuration } from "../model/duration.js";
import type { Scenario } from "../simulate/scenario-types.js";
import type { Verdict } from "./judge.js";
import type { ReplayRun } from "./replay.js";

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function ranked(list: { component: string; confidence: number }[]): string {
  return list
    .slice(0, 3)
    .map((r) => `${r.component} (${r.confidence.toFixed(2)})`)
    .join(", ");
}

export function renderTimeline(scenario: Scenario, run: ReplayRun, verdict: Verdict): string {
  const lines: string[] = [];
  const observed = scenario.model.components.filter((c) => c.observed).length;
  lines.push(
    `Scenario ${scenario.name}: ${formatDuration(scenario.duration)}, every ${formatDuration(scenario.interval)}, ` +
      `${scenario.vantages.length} vantages, ${scenario.model.components.length} components (${observed} observed)`,
  );
  const events: { at: number; text: string }[] = [];
  if (run.firstSymptomAt !== null) events.push({ at: run.firstSymptomAt, text: "first symptoms seen" });
  for (const inc of run.output.incidents) {
    inc.history.forEach((h, i) => {
      const text =
        i === 0
          ? `${inc.id} opened: ${ranked(h.epicenter)}; ${inc.affected.length} affected`
          : `${inc.id} now: ${ranked(h.epicenter)}`;
      events.push({ at: h.at, text });
    });
    if (inc.resolvedAt !== null)
      events.push({
        at: inc.resolvedAt,
        text: `${inc.id} resolved after ${formatDuration(inc.resolvedAt - inc.openedAt)}`,
      });
  }
  events.sort((a, b) => a.at - b.at);
  const shown =
    events.length > 60 ? [...events.slice(0, 30), { at: -1, text: "…" }, ...events.slice(-29)] : events;
  for (const e of shown) lines.push(e.at < 0 ? `  ${e.text}` : `  ${clock(e.at)}  ${e.text}`);
  if (events.length === 0) lines.push("  no incident");
  lines.push("");
  lines.push(`Verdict: ${verdict.passed ? "PASS" : "FAIL"}`);
  for (const e of verdict.expected)
    lines.push(
      `  ${e.counts ? "ok  " : "FAIL"} expected ${e.epicenter}${e.faultAt !== null ? ` (fault at ${clock(e.faultAt)})` : ""}: ${e.reason}`,
    );
  for (const i of verdict.incidents)
    if (i.false)
      lines.push(`  FAIL ${i.id} is a false incident: right ${(i.rightShare * 100).toFixed(0)}% of its time`);
  if (verdict.maxIncidents)
    lines.push(
      `  ${verdict.maxIncidents.ok ? "ok  " : "FAIL"} ${verdict.maxIncidents.actual} incidents (at most ${verdict.maxIncidents.limit})`,
    );
  if (verdict.quiet)
    lines.push(
      `  ${verdict.quiet.ok ? "ok  " : "FAIL"} quiet story${verdict.quiet.ok ? "" : `: ${verdict.quiet.offending.join(", ")}`}`,
    );
  return lines.join("\n");
}
