/** The `--config FILE` option of model commands: a config, a scenario (its world), ./epicenter.yaml, or the catalog. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { mergeCatalog } from "../catalog/catalog-merge.js";
import { configFromSource } from "../config/config-load.js";
import { readSource } from "../config/source-file.js";
import { compileGraph, type Graph } from "../model/graph.js";
import { closestId } from "../model/ids.js";
import { parseYamlSource } from "../model/yaml-source.js";
import { parseScenario } from "../simulate/scenario-load.js";
import { type CliIo, UsageError } from "./io.js";
import { isScenarioValue } from "./validate-command.js";

export interface CliModel {
  graph: Graph;
  /** Where the model came from, for people: `scenario NAME (FILE)`, `config FILE`, `built-in catalog`. */
  source: string;
}

/**
 * Loads the model a command works on. A scenario's model is its components with hidden dependencies
 * included (the world as it is); a config's is its components merged with the catalog. Without `--config`:
 * ./epicenter.yaml when it exists, else the built-in catalog alone.
 */
export function loadCliModel(io: CliIo, config: string | undefined): CliModel {
  const name = config ?? "epicenter.yaml";
  const file = resolve(io.cwd, name);
  if (config === undefined && !existsSync(file))
    return {
      graph: compileGraph({ components: mergeCatalog([], true) }, { includeHidden: true }),
      source: "built-in catalog (no ./epicenter.yaml; pass --config FILE for your own model)",
    };
  const text = readSource(file);
  const yaml = parseYamlSource(name, text);
  if (isScenarioValue(yaml.value)) {
    const scenario = parseScenario(name, text);
    return {
      graph: compileGraph(scenario.model, { includeHidden: true }),
      source: `scenario ${scenario.name} (${name}), hidden dependencies included`,
    };
  }
  const loaded = configFromSource(yaml, { env: io.env });
  return { graph: compileGraph(loaded.model, { includeHidden: true }), source: `config ${name}` };
}

/** Graph indices of `ids`; unknown ids are a usage error (exit 2) naming each, with a suggestion. */
export function resolveIds(model: CliModel, ids: readonly string[]): number[] {
  const out: number[] = [];
  const problems: string[] = [];
  for (const id of ids) {
    const c = model.graph.index.get(id);
    if (c !== undefined) {
      out.push(c);
      continue;
    }
    const hint = closestId(id, model.graph.ids);
    problems.push(`unknown component "${id}"${hint ? `; did you mean "${hint}"?` : ""}`);
  }
  if (problems.length > 0) throw new UsageError(`${problems.join("\n")}\n(the model: ${model.source})`);
  return out;
}

/** The options every command over a model takes: which model, JSON output, list length, help. */
export const MODEL_COMMAND_OPTIONS = {
  config: { type: "string" },
  json: { type: "boolean" },
  limit: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;
