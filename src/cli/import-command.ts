/**
 * `epicenter import uptime-kuma BACKUP.json | gatus config.yaml [--out FILE] [--force]`: another monitor's
 * setup as an epicenter.yaml, so switching takes one command. What could not come over is listed on stderr
 * and in the file's comments, never dropped silently.
 */
import { existsSync, renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { configFromSource } from "../config/config-load.js";
import { readSource } from "../config/source-file.js";
import { importGatus } from "../import/gatus-import.js";
import { type ImportPlan, renderImport } from "../import/import-plan.js";
import { importUptimeKuma } from "../import/uptime-kuma-import.js";
import { parseYamlSource, type YamlSource } from "../model/yaml-source.js";
import { type CliIo, UsageError } from "./io.js";

const importHelp = `epicenter import uptime-kuma BACKUP.json [--out FILE] [--force]
epicenter import gatus config.yaml [--out FILE] [--force]

Prints an epicenter.yaml with the other tool's monitors as components and checks (or writes it to FILE).
Uptime Kuma: the JSON of Settings → Backup → Export; http, keyword, json-query, port (tcp), dns and push
(heartbeat) monitors become checks, groups components that require their members. Gatus: its config.yaml;
http(s), tcp://, tls:// and dns endpoints and external endpoints (heartbeat) become checks, conditions
expectations. Anything else (ping, icmp://, databases, alerting...) is listed on stderr and in the file's
comments. Exit 0 when written (even with some not imported), 1 when the file cannot be read or parsed.
  --out FILE  write FILE (atomically) instead of printing; an existing FILE needs --force
  --force     replace an existing --out FILE`;

const IMPORTERS: Record<string, (source: YamlSource) => ImportPlan> = {
  "uptime-kuma": importUptimeKuma,
  gatus: importGatus,
};

export function importCommand(argv: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      out: { type: "string" },
      force: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.out(importHelp);
    return 0;
  }
  const [tool, file, ...rest] = positionals;
  const importer = tool === undefined ? undefined : IMPORTERS[tool];
  if (!importer || file === undefined || rest.length > 0)
    throw new UsageError(
      `${tool !== undefined && !importer ? `unknown tool "${tool}"; use uptime-kuma or gatus` : "import needs a tool and a file"}\n\n${importHelp}`,
    );
  const out = values.out === undefined ? undefined : resolve(io.cwd, values.out);
  if (out !== undefined && existsSync(out) && !values.force)
    throw new UsageError(`${values.out} exists; give --force to replace it, or another --out`);
  // A SourceError (unreadable file, bad JSON or YAML with its line, not a backup) is printed by run(): exit 1.
  const source = parseYamlSource(file, readSource(resolve(io.cwd, file)));
  const plan = importer(source);
  const text = renderImport(plan);
  // The file must load as written; a failure here is a bug in the importer, not in the user's file.
  configFromSource(parseYamlSource(out ?? "epicenter.yaml", text), { env: placeholders(text, io.env) });
  for (const n of plan.notImported) io.err(`not imported: ${n.monitor}: ${n.reason}`);
  for (const c of plan.components)
    for (const note of c.notes) if (/not imported|environment/.test(note)) io.err(`${c.id}: ${note}`);
  for (const note of plan.notes) io.err(note);
  const summary = `${plan.components.length} imported, ${plan.notImported.length} not imported`;
  if (out === undefined) {
    io.out(text.trimEnd());
    io.err(summary);
    return 0;
  }
  const temporary = `${out}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, out);
  io.err(`${values.out}: ${summary}; check it with: epicenter validate ${values.out}`);
  return 0;
}

/** The environment, with every `${NAME}` the text reads set (to check the file loads before the hub has them). */
function placeholders(text: string, env: CliIo["env"]): CliIo["env"] {
  const filled: Record<string, string | undefined> = { ...env };
  for (const m of text.matchAll(/\$\{([A-Za-z_]\w*)\}/g)) filled[m[1]!] ||= "set-me";
  return filled;
}
