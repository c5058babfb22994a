/**
 * Child process of `bench:replay -- --recorded N`: one measurement in a fresh process, so its peak RSS is its
 * own. `replay FILE` replays a scenario whose observations are a recorded file; `parse FILE` is the ceiling:
 * the same file read line by line and each line JSON.parse'd, nothing else. Prints one JSON line.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { loadScenarioFile } from "../src/config/scenario-file.js";
import { replay } from "../src/replay/replay.js";

const [mode, file] = process.argv.slice(2);
const start = performance.now();
let lines = 0;
let incidents = 0;
if (mode === "replay") {
  const run = replay(loadScenarioFile(file!));
  lines = run.output.observations;
  incidents = run.output.incidents.length;
} else {
  let sum = 0;
  for await (const line of createInterface({
    input: createReadStream(file!),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (line === "") continue;
    sum += (JSON.parse(line) as { t: number }).t;
    lines++;
  }
  if (sum < 0) console.error(sum);
}
const seconds = (performance.now() - start) / 1000;
console.log(
  JSON.stringify({ mode, lines, incidents, seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 }),
);
