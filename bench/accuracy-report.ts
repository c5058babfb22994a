/** Prints the accuracy bench's figures: one row per method, the same methods by fault kind, and failures. */
import type { ExpectationDetail, FalseDetail, ReplayMetrics } from "./accuracy-metrics.js";
import { METHODS, type MethodName, type ScenarioConfig } from "./accuracy-protocol.js";
import type { SuspectedMetrics } from "./suspected-metrics.js";

export interface MethodRun {
  seconds: number;
  observations: number;
  suspected?: SuspectedMetrics;
  /** Null when the scenario hit the time limit before this method finished. */
  metrics: ReplayMetrics | null;
}

export interface ScenarioRecord {
  config: ScenarioConfig;
  name?: string;
  hours?: number;
  faults?: { id: string; target: string; state: string; impact: number }[];
  results: Map<MethodName, MethodRun>;
}

export interface RunInfo {
  wall: number;
  workers: number;
  quick: boolean;
  seed: number;
  timeout: number;
  /** Which corpus the records are. */
  corpus: string;
}

export function printReport(records: ScenarioRecord[], info: RunInfo): void {
  const quiet = records.filter((r) => r.config.faults === 0).length;
  const sizes = records.map((r) => r.config.services);
  console.log(
    `\nbench:accuracy, ${info.corpus}: ${records.length} scenarios (${records.length - quiet} with faults, ${quiet} quiet), ` +
      `${Math.min(...sizes)} to ${Math.max(...sizes)} sites, seed ${info.seed}${info.quick ? ", --quick" : ""}; ` +
      `${info.workers} worker threads, time limit ${info.timeout}s a scenario; wall ${info.wall.toFixed(0)}s\n`,
  );
  const rows = [
    [
      "method",
      "pass",
      "faulted",
      "quiet",
      "top-1",
      "delay p50",
      "p95",
      "false/h",
      "Brier",
      "timeouts",
      "replay s",
      "obs/s",
    ],
  ];
  for (const m of METHODS) rows.push(methodRow(m, records));
  printTable(rows);
  console.log(
    "\npass: verdict passed (faulted / quiet: among those scenarios); top-1: expected incidents whose detecting" +
      "\nincident's first entry after the fault ranked an accepted answer first; delay: fault start to detection" +
      "\n(s, detected ones); false/h: false incidents per simulated scenario-hour; Brier: top confidence vs right;" +
      "\nreplay s, obs/s: replay time of the method (simulate + localize, summed over threads), completed runs only.",
  );
  printByKind(records);
}

function methodRow(m: MethodName, records: ScenarioRecord[]): string[] {
  const runs = records.map((r) => ({ r, run: r.results.get(m) }));
  const done = runs.filter((x) => x.run?.metrics);
  const passed = (list: typeof runs) => list.filter((x) => x.run?.metrics?.passed).length;
  const faulted = runs.filter((x) => x.r.config.faults > 0);
  const quiet = runs.filter((x) => x.r.config.faults === 0);
  let expected = 0;
  let top1 = 0;
  let falseIncidents = 0;
  let hours = 0;
  let brierSum = 0;
  let brierCount = 0;
  let seconds = 0;
  let observations = 0;
  const delays: number[] = [];
  for (const { r, run } of runs) {
    const x = run?.metrics;
    // A story's own expectations, not its shape's nominal fault count (a noisy story expects 1 to 3).
    expected += x?.expected ?? r.config.faults;
    if (!x) continue;
    top1 += x.top1;
    delays.push(...x.delays);
    falseIncidents += x.falseIncidents;
    hours += r.hours ?? 0;
    brierSum += x.brierSum;
    brierCount += x.brierCount;
    seconds += run.seconds;
    observations += run.observations;
  }
  delays.sort((a, b) => a - b);
  return [
    m,
    share(passed(runs), runs.length),
    share(passed(faulted), faulted.length),
    share(passed(quiet), quiet.length),
    share(top1, expected),
    delays.length ? `${quantile(delays, 0.5)}` : "-",
    delays.length ? `${quantile(delays, 0.95)}` : "-",
    hours > 0 ? (falseIncidents / hours).toFixed(3) : "-",
    brierCount > 0 ? (brierSum / brierCount).toFixed(3) : "-",
    `${runs.length - done.length}`,
    seconds.toFixed(1),
    seconds > 0 ? `${(observations / seconds / 1e6).toFixed(2)}M` : "-",
  ];
}

/** Pass rates of the harder corpus by story shape, with false incidents, for each method. */
export function printByShape(records: ScenarioRecord[]): void {
  const shapes = [...new Set(records.map((r) => r.config.story ?? "old"))];
  const rows = [
    ["shape", ...METHODS.map((m) => `${m} pass`), "epicenter false", "suspected precision", "recall"],
  ];
  for (const shape of shapes) {
    const list = records.filter((r) => (r.config.story ?? "old") === shape);
    const falseCount = list.reduce(
      (n, r) => n + (r.results.get("epicenter")?.metrics?.falseIncidents ?? 0),
      0,
    );
    rows.push([
      shape,
      ...METHODS.map((m) => share(list.filter((r) => r.results.get(m)?.metrics?.passed).length, list.length)),
      `${falseCount}`,
      ...suspectedCells(list),
    ]);
  }
  rows.push(["all", ...METHODS.map(() => ""), "", ...suspectedCells(records)]);
  console.log("");
  printTable(rows);
  console.log(
    "\nsuspected precision: suggested (component, cause) pairs that are dependencies the model lacks; recall: hidden" +
      "\ndependencies an outage exercised (a component impaired only through them) that were suggested.",
  );
}

