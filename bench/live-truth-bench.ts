/**
 * `npm run bench:live-truth [-- --events N --interval MS --seed N]`: issue 12's live truth. Runs the real demo
 * hub (serve's composition, in-process: loopback world, real probes from three vantages, chaos) for at least
 * `--events` chaos faults (default 20) with checks and rounds every `--interval` ms (default 2000), judges
 * every incident line against the chaos truth (src/demo/live-truth-judge.ts), and prints each fault with the
 * lines it produced and their verdicts, then the summary beside the baseline: the alerts a naive
 * one-alert-per-failing-service notifier would have sent from the hub's observed states in the same run.
 * Exits 1 when a line is wrong, an incident lingers or a fault goes unnamed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { judgeRecord, renderSummary, renderTimeline } from "./live-truth-report.js";
import { LIVE_TRUTH_TIMING, runLiveTruth } from "./live-truth-run.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "20" },
    interval: { type: "string", default: String(LIVE_TRUTH_TIMING.checkIntervalMs) },
    seed: { type: "string" },
  },
});
const events = Number(values.events);
const interval = Number(values.interval);
if (!(Number.isInteger(events) && events >= 1) || !(Number.isInteger(interval) && interval >= 1000)) {
  console.error("usage: live-truth-bench [--events N (≥ 1)] [--interval MS (≥ 1000)] [--seed N]");
  process.exit(2);
}
// Faults and gaps keep their length in rounds when the interval changes.
const scale = interval / LIVE_TRUTH_TIMING.checkIntervalMs;
const span = ([lo, hi]: readonly [number, number]) =>
  [Math.round(lo * scale), Math.round(hi * scale)] as const;

const dir = mkdtempSync(join(tmpdir(), "epicenter-live-truth-"));
console.log(
  `bench:live-truth: ${events} chaos faults, checks and rounds every ${interval} ms, Node ${process.version}`,
);
const t0 = Date.now();
try {
  const record = await runLiveTruth({
    dataDir: dir,
    events,
    checkIntervalMs: interval,
    roundMs: interval,
    firstAfterMs: Math.round(LIVE_TRUTH_TIMING.firstAfterMs * scale),
    durationMs: span(LIVE_TRUTH_TIMING.durationMs),
    gapMs: span(LIVE_TRUTH_TIMING.gapMs),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    onLine: (line, at) => console.log(`  +${((at - t0) / 1000).toFixed(1).padStart(6)} s  ${line}`),
  });
  const judged = judgeRecord(record);
  console.log("");
  for (const l of renderTimeline(record, judged)) console.log(l);
  console.log("");
  for (const l of renderSummary(record, judged)) console.log(l);
  const warnings = record.log.filter((l) => l.startsWith("warning"));
  if (warnings.length > 0) console.log(`warnings: ${warnings.length}\n${warnings.join("\n")}`);
  const missed = judged.verdict.chaos.filter((c) => c.detectedAfterMs === null && c.span.end !== null);
  const ok = judged.wrong.length === 0 && judged.verdict.lingering.length === 0 && missed.length === 0;
  console.log(
    `goal: every incident line right, none lingering, every fault named: ${ok ? "met" : "not met"}`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
