/**
 * The discovery snapshot: every provider's ranges and the name patterns, in one validated JSON shape,
 * compiled into a prefix trie for lookups. Pure: reading and writing the file is snapshot-file.ts's job.
 */
import { parseCidr } from "./ip-address.js";
import { PrefixTrie } from "./prefix-trie.js";
import { SourceFormatError, type SourceRanges } from "./range-sources.js";

export const SNAPSHOT_FORMAT = "epicenter-discovery-snapshot/1";

export interface SnapshotPatterns {
  /** CNAME suffix → provider name, from public CDN lists (curated ones in provider-patterns.ts win). */
  cnameSuffixes: Record<string, string>;
  /** Name-server domain → DNS provider group (Kashaf et al.'s groups with two or more domains). */
  nsGroups: Record<string, string>;
}

export interface DiscoverySnapshot {
  format: typeof SNAPSHOT_FORMAT;
  builtAt: string;
  sources: SourceRanges[];
  patterns: SnapshotPatterns;
}

/** Where an address belongs: provider (`aws`, `cloudflare`, `digitalocean`), region and service when published. */
export interface RangeTag {
  provider: string;
  region: string;
  service: string;
}

/** Sources listed first win ties at equal prefix length: CDNs before the clouds whose space they may use. */
const PRECEDENCE = ["cloudflare", "fastly", "akamai", "github", "aws", "gcp", "azure", "oracle"];

/** Checks a parsed snapshot's shape and every prefix; throws SourceFormatError on the first problem. */
export function validateSnapshot(value: unknown): DiscoverySnapshot {
  const doc = value as Partial<DiscoverySnapshot> | null;
  if (typeof doc !== "object" || doc === null || doc.format !== SNAPSHOT_FORMAT)
    throw new SourceFormatError(`not a discovery snapshot (format must be "${SNAPSHOT_FORMAT}")`);
  if (!Array.isArray(doc.sources) || doc.sources.length === 0)
    throw new SourceFormatError("snapshot: no sources");
  for (const s of doc.sources) {
    if (typeof s?.id !== "string" || !Array.isArray(s.tags) || !Array.isArray(s.v4) || !Array.isArray(s.v6))
      throw new SourceFormatError("snapshot: a source lacks id, tags, v4 or v6");
    for (const entry of [...s.v4, ...s.v6]) {
      const [cidr, index] = String(entry).split(" ");
      if (!parseCidr(cidr ?? "") || s.tags[Number(index)] === undefined)
        throw new SourceFormatError(`snapshot: source ${s.id}: bad entry "${entry}"`);
    }
  }
  const p = doc.patterns;
  if (typeof p?.cnameSuffixes !== "object" || typeof p.nsGroups !== "object")
    throw new SourceFormatError("snapshot: patterns lack cnameSuffixes or nsGroups");
  return doc as DiscoverySnapshot;
}

/** The compiled ranges: address → tag by longest prefix. */
export class RangeTable {
  readonly trie = new PrefixTrie();
  readonly tags: RangeTag[] = [];

  constructor(sources: readonly SourceRanges[]) {
    const rank = (id: string) => {
      const i = PRECEDENCE.indexOf(id);
      return i < 0 ? PRECEDENCE.length : i;
    };
    const ordered = [...sources].sort((a, b) => rank(a.id) - rank(b.id));
    for (const source of ordered) {
      const base = this.tags.length;
      for (const tag of source.tags) {
        const [provider = "", region = "", service = ""] = tag.split("|");
        this.tags.push({ provider, region, service });
      }
      for (const entry of [...source.v4, ...source.v6]) {
        const space = entry.indexOf(" ");
        const cidr = parseCidr(entry.slice(0, space));
        if (cidr) this.trie.insert(cidr, base + Number(entry.slice(space + 1)));
      }
    }
  }

  lookup(address: string): RangeTag | undefined {
    const i = this.trie.lookup(address);
    return i < 0 ? undefined : this.tags[i];
  }
}

/** Replaces the sources a refresh brought and keeps the others (a provider whose download failed keeps its old ranges). */
export function mergeSources(old: readonly SourceRanges[], fresh: readonly SourceRanges[]): SourceRanges[] {
  const byId = new Map(old.map((s) => [s.id, s]));
  for (const s of fresh) byId.set(s.id, s);
  return [...byId.values()];
}
