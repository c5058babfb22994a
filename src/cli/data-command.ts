/** `epicenter data update`: refreshes the discovery snapshot's IP ranges, keeping what a bad download would break. */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildFromFolder, type UpdateReport, updateFromUrls } from "../discover/data-update.js";
import {
  chooseSnapshotPath,
  readSnapshot,
  updatedSnapshotPath,
  writeSnapshot,
} from "../discover/snapshot-file.js";
import { type CliIo, UsageError } from "./io.js";

const dataHelp = `epicenter data update [--source-base URL | --source-dir DIR] [--out FILE] [--snapshot FILE]

Refreshes the IP ranges discovery matches addresses against, from the providers' official URLs (AWS,
Google Cloud, Cloudflare, Fastly, Oracle, GitHub; Azure's weekly file through --source-base or
--source-dir). Each source is validated; one that is unreachable, truncated, malformed or shrunk by half
keeps its previous ranges and is reported (exit 1). Nothing is written when no source was refreshed.
  --source-base URL  fetch URL/aws-ip-ranges.json, URL/gcp-cloud.json, URL/azure-service-tags.json,
                     URL/cloudflare-v4.txt, URL/cloudflare-v6.txt, URL/fastly-public-ip-list.json,
                     URL/oracle-public-ip-ranges.json, URL/github-meta.json (a mirror)
  --source-dir DIR   build from a folder laid out like ../shared/data (ip-ranges/, patterns/; .gz read)
  --out FILE         where to write (default ./data/discovery-snapshot.json.gz, which discover prefers)
  --snapshot FILE    the snapshot to start from (default: the one discover would use)`;

export async function dataCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "source-base": { type: "string" },
      "source-dir": { type: "string" },
      out: { type: "string" },
      snapshot: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.out(dataHelp);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== "update")
    throw new UsageError(`the data command is "data update"\n\n${dataHelp}`);
  if (values["source-base"] !== undefined && values["source-dir"] !== undefined)
    throw new UsageError("give --source-base or --source-dir, not both");
  const base = values["source-base"];
  if (base !== undefined && !/^https?:\/\//.test(base))
    throw new UsageError(`--source-base must be an http(s) URL, not "${base}"`);
  const old = readSnapshot(chooseSnapshotPath(io.cwd, values.snapshot && resolve(io.cwd, values.snapshot)));
  const report: UpdateReport =
    values["source-dir"] !== undefined
      ? buildFromFolder(resolve(io.cwd, values["source-dir"]), old)
      : await updateFromUrls(old, { base });
  for (const r of report.refreshed) io.out(`refreshed ${r.id}: ${r.prefixes} prefixes`);
  for (const f of report.failed) io.err(`kept the previous ${f.id} ranges: ${f.reason}`);
  if (report.refreshed.length === 0) {
    io.err("no source was refreshed; the snapshot is unchanged");
    return 1;
  }
  const out = values.out === undefined ? updatedSnapshotPath(io.cwd) : resolve(io.cwd, values.out);
  writeSnapshot(out, report.snapshot);
  io.out(`wrote ${out}`);
  return report.failed.length > 0 ? 1 : 0;
}
