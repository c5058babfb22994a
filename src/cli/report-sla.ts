/**
 * `epicenter report sla --from D --to D [--component ID] [--tag T] [--data DIR] [--json|--csv]`: availability per
 * observed component from the hub's store (sla-report.ts, as GET /api/v1/reports/sla computes it), as a
 * table to paste, CSV for a spreadsheet, or the API's JSON.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfigFile } from "../config/config-load.js";
import { MaintenanceBook } from "../hub/maintenance-book.js";
import type { MaintenanceSpec } from "../model/maintenance-schedule.js";
import type { ComponentSpec } from "../model/model-types.js";
import {
  type ComponentSla,
  maintenanceExclusions,
  parseSlaTime,
  type SlaReport,
  slaReport,
  slaWindowProblem,
  withTag,
} from "../server/sla-report.js";
import { slaJson } from "../server/sla-routes.js";
import { percent } from "../server/status-uptime.js";
import { openStore } from "../store/open-store.js";
import { type CliIo, UsageError } from "./io.js";
import { formatTable } from "./table-format.js";
import { DEFAULT_DATA_DIR } from "./token-command.js";

export const slaHelp = `epicenter report sla --from DATE --to DATE [--component ID] [--tag T] [--config F] [--data DIR] [--json | --csv]

Availability per observed component over [--from, --to) (UTC dates like 2026-11-01, or ISO 8601 times on
the hour), read from the hub's store: an hour some vantage saw counts by the share of its checks that
answered (averaged over the vantages); an hour no vantage saw is unknown: left out of the percentage, not
counted as up (nor as down). Hours of a component's own maintenance windows are excluded: those the store
keeps (made through the API, or ended early) and, with --config, the config's. Each component lists the
stored incidents that hit it in the window.
  --component ID  only this component (default: every observed component of the model the hub last ran)
  --tag T         only the observed components with this tag (their \`tags:\` in epicenter.yaml)
  --config F      the hub's epicenter.yaml: its maintenance: windows are excluded too
  --data DIR      the hub's data directory (default ./${DEFAULT_DATA_DIR}); EPICENTER_DATABASE_URL, when set,
                  selects PostgreSQL instead
  --json          the JSON of GET /api/v1/reports/sla
  --csv           one row per component, for a spreadsheet`;

const OPTIONS = {
  from: { type: "string" },
  to: { type: "string" },
  component: { type: "string" },
  tag: { type: "string" },
  config: { type: "string" },
  data: { type: "string" },
  json: { type: "boolean" },
  csv: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function bound(name: "from" | "to", text: string | undefined): number {
  if (text === undefined) throw new UsageError(`report sla needs --${name}\n\n${slaHelp}`);
  const ms = parseSlaTime(text);
  if (typeof ms === "string") throw new UsageError(`--${name}: ${ms}`);
  return ms;
}

export async function reportSlaCommand(argv: string[], io: CliIo, now = Date.now()): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  if (values.help) {
    io.out(slaHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected "${positionals[0]}"\n\n${slaHelp}`);
  if (values.json && values.csv) throw new UsageError("give --json or --csv, not both");
  const from = bound("from", values.from);
  const to = bound("to", values.to);
  const problem = slaWindowProblem(from, to);
  if (problem) throw new UsageError(`--from ${values.from} --to ${values.to}: ${problem}`);
  // A config with errors is a SourceError: run() prints each with its line and exits 1.
  const specs: MaintenanceSpec[] =
    values.config === undefined
      ? []
      : loadConfigFile(resolve(io.cwd, values.config), { env: io.env }).maintenance;
  // A store that cannot be opened is a StoreError: run() prints it and exits 3.
  const store = await openStore({ dataDir: resolve(io.cwd, values.data ?? DEFAULT_DATA_DIR), env: io.env });
  let report: SlaReport;
  try {
    const model = ((await store.latestModelSnapshot())?.model ?? []) as ComponentSpec[];
    let components = model.filter((c) => c.observed);
    if (values.component !== undefined)
      components = [
        model.find((c) => c.id === values.component) ?? {
          id: values.component,
          kind: "service",
          observed: true,
          requires: [],
        },
      ];
    else if (model.length === 0) {
      io.err(
        "epicenter report sla: the store holds no model yet (the hub writes it when it starts); give --component ID",
      );
      return 1;
    }
    if (values.tag !== undefined) {
      const tagged = withTag(components, values.tag);
      if (typeof tagged === "string") {
        io.err(`epicenter report sla: ${tagged}`);
        return 1;
      }
      components = tagged;
    }
    const source = {
      rollups: store.queryRollups.bind(store),
      incidents: store.listIncidents.bind(store),
    };
    // The hub's own merge of config and stored windows (an occurrence ended early ends early here too).
    const book = new MaintenanceBook(
      store.maintenances,
      () => now,
      () => specs,
    );
    await book.refresh(from, true);
    const exclude = maintenanceExclusions(book.windows(from, to));
    report = await slaReport(source, { from, to, components, model, exclude, now });
  } finally {
    await store.close();
  }
  if (values.json) io.out(JSON.stringify(slaJson(report)));
  else if (values.csv) io.out(slaCsv(report));
  else io.out(slaTable(report));
  return 0;
}

const availability = (c: ComponentSla) => (c.availability === null ? "unknown" : percent(c.availability));
const hoursText = (h: number) => `${Number(h.toFixed(2))}h`;
const minutesText = (m: number) =>
  m >= 60 ? `${Math.floor(m / 60)}h${String(Math.round(m % 60)).padStart(2, "0")}m` : `${Math.round(m)}m`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/** The report as aligned columns, then the incidents by component, then how it was counted. */
