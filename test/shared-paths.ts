/** Where the shared scenarios sit: ../shared beside the project's checkout. */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SHARED_SCENARIOS = fileURLToPath(new URL("../../shared/scenarios/", import.meta.url));

/** The real-world recordings (status feeds, dependency measurements) described in its README.md. */
export const SHARED_REAL_DATA = fileURLToPath(new URL("../../shared/data/real/", import.meta.url));

/** Null when `relative` exists under SHARED_REAL_DATA; otherwise why not. Throws under CI=true instead. */
export function realDataMissing(relative: string): string | null {
  if (existsSync(SHARED_REAL_DATA + relative)) return null;
  const reason = `${SHARED_REAL_DATA}${relative} is absent`;
  if (process.env.CI === "true") throw new Error(`${reason} (CI=true requires it)`);
  return reason;
}
