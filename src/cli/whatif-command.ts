/** `epicenter whatif ID... [--config FILE] [--json]`: what goes down, and why, if these components fail. */
import { parseArgs } from "node:util";
import { type ImpactEntry, type ImpactSummary, summarizeImpact, whatIf } from "../whatif/what-if.js";
import { type CliIo, UsageError } from "./io.js";
import { loadCliModel, MODEL_COMMAND_OPTIONS, resolveIds } from "./model-option.js";
import { count, firstOf, formatTable, kindOrder, parseLimit, plural } from "./table-format.js";

const whatifHelp = `epicenter whatif ID... [--config FILE] [--json] [--limit N]

Fails the given components (down, full impact) and shows every component that goes down or is degraded,
grouped by kind, with the chain of dependencies that explains each: disneyplus → api-gateway → network.
  --config FILE  a config (epicenter.yaml, merged with the catalog) or a scenario (its world, hidden
                 dependencies included); default ./epicenter.yaml if present, else the built-in catalog
  --json         one JSON object: {"failed", "down", "degraded", "paths", ...}, ids sorted; "down" includes
                 the failed components
  --limit N      rows shown per kind (default 15; 0 shows all)`;

export function whatifCommand(argv: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: MODEL_COMMAND_OPTIONS,
    allowPositionals: true,
  });
  if (values.help) {
    io.out(whatifHelp);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError(`whatif needs at least one component id\n\n${whatifHelp}`);
  const limit = parseLimit(values.limit, 15);
  const model = loadCliModel(io, values.config);
  const failed = resolveIds(model, positionals);
  const summary = summarizeImpact(model.graph, whatIf(model.graph, failed));
  if (values.json) {
    io.out(JSON.stringify(whatifJson(summary, model.source, model.graph.size)));
    return 0;
  }
  io.out(renderWhatIf(summary, model.source, model.graph.size, limit));
  return 0;
}

/** The `--json` object: the lists scenario tools need, then the explaining chains. */
function whatifJson(summary: ImpactSummary, source: string, size: number) {
  const observed = summary.entries.filter((e) => e.observed);
  return {
    failed: summary.failed,
    down: summary.down,
    degraded: summary.degraded,
    observed: {
      down: observed.filter((e) => e.state === "down").map((e) => e.id),
      degraded: observed.filter((e) => e.state === "degraded").map((e) => e.id),
    },
    kinds: Object.fromEntries(summary.entries.map((e) => [e.id, e.kind])),
    paths: Object.fromEntries(summary.entries.map((e) => [e.id, e.path])),
    model: { source, components: size },
  };
}

/** Readable what-if: a section per state, a group per kind, one row per component with its chain. */
function renderWhatIf(summary: ImpactSummary, source: string, size: number, limit: number): string {
  const lines = [
    `What if ${summary.failed.join(" and ")} ${summary.failed.length === 1 ? "fails" : "fail"}?`,
  ];
  lines.push(`Model: ${source}; ${plural(size, "component")}.`, "");
  const width = Math.min(48, Math.max(0, ...summary.entries.map((e) => e.id.length)));
  for (const state of ["down", "degraded"] as const) {
    const entries = summary.entries.filter((e) => e.state === state);
    const observed = entries.filter((e) => e.observed).length;
    const title = state === "down" ? "Down" : "Degraded";
    if (entries.length === 0) {
      lines.push(`${title}: nothing.`, "");
      continue;
    }
    lines.push(`${title}: ${plural(entries.length, "component")}, ${count(observed)} of them observed (*)`);
    const kinds = [...new Set(entries.map((e) => e.kind))].sort(kindOrder);
    for (const kind of kinds) {
      const group = entries.filter((e) => e.kind === kind);
      lines.push(`  ${kind} (${count(group.length)})`);
      const { shown, more } = firstOf(group, limit);
      lines.push(
        ...formatTable(
          shown.map((e) => row(e, width)),
          [],
          "    ",
        ),
      );
      if (more > 0) lines.push(`    … and ${count(more)} more (--limit 0 shows all, --json lists every one)`);
    }
    lines.push("");
  }
  lines.push(
    "Each row reads: component → the impaired dependency that explains it → … → a failed component.",
  );
  return lines.join("\n");
}

function row(e: ImpactEntry, width: number): string[] {
  const id = `${e.observed ? "*" : " "} ${e.id.padEnd(width)}`;
  if (e.failed) return [id, "(failed)"];
  return [id, `→ ${e.path.slice(1).join(" → ")}`];
}
