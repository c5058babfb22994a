/**
 * `npm run bench:live [-- --events N --interval MS --seed N]`: issue 14's detection time on the live path.
 * Runs the real demo hub (serve's composition in-process, its real failure modes: blackholed, reset and 5xx
 * connections for regions, SERVFAIL and silence from its name servers, 502/503 and bad certificates for CDNs,
 * slow answers for degraded services) through every chaos kind in turn until `--events` faults (default 20,
 * four of each kind) have come and gone, with checks and rounds every `--interval` ms (default 2000). Per
 * kind it prints onset-to-incident and end-to-resolve (p50, p95, max) beside the same figures from a replay
 * of the same faults in the same model and intervals (bench/live-replay.ts): the baseline, in the same run,
 * of what the localizer's own rounds cost. Goal: p95 onset-to-incident within two check intervals plus one
 * check timeout for every kind; exits 1 when a kind misses it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { faultDelays, goalBound, KIND_ORDER, latencyByKind } from "./live-latency.js";
import { replayRecord } from "./live-replay.js";
import { goalLines, renderGoal, renderLatency } from "./live-table.js";
import { judgeRecord, renderSummary, renderTimeline } from "./live-truth-report.js";
import { LIVE_TRUTH_TIMING, runLiveTruth } from "./live-truth-run.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: String(4 * KIND_ORDER.length) },
    interval: { type: "string", default: String(LIVE_TRUTH_TIMING.checkIntervalMs) },
    seed: { type: "string" },
  },
});
const events = Number(values.events);
const interval = Number(values.interval);
if (!(Number.isInteger(events) && events >= 1) || !(Number.isInteger(interval) && interval >= 1000)) {
  console.error("usage: live-bench [--events N (≥ 1)] [--interval MS (≥ 1000)] [--seed N]");
  process.exit(2);
}
// Faults and gaps keep their length in rounds when the interval changes (as in bench:live-truth).
const scale = interval / LIVE_TRUTH_TIMING.checkIntervalMs;
const span = ([lo, hi]: readonly [number, number]) =>
  [Math.round(lo * scale), Math.round(hi * scale)] as const;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");

const dir = mkdtempSync(join(tmpdir(), "epicenter-live-"));
console.log(
  `bench:live: ${events} chaos faults cycling ${KIND_ORDER.join(", ")}, checks and rounds every ${interval} ms, Node ${process.version}, load average ${load()}`,
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
    cycle: KIND_ORDER,
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

  const started = Date.now();
  const replayed = replayRecord(record);
  const replayMs = Date.now() - started;
  const live = latencyByKind(judged.verdict);
  const baseline = latencyByKind(replayed.verdict);
  console.log("");
  console.log(
    `live: the demo above (${record.chaos.length} faults over ${((record.endedAt - record.startedAt) / 1000).toFixed(1)} s; checks' timeout ${record.lagMs} ms); replay: the same faults as a scenario (same targets, onsets and ends, the demo's model and vantages, checks and rounds every ${interval} ms, no noise; ${replayed.lines.length} incident lines, ${replayMs} ms)`,
  );
  for (const l of renderLatency(live, baseline)) console.log(l);
  const bound = goalBound(interval, record.lagMs);
  const goals = goalLines(live, faultDelays(judged.verdict), bound);
  console.log("");
  for (const g of goals) console.log(renderGoal(g));
  const missed = goals.filter((g) => !g.met).map((g) => g.kind);
  console.log(
    `goal: p95 onset → incident ≤ 2 × ${interval} ms + ${record.lagMs} ms for every kind: ${missed.length === 0 ? "met" : `missed (${missed.join(", ")})`}`,
  );
  console.log(`load average at the end ${load()}`);
  process.exitCode = missed.length === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
