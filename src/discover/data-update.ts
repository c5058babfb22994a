/**
 * Refreshing the snapshot's ranges from the providers: official URLs (online), a mirror base URL
 * (`--source-base`, tests and air-gapped networks) or a local folder in ../shared/data's layout. Each
 * source is validated on its own; a bad one (unreachable, truncated, malformed, shrunk by half) keeps its
 * old ranges, and is reported.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { cdncheckSuffixes, kashafCnameMap, kashafNsGroups } from "./pattern-sources.js";
import {
  type DiscoverySnapshot,
  mergeSources,
  SNAPSHOT_FORMAT,
  type SnapshotPatterns,
} from "./range-snapshot.js";
import {
  awsSource,
  azureSource,
  cidrLinesSource,
  fastlySource,
  flatSource,
  gcpSource,
  githubSource,
  oracleSource,
  type SourceRanges,
} from "./range-sources.js";

interface SourceSpec {
  id: string;
  /** File names in a mirror or folder, one per document the parser takes. */
  files: string[];
  /** Official URLs, same order as files; empty when the provider has no stable URL (Azure). */
  urls: string[];
  parse: (texts: string[], asOf: string) => SourceRanges;
}

const OFFICIAL_SOURCES: SourceSpec[] = [
  {
    id: "aws",
    files: ["aws-ip-ranges.json"],
    urls: ["https://ip-ranges.amazonaws.com/ip-ranges.json"],
    parse: ([t]) => awsSource(JSON.parse(t!)),
  },
  {
    id: "gcp",
    files: ["gcp-cloud.json"],
    urls: ["https://www.gstatic.com/ipranges/cloud.json"],
    parse: ([t]) => gcpSource(JSON.parse(t!)),
  },
  {
    // Microsoft publishes a new URL each week on download page 56519; refresh it with --source-base.
    id: "azure",
    files: ["azure-service-tags.json"],
    urls: [],
    parse: ([t]) => azureSource(JSON.parse(t!)),
  },
  {
    id: "cloudflare",
    files: ["cloudflare-v4.txt", "cloudflare-v6.txt"],
    urls: ["https://www.cloudflare.com/ips-v4", "https://www.cloudflare.com/ips-v6"],
    parse: (texts, asOf) => cidrLinesSource("cloudflare", "cloudflare", texts, asOf),
  },
  {
    id: "fastly",
    files: ["fastly-public-ip-list.json"],
    urls: ["https://api.fastly.com/public-ip-list"],
    parse: ([t], asOf) => fastlySource(JSON.parse(t!), asOf),
  },
  {
    id: "oracle",
    files: ["oracle-public-ip-ranges.json"],
    urls: ["https://docs.oracle.com/en-us/iaas/tools/public_ip_ranges.json"],
    parse: ([t]) => oracleSource(JSON.parse(t!)),
  },
  {
    id: "github",
    files: ["github-meta.json"],
    urls: ["https://api.github.com/meta"],
    parse: ([t], asOf) => githubSource(JSON.parse(t!), asOf),
  },
];

export interface UpdateReport {
  refreshed: { id: string; prefixes: number }[];
  failed: { id: string; reason: string }[];
  snapshot: DiscoverySnapshot;
}

export type Fetcher = (url: string) => Promise<string>;

/** Plain GET with a deadline; a non-2xx status is an error. */
async function httpGet(url: string, timeoutMs = 30_000): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

function count(s: SourceRanges): number {
  return s.v4.length + s.v6.length;
}

