/**
 * `epicenter discover DOMAIN... [--resolver host:port] [--json] [--write FILE]`: what these domains
 * depend on (DNS providers, CDNs, hosting regions and services, CA, mail), each edge with its evidence.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { catalogComponents } from "../catalog/catalog-data.js";
import { mergeCatalog } from "../catalog/catalog-merge.js";
import { mergeIntoConfig } from "../discover/config-merge.js";
import { type BatchOptions, discoverMany } from "../discover/discover-domain.js";
import { appendCache, readCache } from "../discover/discovery-cache.js";
import { parseDiscoveryFile } from "../discover/discovery-file.js";
import { assembleOutput, discoveryComponents } from "../discover/discovery-model.js";
import { discoveryContext } from "../discover/discovery-service.js";
import type { DiscoveryOutput, DomainResult, RequireOut } from "../discover/discovery-types.js";
import { nodeDnsLookup, parseResolver } from "../discover/node-dns-lookup.js";
import { inspectTls } from "../discover/tls-inspect.js";
import { compileGraph } from "../model/graph.js";
import { checkModel } from "../model/model-check.js";
import { formatPath, SourceError } from "../model/model-errors.js";
import { type CliIo, UsageError } from "./io.js";
import type { CliModel } from "./model-option.js";
import { progressBar } from "./progress.js";

const discoverHelp = `epicenter discover DOMAIN... [options]

Finds what each domain depends on, after Kashaf, Sekar and Agarwal (IMC 2020): its DNS providers (NS,
private or third party; two providers or more are redundant), CDN and hosting (CNAME chains of the apex,
www and --host names; addresses matched against the providers' published ranges: provider, region,
service), its certificate authority (a hard dependency on the OCSP responder without stapling), mail
(MX, soft), and the DNS of the providers found (--depth). Every edge comes with the record that showed it.
  --resolver HOST:PORT  send every DNS query to this server (tests, air-gapped networks)
  --json                print {"domains": [{"domain", "requires", "evidence"}], "components": [...]}
  --write FILE          merge the result into a config (comments, order and your entries kept)
  --from FILE           domains to discover, one a line (# comments); with the ones given
  --cache FILE          resumable: domains already in FILE are not asked again; results appended
  --concurrency N       domains in flight at once (default 32)
  --depth N             levels of providers' own DNS to analyse (default 1, 0 for none)
  --host NAME           another hostname to follow (repeatable; a label means NAME.DOMAIN)
  --no-tls              do not read certificates
  --tls-port N          port to read certificates from (default 443)
  --timeout MS          per DNS query and TLS handshake (default 3000)
  --snapshot FILE       IP-range snapshot (default ./data/discovery-snapshot.json.gz if present, else bundled)`;

const OPTIONS = {
  resolver: { type: "string" },
  json: { type: "boolean" },
  write: { type: "string" },
  from: { type: "string" },
  cache: { type: "string" },
  concurrency: { type: "string" },
  depth: { type: "string" },
  host: { type: "string", multiple: true },
  "no-tls": { type: "boolean" },
  "tls-port": { type: "string" },
  timeout: { type: "string" },
  snapshot: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function integer(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, not "${value}"`);
  return n;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

export async function discoverCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  if (values.help) {
    io.out(discoverHelp);
    return 0;
  }
  const domains = [...positionals];
  if (values.from !== undefined) {
    const file = resolve(io.cwd, values.from);
    if (!existsSync(file)) throw new UsageError(`--from ${values.from}: no such file`);
    for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
      const d = line.replace(/#.*/, "").trim();
      if (d !== "") domains.push(d);
    }
  }
  const normalized = [...new Set(domains.map((d) => d.toLowerCase().replace(/\.$/, "")))];
  const bad = normalized.filter((d) => !DOMAIN.test(d));
  if (bad.length > 0) throw new UsageError(`not a domain name: ${bad.slice(0, 5).join(", ")}`);
  if (normalized.length === 0)
    throw new UsageError(`give at least one DOMAIN (or --from FILE)\n\n${discoverHelp}`);
  let server: string | undefined;
  try {
    server = values.resolver === undefined ? undefined : parseResolver(values.resolver);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const timeoutMs = integer(values.timeout, "timeout", 3000, 1, 120_000);
  const options: BatchOptions = {
    dns: nodeDnsLookup({ server, timeoutMs }),
    context: discoveryContext(io.cwd, values.snapshot),
    tls: values["no-tls"] ? undefined : inspectTls,
    tlsPort: integer(values["tls-port"], "tls-port", 443, 1, 65535),
    tlsTimeoutMs: timeoutMs,
    hosts: values.host ?? [],
    depth: integer(values.depth, "depth", 1, 0, 5),
    concurrency: integer(values.concurrency, "concurrency", 32, 1, 4096),
  };
  const cachePath = values.cache === undefined ? undefined : resolve(io.cwd, values.cache);
  const cached = cachePath ? readCache(cachePath) : new Map<string, DomainResult[]>();
  options.seen = new Set([...cached.values()].flat().flatMap((r) => (r.via ? [r.domain] : [])));
  if (cachePath) options.onResult = (domain, results) => appendCache(cachePath, domain, results);
  const todo = normalized.filter((d) => !cached.has(d));
  const bar = io.isTty && todo.length > 1 ? progressBar(io, `discover ${todo.length} domains`) : undefined;
  options.onProgress = bar ? (done, total) => bar.update(done / total) : undefined;
  const fresh = await discoverMany(todo, options);
  bar?.done();
  const byDomain = new Map(cached);
  for (const [i, d] of todo.entries()) byDomain.set(d, fresh[i]!);
  const output = assembleOutput(
    normalized.flatMap((d) => byDomain.get(d) ?? []),
    catalogComponents(),
  );
  if (values.write !== undefined) writeConfig(io, values.write, output);
  if (values.json) io.out(JSON.stringify(output));
  else io.out(renderDiscovery(output));
  return 0;
}

