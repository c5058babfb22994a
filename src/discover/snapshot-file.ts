/** Reading and writing discovery snapshots (gzip JSON), and finding the one the package ships. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { type DiscoverySnapshot, validateSnapshot } from "./range-snapshot.js";

const SNAPSHOT_FILE = "discovery-snapshot.json.gz";

/** The snapshot the package ships (src/discover/data/), found from this module under src/ or dist/src/. */
export function bundledSnapshotPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "src", "discover", "data", SNAPSHOT_FILE);
    if (existsSync(candidate)) return candidate;
    const sibling = join(dir, "data", SNAPSHOT_FILE);
    if (existsSync(sibling)) return sibling;
    dir = dirname(dir);
  }
  throw new Error(
    `the discovery snapshot (${SNAPSHOT_FILE}) is missing from this installation; reinstall the package or run \`epicenter data update\``,
  );
}

/** The refreshed snapshot `epicenter data update` writes by default, under the data folder. */
export function updatedSnapshotPath(cwd: string, dataDir = "data"): string {
  return join(cwd, dataDir, SNAPSHOT_FILE);
}

/** The snapshot to use: an explicit file, else a refreshed one under ./data, else the bundled one. */
export function chooseSnapshotPath(cwd: string, explicit?: string): string {
  if (explicit !== undefined) return explicit;
  const updated = updatedSnapshotPath(cwd);
  return existsSync(updated) ? updated : bundledSnapshotPath();
}

export function readSnapshot(path: string): DiscoverySnapshot {
  const raw = readFileSync(path);
  const text = path.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
  return validateSnapshot(JSON.parse(text));
}

/** Writes atomically (temporary file, then rename), so a reader never sees half a snapshot. */
export function writeSnapshot(path: string, snapshot: DiscoverySnapshot): void {
  mkdirSync(dirname(path), { recursive: true });
  const text = JSON.stringify(snapshot);
  const body = path.endsWith(".gz") ? gzipSync(text, { level: 9 }) : Buffer.from(text);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, body);
  renameSync(temporary, path);
}
