/**
 * `npm run bench:accuracy [-- --quick] [-- --seed N] [-- --timeout S] [-- --workers N]`: replays 200 generated
 * internet-like scenarios (100 to 5,000 sites, 20% quiet; --quick: 40 of them) with Epicenter and, in the
 * same run, the two baselines of bench/baselines.ts, and prints how each does (metrics: accuracy-metrics.ts).
 * Scenarios run on worker threads, one scenario per worker at a time; a scenario whose replays together take
 * longer than the time limit (--timeout, default 20s; 0: none) is stopped, and the methods it did not finish
 * count as failed ("timeout"); the limit keeps the whole run near 10 minutes on 2 cores.
 * Writes the first failing scenarios of Epicenter to bench/out/accuracy-failures/ for `epicenter replay`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import {
  type Corpus,
  METHODS,
  type ScenarioConfig,
  scenarioConfigs,
  scenarioFor,
  type WorkerMessage,
} from "./accuracy-protocol.js";
import {
  printByShape,
  printFailureKinds,
  printFailures,
  printReport,
  type ScenarioRecord,
} from "./accuracy-report.js";
import { scenarioToYaml } from "./world-generator.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    seed: { type: "string", default: "1" },
    timeout: { type: "string", default: "20" },
    workers: { type: "string" },
    corpus: { type: "string", default: "both" },
    shape: { type: "string" },
  },
});
const seed = Number(values.seed);
const timeoutMs = Number(values.timeout) * 1000;
const workers = Math.max(1, Number(values.workers ?? Math.min(2, availableParallelism())));
const corpus = values.corpus as Corpus;
if (!["old", "stories", "both"].includes(corpus)) {
  console.error(`--corpus must be old, stories or both, not ${corpus}`);
  process.exit(2);
}
const configs = scenarioConfigs(seed, values.quick, corpus).filter(
  (c) => values.shape === undefined || c.story === values.shape,
);
const outDir = new URL("../../bench/out/", import.meta.url);

const records = new Map<number, ScenarioRecord>();
for (const c of configs) records.set(c.index, { config: c, results: new Map() });

const start = performance.now();
let finished = 0;
// Biggest worlds first, so the last scenarios to finish are small ones and both threads stay busy.
const queue = [...configs].sort((a, b) => b.services * b.faults - a.services * a.faults || a.index - b.index);

await Promise.all(Array.from({ length: workers }, () => drain()));
const wall = (performance.now() - start) / 1000;

const all = configs.map((c) => records.get(c.index)!);
const info = { wall, workers, quick: values.quick, seed, timeout: timeoutMs / 1000 };
const old = all.filter((r) => r.config.story === undefined);
const stories = all.filter((r) => r.config.story !== undefined);
if (old.length > 0) printReport(old, { ...info, corpus: "old corpus (the baseline)" });
if (stories.length > 0) {
  printReport(stories, { ...info, corpus: "harder corpus (world-stories.ts)" });
  printByShape(stories);
}
const failing = all.filter((r) => !r.results.get("epicenter")?.metrics?.passed);
printFailureKinds(all);
printFailures(failing.slice(0, 15));
writeFailures(failing.slice(0, 10).map((r) => r.config));
mkdirSync(outDir, { recursive: true });
writeFileSync(
  new URL("accuracy-results.json", outDir),
  JSON.stringify(
    all.map((r) => ({ ...r.config, name: r.name, results: Object.fromEntries(r.results) })),
    null,
    1,
  ),
);

/** One worker thread taking scenarios from the queue until it is empty; replaced when a scenario times out. */
async function drain(): Promise<void> {
  let worker = spawn();
  for (let config = queue.shift(); config; config = queue.shift()) {
    const ok = await runOne(worker, config);
    finished++;
    const rec = records.get(config.index)!;
    const epicenter = rec.results.get("epicenter");
    process.stderr.write(
      `scenario ${finished}/${configs.length} ${rec.name ?? config.index}: ` +
        `${epicenter?.metrics ? (epicenter.metrics.passed ? "pass" : "FAIL") : "timeout"} ` +
        `(${epicenter ? epicenter.seconds.toFixed(1) : "-"}s)\n`,
    );
    if (!ok) {
      await worker.terminate();
      worker = spawn();
    }
  }
  await worker.terminate();
}

function spawn(): Worker {
  return new Worker(new URL("./accuracy-worker.js", import.meta.url));
}

/** Runs one scenario's methods; false when it hit the time limit (the worker must be replaced). */
function runOne(worker: Worker, config: ScenarioConfig): Promise<boolean> {
  const rec = records.get(config.index)!;
  const scenario = scenarioFor(config);
  rec.name = scenario.name;
  rec.hours = scenario.duration / 3600;
  rec.faults = scenario.faults.map((f) => ({ id: f.id, target: f.target, state: f.state, impact: f.impact }));
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const onTimeout = () => {
      cleanup();
      for (const m of METHODS)
        if (!rec.results.has(m))
          rec.results.set(m, { seconds: (performance.now() - began) / 1000, observations: 0, metrics: null });
      resolve(false);
    };
    const timer = timeoutMs > 0 ? setTimeout(onTimeout, timeoutMs) : undefined;
    const onMessage = (msg: WorkerMessage) => {
      if (msg.index !== config.index) return;
      if (msg.type === "result") {
        rec.results.set(msg.method, {
          seconds: msg.seconds,
          observations: msg.observations,
          metrics: msg.metrics,
          ...(msg.suspected ? { suspected: msg.suspected } : {}),
        });
        return;
      }
      cleanup();
      resolve(true);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.postMessage(config);
  });
}

function writeFailures(list: ScenarioConfig[]): void {
  const dir = new URL("accuracy-failures/", outDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const config of list) {
    const scenario = scenarioFor(config);
    writeFileSync(new URL(`${scenario.name}.yaml`, dir), scenarioToYaml(scenario));
  }
  if (list.length > 0)
    console.log(
      `\nWrote ${list.length} failing scenarios to bench/out/accuracy-failures/ (replay with node bin/epicenter.js replay FILE)`,
    );
}
