/** The CLI core: `run(argv, io)` returns an exit status; only main.ts touches the process. */
import { SourceError } from "../model/model-errors.js";
import { agentCommand } from "./agent-command.js";
import { checkCommand } from "./check-command.js";
import { dataCommand } from "./data-command.js";
import { demoCommand } from "./demo-command.js";
import { discoverCommand } from "./discover-command.js";
import { type CliIo, UsageError } from "./io.js";
import { passwordCommand } from "./password-command.js";
import { replayCommand } from "./replay-command.js";
import { reportCommand } from "./report-command.js";
import { serveCommand } from "./serve-command.js";
import { tokenCommand } from "./token-command.js";
import { schemaCommand, validateCommand } from "./validate-command.js";
import { whatifCommand } from "./whatif-command.js";

type Command = (argv: string[], io: CliIo) => number | Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  serve: {
    run: (argv, io) => serveCommand(argv, io),
    summary: "run the hub (npm start): probes, localizer, incidents, API; a live demo without --config",
  },
  demo: {
    run: demoCommand,
    summary: "offline: a what-if and a replay of the 2021-12-07 outage in simulated time",
  },
  validate: { run: validateCommand, summary: "check config and scenario files, all errors at once" },
  schema: { run: schemaCommand, summary: "print the JSON Schema of epicenter.yaml" },
  replay: { run: replayCommand, summary: "run a scenario through the localizer and judge it" },
  whatif: { run: whatifCommand, summary: "what goes down, and why, if these components fail" },
  report: { run: reportCommand, summary: "report concentration: what each shared component holds up" },
  check: {
    run: checkCommand,
    summary: "run one check now (http, https, tcp, dns, tls): status, error class, phases",
  },
  token: { run: tokenCommand, summary: "API tokens: create (the secret is shown once), list, revoke" },
  "password-hash": {
    run: (argv, io) => passwordCommand(argv, io),
    summary: "hash a dashboard user's password for epicenter.yaml (read from stdin)",
  },
  agent: { run: agentCommand, summary: "run the checks of one vantage and send observations to a hub" },
  discover: {
    run: discoverCommand,
    summary: "what domains depend on: DNS providers, CDNs, hosting regions, CA, mail (with evidence)",
  },
  data: { run: dataCommand, summary: "data update: refresh the IP ranges discovery uses" },
};

export function registerCommand(name: string, run: Command, summary: string): void {
  COMMANDS[name] = { run, summary };
}

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    "epicenter: when the internet shakes, say where the quake started.",
    "",
    "Usage: epicenter <command> [options]   (epicenter <command> --help for details)",
    "",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ].join("\n");
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`epicenter: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof SourceError) {
      io.err(error.message);
      return 1;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`epicenter ${name}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}
