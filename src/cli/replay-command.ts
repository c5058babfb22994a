/** `epicenter replay FILE [--json]`: runs a scenario through the localizer and judges it. */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadScenarioFile } from "../config/scenario-file.js";
import { formatDuration } from "../model/duration.js";
import { judge } from "../replay/judge.js";
import { replay } from "../replay/replay.js";
import { renderTimeline } from "../replay/timeline.js";
import { type CliIo, UsageError } from "./io.js";
import { progressBar } from "./progress.js";

const replayHelp = `epicenter replay FILE [--json]

Simulates a scenario (or replays its recorded observations) through the real localizer in simulated time.
  --json   print the replay output as one JSON object (scenario.md "Replay output")
Without --json: a readable timeline and the verdict ("How a replay is judged").`;

export function replayCommand(argv: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    io.out(replayHelp);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`replay takes one scenario file\n\n${replayHelp}`);
  const scenario = loadScenarioFile(resolve(io.cwd, positionals[0]!));
  const bar = !values.json && io.isTty ? progressBar(io, "replaying") : undefined;
  const run = replay(scenario, { ...(bar ? { onProgress: (t, d) => bar.update(t / d) } : {}) });
  bar?.done();
  if (values.json) {
    io.out(JSON.stringify(run.output));
    return 0;
  }
  const verdict = judge(scenario, run.truth, run.output);
  io.out(renderTimeline(scenario, run, verdict));
  io.out(
    `${run.output.observations} observations over ${formatDuration(scenario.duration)} of simulated time.`,
  );
  return 0;
}