function suspectedCells(records: ScenarioRecord[]): string[] {
  const sum: SuspectedMetrics = { suggested: 0, correct: 0, exercised: 0, found: 0 };
  for (const r of records) {
    const s = r.results.get("epicenter")?.suspected;
    if (!s) continue;
    sum.suggested += s.suggested;
    sum.correct += s.correct;
    sum.exercised += s.exercised;
    sum.found += s.found;
  }
  return [
    `${share(sum.correct, sum.suggested)} (${sum.correct}/${sum.suggested})`,
    `${share(sum.found, sum.exercised)} (${sum.found}/${sum.exercised})`,
  ];
}

/** Expected incidents counted (detected in time and resolved), by what the fault struck. */
function printByKind(records: ScenarioRecord[]): void {
  const groups = new Map<string, (d: ExpectationDetail) => boolean>([
    ["all", () => true],
    ["down, full impact", (d) => d.state === "down" && d.impact === 1],
    ["partial (impact < 1)", (d) => d.impact < 1],
    ["degraded", (d) => d.state === "degraded"],
    ["accepted set > 3", (d) => d.accepted > 3],
  ]);
  const details = (m: MethodName) =>
    records.flatMap((r) => {
      const x = r.results.get(m)?.metrics;
      return x ? x.expectations : timedOut(r);
    });
  const kinds = [...new Set(details("epicenter").map((d) => d.kind))].sort();
  for (const k of kinds) groups.set(`kind ${k}`, (d) => d.kind === k);
  const rows = [["expected incidents counted", ...METHODS]];
  for (const [label, test] of groups)
    rows.push([
      label,
      ...METHODS.map((m) => {
        const list = details(m).filter(test);
        return `${list.filter((d) => d.counts).length}/${list.length}`;
      }),
    ]);
  console.log("");
  printTable(rows);
}

function timedOut(r: ScenarioRecord): ExpectationDetail[] {
  return (r.faults ?? [])
    .filter((f) => f.target === "component")
    .map((f) => ({
      epicenter: f.id,
      kind: "timeout",
      state: f.state,
      impact: f.impact,
      accepted: 1,
      counts: false,
      reason: "timeout",
    }));
}

/** Every reason Epicenter failed a scenario for, counted by kind. */
export function printFailureKinds(records: ScenarioRecord[]): void {
  const counts = new Map<string, number>();
  const add = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const r of records) {
    const x = r.results.get("epicenter")?.metrics;
    if (!x) {
      add("timeout (scenario over the time limit)");
      continue;
    }
    for (const e of x.expectations) {
      if (e.counts) continue;
      const what = `${e.kind}${e.impact < 1 ? ", partial" : ""}${e.state === "degraded" ? ", degraded" : ""}`;
      if (e.reason.startsWith("never named"))
        add(`expected never named: ${e.accepted > 3 ? "more than 3 accepted answers" : what}`);
      else if (e.reason.startsWith("named after")) add(`expected named late: ${what}`);
      else add(`expected incident not resolved in time: ${what}`);
    }
    for (const f of x.falseDetails)
      add(
        `false incident: ${f.firstPlace.length === 0 ? "more than 3 tied first" : "wrong first place"}, ` +
          `${f.affected === 1 ? (f.unexplained ? "1 site impaired through a hidden edge" : "1 affected") : "several affected"}`,
      );
    for (const reason of x.reasons) {
      if (reason.includes("incidents opened, at most")) add("too many incidents");
      if (reason.startsWith("quiet story raised")) add("quiet story raised an incident");
    }
  }
  if (counts.size === 0) return;
  console.log("\nEpicenter's failure reasons, by kind (all scenarios):");
  for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1]))
    console.log(`  ${String(n).padStart(4)}  ${k}`);
}

export function printFailures(failing: ScenarioRecord[]): void {
  if (failing.length === 0) {
    console.log("\nEpicenter failed no scenario.");
    return;
  }
  console.log(`\nEpicenter's failing scenarios (first ${failing.length}):`);
  for (const r of failing) {
    const run = r.results.get("epicenter");
    const faults = (r.faults ?? [])
      .map(
        (f) =>
          `${f.id}${f.state === "degraded" ? " degraded" : ""}${f.impact < 1 ? ` impact ${f.impact}` : ""}`,
      )
      .join(", ");
    console.log(`- ${r.name} (${r.config.services} sites; faults: ${faults || "none"})`);
    const reasons = run?.metrics ? run.metrics.reasons : [`timeout after ${run?.seconds.toFixed(0)}s`];
    for (const reason of reasons) {
      const f = run?.metrics?.falseDetails.find((d) => reason.startsWith(`false incident ${d.id}:`));
      console.log(`    ${reason}${f ? ` (${describeFalse(f)})` : ""}`);
    }
  }
}

function describeFalse(f: FalseDetail): string {
  const named =
    f.firstPlace.length > 0 ? `named ${f.firstPlace.join(", ")}` : `${f.tied} tied first, naming nothing`;
  return `${named}; ${f.affected} affected${f.unexplained ? ", impaired only through a hidden edge" : ""}`;
}

function share(n: number, d: number): string {
  return d === 0 ? "-" : `${((100 * n) / d).toFixed(1)}%`;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    console.log(
      r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "),
    );
}