export function slaTable(report: SlaReport): string {
  const lines = [`SLA ${day(report.from)} to ${day(report.to)} UTC`];
  lines.push(
    ...formatTable(
      [
        ["COMPONENT", "AVAILABILITY", "DOWNTIME", "SEEN", "UNKNOWN", "EXCLUDED", "INCIDENTS"],
        ...report.components.map((c) => [
          c.id,
          availability(c),
          minutesText(c.downMinutes),
          hoursText(c.seenHours),
          hoursText(c.unknownHours),
          hoursText(c.excludedHours),
          String(c.incidents.length),
        ]),
      ],
      ["left", "right", "right", "right", "right", "right", "right"],
    ),
  );
  const hit = report.components.filter((c) => c.incidents.length > 0);
  if (hit.length > 0) {
    lines.push("", "Incidents that cost it:");
    lines.push(
      ...formatTable(
        hit.flatMap((c) =>
          c.incidents.map((i) => [
            c.id,
            day(i.openedAt),
            i.resolvedAt === null ? "open" : day(i.resolvedAt),
            minutesText(i.minutes),
            i.title,
            i.id,
          ]),
        ),
        ["left", "left", "left", "right", "left", "left"],
      ),
    );
  }
  lines.push(
    "",
    "Availability is up time over seen time. Unknown: hours no vantage saw, counted neither up nor down.",
    "Downtime: the seen hours' down share. Excluded: the component's maintenance, not counted.",
  );
  if (report.excluded.length > 0) {
    lines.push("", "Maintenance excluded:");
    lines.push(
      ...formatTable(
        report.excluded.map((x) => [
          day(x.from),
          day(x.to),
          x.title ?? "",
          x.components === undefined ? "every component" : x.components.join(", "),
        ]),
      ),
    );
  }
  return lines.join("\n");
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: string | number | null): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function slaCsv(report: SlaReport): string {
  const header = [
    "component",
    "name",
    "from",
    "to",
    "availability_percent",
    "hours",
    "seen_hours",
    "unknown_hours",
    "excluded_hours",
    "down_minutes",
    "incidents",
  ];
  const rows = report.components.map((c) => [
    c.id,
    c.name,
    new Date(report.from).toISOString(),
    new Date(report.to).toISOString(),
    c.availability === null ? null : Number((c.availability * 100).toFixed(4)),
    c.hours,
    Number(c.seenHours.toFixed(4)),
    Number(c.unknownHours.toFixed(4)),
    c.excludedHours,
    c.downMinutes,
    c.incidents.map((i) => i.id).join(" "),
  ]);
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\n");
}
