/**
 * `epicenter report vendor-lag [--data DIR] [--json]`: how late vendors' status feeds admitted the incidents
 * Epicenter named, per vendor (incidents its feed covered, how many it admitted, how often it never said, the
 * median and 90th percentile lead), then per incident; read from the hub's store like `report sla`.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { summariseVendorLag, type VendorLag } from "../hub/vendor-lag.js";
import { feedsOf, incidentVendorLag } from "../hub/vendor-sightings.js";
import type { ComponentSpec } from "../model/model-types.js";
import { openStore } from "../store/open-store.js";
import type { StoredIncident } from "../store/store.js";
import { type CliIo, UsageError } from "./io.js";
import { formatTable } from "./table-format.js";
import { DEFAULT_DATA_DIR } from "./token-command.js";

export const vendorLagHelp = `epicenter report vendor-lag [--data DIR] [--json]

For every stored incident whose epicenter a vendor's status feed covers (a statuspage check reports a
component in the epicenter's provider region), when Epicenter named it, when the feed first said it was not
up and when it said all was up again, and the lead: how many minutes Epicenter was ahead (negative: the
vendor said so first). Per vendor: incidents covered, admitted, never said, median and 90th percentile lead.
Vendor times are when our statuspage checks read the feed, so a lead is at most one check interval long.
  --data DIR  the hub's data directory (default ./${DEFAULT_DATA_DIR}); EPICENTER_DATABASE_URL, when set,
              selects PostgreSQL instead
  --json      {vendors: [{source, incidents, admitted, neverSaid, medianLeadMs, p90LeadMs}],
              incidents: [{id, epicenter, openedAt, resolvedAt, vendor: {source, admittedAt, resolvedAt, leadMs}}]}`;

/** The most recent incidents read. */
const INCIDENTS = 1000;

export async function reportVendorLagCommand(argv: string[], io: CliIo, now = Date.now()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { data: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    io.out(vendorLagHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected "${positionals[0]}"\n\n${vendorLagHelp}`);
  // A store that cannot be opened is a StoreError: run() prints it and exits 3.
  const store = await openStore({ dataDir: resolve(io.cwd, values.data ?? DEFAULT_DATA_DIR), env: io.env });
  const rows: { incident: StoredIncident; vendor: VendorLag }[] = [];
  try {
    const model = ((await store.latestModelSnapshot())?.model ?? []) as ComponentSpec[];
    const feeds = feedsOf((await store.listChecks()).map((c) => ({ ...(c.spec as object), ...c })));
    const source = {
      observations: store.queryObservations.bind(store),
      feeds,
      components: model.map((c) => c.id),
    };
    for (const incident of await store.listIncidents({ limit: INCIDENTS })) {
      const vendor = await incidentVendorLag(source, incident, now);
      if (vendor !== null) rows.push({ incident, vendor });
    }
  } finally {
    await store.close();
  }
  const vendors = [...summariseVendorLag(rows.map((r) => r.vendor))].map(([source, row]) => ({
    source,
    ...row,
  }));
  if (values.json) {
    io.out(
      JSON.stringify({
        vendors,
        incidents: rows.map(({ incident, vendor }) => ({
          id: incident.id,
          epicenter: incident.epicenter[0]?.component ?? null,
          openedAt: iso(incident.openedAt),
          resolvedAt: iso(incident.resolvedAt),
          vendor: { ...vendor, admittedAt: iso(vendor.admittedAt), resolvedAt: iso(vendor.resolvedAt) },
        })),
      }),
    );
    return 0;
  }
  if (rows.length === 0) {
    io.out("No stored incident has an epicenter a vendor's status feed covers (add a statuspage check).");
    return 0;
  }
  const lines = ["How late vendors said so (lead: how far Epicenter was ahead)"];
  lines.push(
    ...formatTable(
      [
        ["VENDOR", "INCIDENTS", "ADMITTED", "NEVER SAID", "MEDIAN LEAD", "P90 LEAD"],
        ...vendors.map((v) => [
          v.source,
          String(v.incidents),
          String(v.admitted),
          `${v.neverSaid} (${Math.round((100 * v.neverSaid) / v.incidents)}%)`,
          minutes(v.medianLeadMs),
          minutes(v.p90LeadMs),
        ]),
      ],
      ["left", "right", "right", "right", "right", "right"],
    ),
  );
  lines.push("", "Incidents:");
  lines.push(
    ...formatTable(
      rows.map(({ incident, vendor }) => [
        incident.id,
        incident.epicenter[0]?.component ?? "-",
        `named ${day(incident.openedAt)}`,
        vendor.admittedAt === null
          ? `${vendor.source} never said`
          : `${vendor.source} ${day(vendor.admittedAt)}`,
        minutes(vendor.leadMs),
      ]),
      ["left", "left", "left", "left", "right"],
    ),
  );
  io.out(lines.join("\n"));
  return 0;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const day = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")}Z`;

/** A lead in minutes, signed: "+106 min" ahead, "-3 min" behind, "-" when there is none. */
export function minutes(ms: number | null): string {
  if (ms === null) return "-";
  const m = Math.round(ms / 60_000);
  return `${m > 0 ? "+" : ""}${m} min`;
}
