/**
 * `npm run bench:replay [-- --services N] [-- --hours H]`: end-to-end throughput of `replay` (simulate +
 * localize) on one core, for a generated world of 20,000 observed sites and 5 vantages over 2 simulated hours
 * (every 30s) with a regional outage of aws/us-east-1; and, as the ceiling, the simulator alone feeding a
 * no-op sink, in the same run. Samples heap and RSS as simulated time passes to show memory stays flat.
 * A replay still running after --limit wall seconds (default 900) is stopped and its figures so far reported.
 * Run with --expose-gc (the npm script does) so each measurement starts from a collected heap.
 * `--recorded N` measures a recorded file of N lines instead (bench/replay-recorded.ts; default 8.5 million).
 */
import { parseArgs } from "node:util";
import { Localizer } from "../src/localize/localizer.js";
import { judge } from "../src/replay/judge.js";
import { replay } from "../src/replay/replay.js";
import { simulate } from "../src/simulate/simulator.js";
import { Truth } from "../src/simulate/truth.js";
import { runRecordedBench } from "./replay-recorded.js";
import { generateScenario } from "./world-generator.js";

const { values } = parseArgs({
  options: {
    services: { type: "string", default: "20000" },
    hours: { type: "string", default: "2" },
    seed: { type: "string", default: "7" },
    limit: { type: "string", default: "900" },
    recorded: { type: "string" },
  },
});
if (values.recorded !== undefined) {
  runRecordedBench(
    Number(values.recorded) || 8_500_000,
    Number(values.services === "20000" ? 7000 : values.services),
  );
  process.exit(0);
}
/** Wall seconds after which the replay is stopped and the figures so far reported. */
const limit = Number(values.limit);
const services = Number(values.services);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) process.stderr.write("note: run with node --expose-gc for comparable memory figures\n");

const scenario = generateScenario({
  seed: Number(values.seed),
  services,
  faults: 1,
  targets: ["aws/us-east-1"],
  vantageFault: false,
  duration: Number(values.hours) * 3600,
  name: `replay-bench-${services}`,
});
const fault = scenario.faults[0]!;
console.log(
  `bench:replay: ${services} sites (${scenario.model.components.length} components), ` +
    `${scenario.vantages.length} vantages, ${scenario.duration / 3600}h every ${scenario.interval}s; ` +
    `fault ${fault.id} ${fault.state}${fault.impact < 1 ? ` impact ${fault.impact}` : ""} ` +
    `from ${fault.at}s to ${fault.end}s`,
);

interface Sample {
  t: number;
  wall: number;
  observations: number;
  heap: number;
  rss: number;
}

// Ceiling: the simulator alone, observations dropped.
gc?.();
let start = performance.now();
const truth = new Truth(scenario);
let sink = 0;
const simulated = simulate(truth, (_t, _v, c, s) => {
  sink += c + s;
});
const simSeconds = (performance.now() - start) / 1000;
if (sink < 0) console.log(sink);

// End to end: simulate + localize through replay, sampling memory every 10 simulated minutes.
gc?.();
const samples: Sample[] = [];
let nextSample = 0;
// The default localizer, created here only so its observation count can be read while it runs.
let localizer: Localizer | undefined;
class Stopped extends Error {
  override name = "Stopped";
}
start = performance.now();
let stoppedAt: number | null = null;
let run: ReturnType<typeof replay> | null = null;
try {
  run = replay(scenario, {
    createSource: (view) => {
      localizer = new Localizer(view);
      return localizer;
    },
    onProgress: (t) => {
      const wall = (performance.now() - start) / 1000;
      const over = wall > limit;
      if (t < nextSample && !over) return;
      nextSample = t + 600;
      const m = process.memoryUsage();
      samples.push({ t, wall, observations: localizer?.observations ?? 0, heap: m.heapUsed, rss: m.rss });
      process.stderr.write(`  simulated t=${t}s after ${wall.toFixed(1)}s\n`);
      if (over) {
        stoppedAt = t;
        throw new Stopped();
      }
    },
  });
} catch (error) {
  if (!(error instanceof Stopped)) throw error;
}
const replaySeconds = (performance.now() - start) / 1000;
const replayed = run?.output.observations ?? localizer?.observations ?? 0;

const rate = (n: number, s: number) => (s > 0 ? `${(n / s / 1e6).toFixed(2)}M obs/s` : "-");
console.log(`\n| run | observations | seconds | throughput |\n|---|---:|---:|---:|`);
console.log(
  `| simulator alone, no-op sink (ceiling) | ${simulated} | ${simSeconds.toFixed(2)} | ${rate(simulated, simSeconds)} |`,
);
const partial = stoppedAt === null ? "" : ` (stopped at the ${limit}s limit, simulated t=${stoppedAt}s)`;
console.log(
  `| replay (simulate + localize)${partial} | ${replayed} | ${replaySeconds.toFixed(2)} | ` +
    `${rate(replayed, replaySeconds)} |`,
);
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
const mid = Math.floor((samples.length - 1) / 2);
console.log(
  `\n| simulated time | wall s | throughput since previous row | heap used | RSS |\n|---|---:|---:|---:|---:|`,
);
samples.forEach((s, i) => {
  const prev = samples[i - 1];
  const label = i === 0 ? " (start)" : i === mid ? " (middle)" : i === samples.length - 1 ? " (end)" : "";
  const window = prev ? rate(s.observations - prev.observations, s.wall - prev.wall) : "-";
  console.log(`| ${s.t}s${label} | ${s.wall.toFixed(1)} | ${window} | ${mb(s.heap)} | ${mb(s.rss)} |`);
});
if (run) {
  const verdict = judge(scenario, run.truth, run.output);
  console.log(
    `\n${run.output.incidents.length} incidents; verdict ${verdict.passed ? "PASS" : "FAIL"}` +
      (verdict.reasons.length ? ` (${verdict.reasons.join("; ")})` : ""),
  );
}
const goal = stoppedAt === null && replayed / replaySeconds >= 1e6;
console.log(`goal >= 1.00M obs/s end to end: ${goal ? "met" : "not met"}`);
