/** Public name-pattern lists (cdncheck, Kashaf et al.'s release) parsed into the snapshot's patterns (pure). */

import { SourceFormatError } from "./range-sources.js";

/** cdncheck's `{common: {provider: [suffix]}}`. */
export function cdncheckSuffixes(json: unknown, into: Record<string, string> = {}): Record<string, string> {
  const common = (json as { common?: unknown } | null)?.common;
  if (typeof common !== "object" || common === null) throw new SourceFormatError("cdncheck: no `common`");
  for (const [provider, suffixes] of Object.entries(common)) {
    if (!Array.isArray(suffixes)) throw new SourceFormatError(`cdncheck: ${provider} is not a list`);
    for (const s of suffixes) into[String(s).toLowerCase()] ??= provider;
  }
  return into;
}

/** Kashaf's cdnMap: `Provider,suffix suffix ...` a line. */
export function kashafCnameMap(text: string, into: Record<string, string> = {}): Record<string, string> {
  for (const line of text.split(/\r?\n/)) {
    const comma = line.indexOf(",");
    if (comma <= 0) continue;
    const provider = line.slice(0, comma).trim();
    for (const s of line.slice(comma + 1).split(/\s+/)) if (s) into[s.toLowerCase()] ??= provider;
  }
  return into;
}

/** Kashaf's DNS groups: `Group ;;; domain domain ...`; singletons (private name servers) are left out. */
export function kashafNsGroups(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const [group, domains] = line.split(" ;;; ");
    const members = (domains ?? "").split(/\s+/).filter(Boolean);
    if (!group || members.length < 2) continue;
    for (const d of members) out[d.toLowerCase()] ??= group.trim();
  }
  return out;
}
