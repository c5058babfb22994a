/**
 * The providers' published address lists, each in its own format, turned into one shape: a source with
 * tags (`provider|region|service`) and prefixes pointing at them. Pure: callers pass parsed JSON or text.
 * Every parser validates what it reads and throws SourceFormatError naming the first bad entry, so a
 * truncated or malformed download never replaces a good snapshot.
 */
import { parseCidr } from "./ip-address.js";

/** One provider's ranges: `v4`/`v6` entries are `"cidr tagIndex"`. */
export interface SourceRanges {
  id: string;
  /** The provider's own version stamp (createDate, syncToken, changeNumber, last_update). */
  asOf: string;
  tags: string[];
  v4: string[];
  v6: string[];
}

export class SourceFormatError extends Error {
  override readonly name = "SourceFormatError";
  readonly code = "E_SOURCE_FORMAT";
}

/** Accumulates prefixes under tags, validating each CIDR. */
class SourceBuilder {
  readonly #tags = new Map<string, number>();
  readonly #v4: string[] = [];
  readonly #v6: string[] = [];
  constructor(readonly id: string) {}

  add(cidr: unknown, provider: string, region = "", service = ""): void {
    if (typeof cidr !== "string") throw new SourceFormatError(`${this.id}: a prefix is not a string`);
    const parsed = parseCidr(cidr);
    if (!parsed) throw new SourceFormatError(`${this.id}: "${cidr.slice(0, 60)}" is not a CIDR prefix`);
    const tag = `${provider}|${region.toLowerCase()}|${service.toLowerCase()}`;
    let index = this.#tags.get(tag);
    if (index === undefined) {
      index = this.#tags.size;
      this.#tags.set(tag, index);
    }
    (parsed.family === 4 ? this.#v4 : this.#v6).push(`${cidr.trim()} ${index}`);
  }

  build(asOf: unknown, minimum = 1): SourceRanges {
    const count = this.#v4.length + this.#v6.length;
    if (count < minimum)
      throw new SourceFormatError(`${this.id}: ${count} prefixes, expected at least ${minimum} (truncated?)`);
    return {
      id: this.id,
      asOf: String(asOf ?? ""),
      tags: [...this.#tags.keys()],
      v4: this.#v4,
      v6: this.#v6,
    };
  }
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new SourceFormatError(`${what}: expected a JSON object`);
  return value as Record<string, unknown>;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new SourceFormatError(`${what}: expected a list`);
  return value;
}

/** AWS ip-ranges.json. A prefix listed as AMAZON and again under a service keeps only the service. */
export function awsSource(json: unknown): SourceRanges {
  const doc = record(json, "aws");
  const b = new SourceBuilder("aws");
  for (const [key, field] of [
    ["prefixes", "ip_prefix"],
    ["ipv6_prefixes", "ipv6_prefix"],
  ] as const) {
    const entries = list(doc[key], `aws ${key}`).map((e) => record(e, `aws ${key}[]`));
    const specific = new Set(entries.filter((e) => e.service !== "AMAZON").map((e) => e[field]));
    for (const e of entries) {
      if (e.service === "AMAZON" && specific.has(e[field])) continue;
      b.add(e[field], "aws", String(e.region ?? ""), String(e.service ?? "").replaceAll("_", "-"));
    }
  }
  return b.build(doc.createDate, 100);
}

/** Google Cloud cloud.json: `scope` is the region. */
export function gcpSource(json: unknown): SourceRanges {
  const doc = record(json, "gcp");
  const b = new SourceBuilder("gcp");
  for (const e of list(doc.prefixes, "gcp prefixes")) {
    const p = record(e, "gcp prefixes[]");
    const scope = String(p.scope ?? "");
    b.add(p.ipv4Prefix ?? p.ipv6Prefix, "gcp", scope === "global" ? "" : scope);
  }
  return b.build(doc.creationTime, 10);
}

/** Azure service tags kept: regional AzureCloud and the main services' regional tags, and Front Door. */
const AZURE_SERVICES: Record<string, string> = {
  AzureCloud: "",
  Storage: "storage",
  Sql: "sql",
  AppService: "app-service",
  AzureCosmosDB: "cosmosdb",
};

export function azureSource(json: unknown): SourceRanges {
  const doc = record(json, "azure");
  const b = new SourceBuilder("azure");
  for (const e of list(doc.values, "azure values")) {
    const tag = record(e, "azure values[]");
    const name = String(tag.name ?? "");
    const props = record(tag.properties, `azure ${name}.properties`);
    const prefixes = list(props.addressPrefixes, `azure ${name}.addressPrefixes`);
    if (name === "AzureFrontDoor.Frontend") {
      for (const p of prefixes) b.add(p, "azure", "", "front-door");
      continue;
    }
    const [service, suffix] = name.split(".");
    const region = String(props.region ?? "");
    if (suffix === undefined || region === "" || !(service! in AZURE_SERVICES)) continue;
    for (const p of prefixes) b.add(p, "azure", region, AZURE_SERVICES[service!]);
  }
  return b.build(doc.changeNumber, 100);
}

/** One CIDR a line (Cloudflare's ips-v4 and ips-v6); blank lines and `#` comments skipped. */
export function cidrLinesSource(id: string, provider: string, texts: string[], asOf: string): SourceRanges {
  const b = new SourceBuilder(id);
  for (const text of texts)
    for (const line of text.split(/\r?\n/)) {
      const t = line.trim();
      if (t !== "" && !t.startsWith("#")) b.add(t, provider);
    }
  return b.build(asOf, 1);
}

/** Fastly's public-ip-list: `{addresses, ipv6_addresses}`. */
export function fastlySource(json: unknown, asOf: string): SourceRanges {
  const doc = record(json, "fastly");
  const b = new SourceBuilder("fastly");
  for (const p of list(doc.addresses, "fastly addresses")) b.add(p, "fastly");
  for (const p of list(doc.ipv6_addresses ?? [], "fastly ipv6_addresses")) b.add(p, "fastly");
  return b.build(asOf, 1);
}

/** Oracle Cloud public_ip_ranges.json: `{regions: [{region, cidrs: [{cidr}]}]}`. */
export function oracleSource(json: unknown): SourceRanges {
  const doc = record(json, "oracle");
  const b = new SourceBuilder("oracle");
  for (const r of list(doc.regions, "oracle regions")) {
    const region = record(r, "oracle regions[]");
    for (const c of list(region.cidrs, "oracle cidrs"))
      b.add(record(c, "oracle cidrs[]").cidr, "oracle", String(region.region ?? ""));
  }
  return b.build(doc.last_updated_timestamp, 10);
}

/** GitHub's meta API: Pages and the web front ends (not Actions, which are Azure's ranges). */
export function githubSource(json: unknown, asOf: string): SourceRanges {
  const doc = record(json, "github");
  const b = new SourceBuilder("github");
  for (const p of list(doc.pages ?? [], "github pages")) b.add(p, "github", "", "pages");
  for (const key of ["web", "api", "git"])
    for (const p of list(doc[key] ?? [], `github ${key}`)) b.add(p, "github");
  return b.build(asOf, 1);
}

/**
 * A `{provider, source, last_update, ipv4, ipv6}` list without regions. Lists built from an ASN (source
 * "AS14618", "AS15169") are the cloud's addresses, not the platform's, and are refused.
 */
export function flatSource(json: unknown): SourceRanges {
  const doc = record(json, "flat list");
  const named = slug(String(doc.provider ?? ""));
  const provider = FLAT_ALIASES[named] ?? named;
  if (provider === "") throw new SourceFormatError("flat list: no provider");
  if (typeof doc.source === "string" && CLOUD_ASNS.has(doc.source))
    throw new SourceFormatError(`${provider}: built from ${doc.source}, another network's addresses`);
  const b = new SourceBuilder(provider);
  for (const p of list(doc.ipv4 ?? [], `${provider} ipv4`)) b.add(p, provider);
  for (const p of list(doc.ipv6 ?? [], `${provider} ipv6`)) b.add(p, provider);
  return b.build(doc.last_update, 1);
}

/** Amazon, Google and Microsoft: a platform's list built from these is the cloud's space, not the platform's. */
const CLOUD_ASNS = new Set(["AS14618", "AS16509", "AS15169", "AS396982", "AS8075"]);

/** Flat lists' provider names where they differ from the ids the official sources use. */
const FLAT_ALIASES: Record<string, string> = { "oracle-cloud": "oracle", "softlayer-ibm": "ibm-softlayer" };

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
