/** A resumable cache for long discovery runs: one JSON line per finished domain, appended as it finishes. */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { DomainResult } from "./discovery-types.js";

export interface CacheEntry {
  domain: string;
  results: DomainResult[];
}

/** Entries already in the file; a torn last line (a run killed mid-write) is skipped. */
export function readCache(path: string): Map<string, DomainResult[]> {
  const out = new Map<string, DomainResult[]>();
  if (!existsSync(path)) return out;
  const text = readFileSync(path, "utf8");
  // Ends the torn line, so the next append starts a line of its own.
  if (text !== "" && !text.endsWith("\n")) appendFileSync(path, "\n");
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const entry = JSON.parse(line) as CacheEntry;
      if (typeof entry.domain === "string" && Array.isArray(entry.results))
        out.set(entry.domain, entry.results);
    } catch {
      // a partial line from an interrupted run: that domain is discovered again
    }
  }
  return out;
}

export function appendCache(path: string, domain: string, results: DomainResult[]): void {
  appendFileSync(path, `${JSON.stringify({ domain, results } satisfies CacheEntry)}\n`);
}
