/**
 * The accuracy bench's worker thread: generates one scenario from its config, replays it with each method
 * (baselines first, so a slow localizer that hits the time limit does not cost their figures) and posts
 * each method's metrics as soon as it has them.
 */
import { parentPort } from "node:worker_threads";
import { judge } from "../src/replay/judge.js";
import { type ReplayOptions, replay } from "../src/replay/replay.js";
import { measure } from "./accuracy-metrics.js";
import {
  type MethodName,
  type ScenarioConfig,
  scenarioFor,
  type WorkerMessage,
} from "./accuracy-protocol.js";
import { mostCommonDependency, score } from "./baselines.js";
import { measureSuspected } from "./suspected-metrics.js";

const METHODS: Record<MethodName, ReplayOptions> = {
  "most-common-dependency": { createSource: mostCommonDependency },
  score: { createSource: (view) => score(view) },
  epicenter: {},
};

parentPort?.on("message", (config: ScenarioConfig) => {
  const scenario = scenarioFor(config);
  for (const method of config.methods) {
    const start = performance.now();
    const run = replay(scenario, METHODS[method]);
    const seconds = (performance.now() - start) / 1000;
    const metrics = measure(scenario, run.truth, run.output, judge(scenario, run.truth, run.output));
    const suspected =
      method === "epicenter" ? measureSuspected(scenario, run.truth, run.suspected) : undefined;
    const message: WorkerMessage = {
      type: "result",
      index: config.index,
      method,
      seconds,
      observations: run.output.observations,
      metrics,
      ...(suspected ? { suspected } : {}),
    };
    parentPort?.postMessage(message);
  }
  parentPort?.postMessage({ type: "done", index: config.index } satisfies WorkerMessage);
});