function writeConfig(io: CliIo, file: string, output: DiscoveryOutput): void {
  const path = resolve(io.cwd, file);
  const before = existsSync(path) ? readFileSync(path, "utf8") : "";
  const merged = mergeIntoConfig(
    before,
    discoveryComponents(output),
    `discovered by epicenter discover on ${new Date().toISOString().slice(0, 10)}: review before relying on it`,
  );
  writeFileSync(path, merged.text);
  io.err(
    `${file}: ${merged.added.length} components added, ${merged.extended.length} extended (existing entries kept)`,
  );
}

function show(item: RequireOut): string {
  if (typeof item === "string") return `${item} (hard)`;
  if ("anyOf" in item) return `anyOf [${item.anyOf.join(", ")}] (redundant)`;
  return `${item.id} (soft)`;
}

/** Readable output: per domain, each dependency with the records that showed it. */
function renderDiscovery(output: DiscoveryOutput): string {
  const lines: string[] = [];
  for (const d of output.domains) {
    lines.push(d.via ? `${d.domain} (DNS of ${d.via})` : d.domain);
    if (d.requires.length === 0) lines.push("  no third-party dependency found");
    for (const item of d.requires) lines.push(`  requires ${show(item)}`);
    for (const e of d.evidence)
      lines.push(`    ${e.record}${e.component ? ` → ${e.component}` : ""}: ${e.reason}`);
  }
  if (output.components.length > 0)
    lines.push(
      "",
      `Components to declare (not in the catalog, or with discovered DNS): ${output.components.map((c) => c.id).join(", ")}`,
    );
  return lines.join("\n");
}

/**
 * The model of a discovery output (`--json`) or cache (JSON lines): domains as observed services, on the
 * catalog. A file that is not usable discovery output is a SourceError (exit 1) naming file, line and path.
 */
export function loadDiscoveryModel(io: CliIo, file: string): CliModel {
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) throw new UsageError(`--discovery ${file}: no such file`);
  const read = parseDiscoveryFile(file, readFileSync(path, "utf8"));
  const output = assembleOutput(read.results, catalogComponents(), read.components);
  const components = mergeCatalog(discoveryComponents(output), true);
  const problems = checkModel(components).map((p) => {
    const [i, ...rest] = p.path as [number, ...(string | number)[]];
    return {
      file,
      line: 0,
      path: `${components[i]!.id}${rest.length > 0 ? ` ${formatPath(rest)}` : ""}`,
      message: p.message,
    };
  });
  if (problems.length > 0) throw new SourceError(problems);
  const sites = output.domains.filter((d) => d.via === undefined).length;
  return {
    graph: compileGraph({ components }, { includeHidden: true }),
    source: `discovery ${file} (${sites} domains)`,
  };
}
