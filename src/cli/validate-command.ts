/** `epicenter validate FILE...` and `epicenter schema`: check files, print the config's JSON Schema. */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import * as z from "zod";
import { configFromSource } from "../config/config-load.js";
import { configSchema } from "../config/config-schema.js";
import { readSource } from "../config/source-file.js";
import { formatIssue, SourceError } from "../model/model-errors.js";
import { parseYamlSource } from "../model/yaml-source.js";
import { parseScenario } from "../simulate/scenario-load.js";
import { type CliIo, UsageError } from "./io.js";

const validateHelp = `epicenter validate FILE...

Checks config files (epicenter.yaml) and scenario files; reports every error with file, line and key path.
A file with a top-level "seed" is read as a scenario, otherwise as a config.`;

/** Whether parsed YAML looks like a scenario rather than a config. */
export function isScenarioValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && "seed" in value && "duration" in value;
}

export function validateCommand(argv: string[], io: CliIo): number {
  const { positionals, values } = parseArgs({
    args: argv,
    options: { help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    io.out(validateHelp);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`validate needs at least one file\n\n${validateHelp}`);
  let failed = 0;
  for (const name of positionals) {
    const file = resolve(io.cwd, name);
    try {
      const text = readSource(file);
      const source = parseYamlSource(name, text);
      if (isScenarioValue(source.value)) {
        const s = parseScenario(name, text);
        io.out(
          `${name}: ok (scenario ${s.name}: ${s.model.components.length} components, ${s.vantages.length} vantages)`,
        );
      } else {
        const c = configFromSource(source, { env: io.env });
        io.out(
          `${name}: ok (config: ${c.userComponents} components, ${c.model.components.length} with the catalog)`,
        );
      }
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      failed++;
      for (const issue of error.issues) io.err(formatIssue({ ...issue, file: name }));
      io.err(`${name}: ${error.issues.length} error${error.issues.length === 1 ? "" : "s"}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

export function schemaCommand(_argv: string[], io: CliIo): number {
  const schema = z.toJSONSchema(configSchema({}), { io: "input", unrepresentable: "any" });
  io.out(
    JSON.stringify(
      { ...schema, title: "epicenter.yaml", $id: "https://epicenter.dev/schema/config.json" },
      null,
      2,
    ),
  );
  return 0;
}