/** Refreshes from official URLs, or from `base` + each file name. */
export async function updateFromUrls(
  old: DiscoverySnapshot,
  options: { base?: string; fetcher?: Fetcher; now?: Date },
): Promise<UpdateReport> {
  const fetcher = options.fetcher ?? ((url: string) => httpGet(url));
  const base = options.base?.replace(/\/+$/, "");
  const asOf = (options.now ?? new Date()).toISOString();
  const fresh: SourceRanges[] = [];
  const failed: UpdateReport["failed"] = [];
  for (const spec of OFFICIAL_SOURCES) {
    const urls = base ? spec.files.map((f) => `${base}/${f}`) : spec.urls;
    if (urls.length === 0) continue;
    try {
      const texts = await Promise.all(urls.map(fetcher));
      fresh.push(guardShrink(spec.parse(texts, asOf), old));
    } catch (error) {
      failed.push({ id: spec.id, reason: `${urls.join(", ")}: ${(error as Error).message}` });
    }
  }
  return finish(old, fresh, failed, old.patterns, options.now);
}

/** A source that lost more than half its prefixes is refused: more likely a broken download than a change. */
function guardShrink(s: SourceRanges, old: DiscoverySnapshot): SourceRanges {
  const before = old.sources.find((o) => o.id === s.id);
  if (before && count(s) < count(before) / 2)
    throw new Error(
      `${count(s)} prefixes where the snapshot has ${count(before)}; refusing a shrink by half`,
    );
  return s;
}

function finish(
  old: DiscoverySnapshot | undefined,
  fresh: SourceRanges[],
  failed: UpdateReport["failed"],
  patterns: SnapshotPatterns,
  now = new Date(),
): UpdateReport {
  return {
    refreshed: fresh.map((s) => ({ id: s.id, prefixes: count(s) })),
    failed,
    snapshot: {
      format: SNAPSHOT_FORMAT,
      builtAt: now.toISOString(),
      sources: mergeSources(old?.sources ?? [], fresh),
      patterns,
    },
  };
}

/** Builds a whole snapshot from a folder in ../shared/data's layout (ip-ranges/ and patterns/). */
export function buildFromFolder(dir: string, old?: DiscoverySnapshot, now?: Date): UpdateReport {
  const read = (name: string): string | undefined => {
    const path = join(dir, name);
    if (existsSync(path)) return readFileSync(path, "utf8");
    if (existsSync(`${path}.gz`)) return gunzipSync(readFileSync(`${path}.gz`)).toString("utf8");
    return undefined;
  };
  const ranges = existsSync(join(dir, "ip-ranges")) ? "ip-ranges/" : "";
  const fresh: SourceRanges[] = [];
  const failed: UpdateReport["failed"] = [];
  const attempt = (id: string, build: () => SourceRanges | undefined) => {
    try {
      const s = build();
      if (s) fresh.push(s);
    } catch (error) {
      failed.push({ id, reason: (error as Error).message });
    }
  };
  const flatDir = join(dir, ranges, "flat");
  if (existsSync(flatDir))
    for (const name of readdirSync(flatDir)
      .filter((n) => n.endsWith(".json"))
      .sort())
      attempt(name, () => flatSource(JSON.parse(readFileSync(join(flatDir, name), "utf8"))));
  for (const spec of OFFICIAL_SOURCES) {
    const texts = spec.files.map((f) => read(ranges + f));
    if (texts.some((t) => t === undefined)) continue;
    attempt(spec.id, () => spec.parse(texts as string[], ""));
  }
  const patterns = old?.patterns ?? { cnameSuffixes: {}, nsGroups: {} };
  const cdncheck = read("patterns/cdncheck-common-suffixes.json");
  const cdnMap = read("patterns/kashaf-cdn-cname-map.txt");
  const nsGroups = read("patterns/kashaf-dns-ns-groups.txt");
  if (cdncheck || cdnMap) {
    const suffixes: Record<string, string> = {};
    if (cdnMap) kashafCnameMap(cdnMap, suffixes);
    if (cdncheck) cdncheckSuffixes(JSON.parse(cdncheck), suffixes);
    patterns.cnameSuffixes = suffixes;
  }
  if (nsGroups) patterns.nsGroups = kashafNsGroups(nsGroups);
  return finish(old, fresh, failed, patterns, now);
}
