/**
 * `epicenter demo` (what `npm start` runs until the live hub lands): a what-if on the example config and
 * a replay of the 2021-12-07 us-east-1 outage through the real localizer, then where to go next.
 */
import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliIo } from "./io.js";
import { replayCommand } from "./replay-command.js";
import { whatifCommand } from "./whatif-command.js";

const demoHelp = `epicenter demo

Shows what Epicenter does on the bundled examples: what fails with aws/us-east-1, then the localizer
replaying the AWS us-east-1 outage of 2021-12-07 in simulated time.`;

/** The package's examples folder, found from this module whether it runs from src/ or dist/src/. */
function examplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "examples", "epicenter.yaml"))) return join(dir, "examples");
    dir = dirname(dir);
  }
  throw new Error(
    "epicenter demo: the examples folder is missing from this installation; reinstall the package",
  );
}

export function demoCommand(argv: string[], io: CliIo): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(demoHelp);
    return 0;
  }
  const examples = examplesDir();
  const show = (path: string) => relative(io.cwd, path) || path;
  const config = join(examples, "epicenter.yaml");
  const scenario = join(examples, "scenarios", "aws-us-east-1-2021-12-07.yaml");
  const rule = "─".repeat(78);

  io.out(rule);
  io.out("Epicenter demo 1/2: what if aws/us-east-1 fails?");
  io.out(`(model: ${show(config)}, on top of the built-in provider catalog)`);
  io.out(rule);
  const whatif = whatifCommand(["aws/us-east-1", "--config", config, "--limit", "8"], io);
  if (whatif !== 0) return whatif;

  io.out("");
  io.out(rule);
  io.out("Epicenter demo 2/2: the AWS us-east-1 outage of 2021-12-07, replayed through the localizer");
  io.out(`(scenario: ${show(scenario)}; 9 simulated hours, 4 vantages, 1% flipped and 2% missing checks)`);
  io.out(rule);
  const replayed = replayCommand([scenario], io);
  if (replayed !== 0) return replayed;

  io.out("");
  io.out("Next:");
  io.out(`  npx epicenter whatif <component>... --config ${show(config)}`);
  io.out(`  npx epicenter report concentration --config ${show(config)}`);
  io.out(`  npx epicenter replay ${show(join(examples, "scenarios", "fastly-2021-06-08.yaml"))}`);
  io.out("  npx epicenter --help");
  return 0;
}
