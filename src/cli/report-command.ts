/** `epicenter report concentration [--config FILE] [--json]`: what each shared component holds up. */
import { parseArgs } from "node:util";
import { type CandidateImpact, type ConcentrationReport, concentration } from "../whatif/concentration.js";
import { loadDiscoveryModel } from "./discover-command.js";
import { type CliIo, UsageError } from "./io.js";
import { loadCliModel, MODEL_COMMAND_OPTIONS } from "./model-option.js";
import { reportSlaCommand } from "./report-sla.js";
import { reportVendorLagCommand } from "./report-vendor-lag.js";
import { count, firstOf, formatTable, parseLimit, plural } from "./table-format.js";

const reportHelp = `epicenter report concentration [--config FILE | --discovery FILE] [--json] [--limit N]

For each provider, region and shared service: how many observed components go down (or are degraded) if
it alone fails; the single points of failure; the Herfindahl–Hirschman index of hosting concentration.
  --config FILE  a config (epicenter.yaml, merged with the catalog) or a scenario (its world, hidden
                 dependencies included); default ./epicenter.yaml if present, else the built-in catalog
  --discovery FILE  the output of \`epicenter discover --json\` (or its --cache file): each domain an
                 observed service with what discovery found, on top of the catalog (what share of these
                 sites critically depends on aws/us-east-1?)
  --json         one JSON object
  --limit N      rows shown per table (default 20; 0 shows all)`;

const DEFINITIONS = [
  "Shared components: every component whose kind is not 'service'. Counts are observed components, the",
  "component itself not counted, down (degraded) when it alone fails and everything else is healthy.",
  "A single point of failure takes down at least one observed component alone; an observed component is",
  "critically dependent when some single point of failure takes it down.",
  "Hosting: an observed component is hosted by every provider it depends on, directly or not, and counts",
  "as one unit split equally among them; HHI = 10,000 × Σ share² (> 2,500 highly concentrated,",
  "1,500 to 2,500 moderately, below unconcentrated: US merger guidelines).",
];

export function reportCommand(argv: string[], io: CliIo): number | Promise<number> {
  // `report sla` reads the hub's store, not a model: its own options (report-sla.ts).
  if (argv[0] === "sla") return reportSlaCommand(argv.slice(1), io);
  if (argv[0] === "vendor-lag") return reportVendorLagCommand(argv.slice(1), io);
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...MODEL_COMMAND_OPTIONS, discovery: { type: "string" } },
    allowPositionals: true,
  });
  if (values.help) {
    io.out(reportHelp);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== "concentration")
    throw new UsageError(
      `${positionals.length === 0 ? "report needs a report name" : `unknown report "${positionals.join(" ")}"`}; the reports are "concentration", "sla" and "vendor-lag" (epicenter report sla --help, report vendor-lag --help)\n\n${reportHelp}`,
    );
  const limit = parseLimit(values.limit, 20);
  if (values.discovery !== undefined && values.config !== undefined)
    throw new UsageError("give --config or --discovery, not both");
  const model =
    values.discovery !== undefined
      ? loadDiscoveryModel(io, values.discovery)
      : loadCliModel(io, values.config);
  const report = concentration(model.graph);
  if (values.json) {
    io.out(JSON.stringify({ ...report, model: { source: model.source, components: model.graph.size } }));
    return 0;
  }
  io.out(renderConcentration(report, model.source, model.graph.size, limit));
  return 0;
}

/** Readable report: three ranked tables, the SPOFs, hosting shares and the HHI, then the definitions. */
function renderConcentration(
  report: ConcentrationReport,
  source: string,
  size: number,
  limit: number,
): string {
  const lines = ["Concentration: what fails if one shared component fails"];
  lines.push(
    `Model: ${source}; ${plural(size, "component")}, ${count(report.observed)} observed, ${count(report.candidateCount)} shared.`,
  );
  if (report.observed === 0) {
    lines.push(
      "",
      "Nothing is observed, so nothing user-facing can fail: mark your services `observed: true`.",
    );
    return lines.join("\n");
  }
  const pct = (n: number) => (report.observed > 0 ? `${((100 * n) / report.observed).toFixed(1)}%` : "-");
  const sections: [string, (c: CandidateImpact) => boolean][] = [
    ["Providers", (c) => c.kind === "provider"],
    ["Regions", (c) => c.kind === "region"],
    ["Shared services", (c) => c.kind !== "provider" && c.kind !== "region"],
  ];
  for (const [title, keep] of sections) {
    const rows = report.candidates.filter(keep);
    if (rows.length === 0) continue;
    const { shown, more } = firstOf(rows, limit);
    const withKind = title === "Shared services";
    lines.push("", `${title} (${count(rows.length)})`);
    lines.push(
      ...formatTable(
        [
          ["COMPONENT", ...(withKind ? ["KIND"] : []), "DOWN", "% OBSERVED", "DEGRADED"],
          ...shown.map((c) => [
            c.id,
            ...(withKind ? [c.kind] : []),
            count(c.down),
            pct(c.down),
            count(c.degraded),
          ]),
        ],
        withKind ? ["left", "left", "right", "right", "right"] : ["left", "right", "right", "right"],
      ),
    );
    if (more > 0) lines.push(`  … and ${count(more)} more (--limit 0 shows all)`);
  }
  lines.push("", `Single points of failure: ${count(report.spofs.length)}`);
  const { shown, more } = firstOf(report.spofs, limit);
  lines.push(
    ...formatTable(
      shown.map((s) => [
        s.id,
        count(s.down),
        `${s.examples.join(", ")}${s.down > s.examples.length ? `, … (+${count(s.down - s.examples.length)})` : ""}`,
      ]),
      ["left", "right", "left"],
    ),
  );
  if (more > 0) lines.push(`  … and ${count(more)} more (--limit 0 shows all)`);
  lines.push(
    `Critically dependent: ${count(report.critical)} of ${count(report.observed)} observed (${pct(report.critical)}) go down if some one shared component fails`,
  );
  const h = report.hosting;
  lines.push(
    "",
    `Hosting concentration: HHI ${count(Math.round(h.hhi))} of 10,000 (${hhiBand(h.hhi)}) over ${count(h.hosted)} hosted observed components${h.unhosted > 0 ? ` (${count(h.unhosted)} depend on no provider)` : ""}`,
  );
  const providers = firstOf(
    h.providers.filter((p) => p.observed > 0),
    limit,
  );
  lines.push(
    ...formatTable(
      providers.shown.map((p) => [
        p.id,
        `${(100 * p.share).toFixed(1)}%`,
        `${count(p.observed)} depend on it`,
      ]),
      ["left", "right", "left"],
    ),
  );
  if (providers.more > 0) lines.push(`  … and ${count(providers.more)} more`);
  lines.push("", ...DEFINITIONS);
  return lines.join("\n");
}

function hhiBand(hhi: number): string {
  if (hhi > 2500) return "highly concentrated";
  if (hhi >= 1500) return "moderately concentrated";
  return "unconcentrated";
}
