/** The commands of `epicenter`: the default table run() uses; tests and embedders may pass their own. */
import { agentCommand } from "./agent-command.js";
import { checkCommand } from "./check-command.js";
import { dataCommand } from "./data-command.js";
import { demoCommand } from "./demo-command.js";
import { discoverCommand } from "./discover-command.js";
import { importCommand } from "./import-command.js";
import type { CliIo } from "./io.js";
import { modelCommand } from "./model-command.js";
import { passwordCommand } from "./password-command.js";
import { replayCommand } from "./replay-command.js";
import { reportCommand } from "./report-command.js";
import { serveCommand } from "./serve-command.js";
import { tokenCommand } from "./token-command.js";
import { schemaCommand, validateCommand } from "./validate-command.js";
import { whatifCommand } from "./whatif-command.js";

/** One command: its arguments after the name, the io; returns the exit status. */
export type Command = (argv: string[], io: CliIo) => number | Promise<number>;

/** Commands by name, each with the line `epicenter --help` shows for it (in this order). */
export type CommandTable = Readonly<Record<string, { run: Command; summary: string }>>;

/** A fresh table of the built-in commands. */
export function defaultCommands(): CommandTable {
  return {
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
    report: {
      run: reportCommand,
      summary:
        "report concentration | sla | vendor-lag: what each shared component holds up; availability per component; how late vendors said so",
    },
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
    model: {
      run: modelCommand,
      summary:
        "model suggest: dependencies your model probably lacks, learned from outages (--write merges them)",
    },
    data: { run: dataCommand, summary: "data update: refresh the IP ranges discovery uses" },
    import: {
      run: importCommand,
      summary: "import uptime-kuma BACKUP.json | gatus config.yaml: their monitors as an epicenter.yaml",
    },
  };
}
