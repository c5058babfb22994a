/** Default page sizes: observations and rollups as store.ts says, the rest small enough for one screen. */
export const DEFAULT_LIMIT = 1_000;
export const DEFAULT_SMALL_LIMIT = 100;

/** A limit as a whole number of rows, never negative. */
export function rowLimit(limit: number | undefined, fallback: number): number {
  return Math.max(0, Math.floor(limit ?? fallback));
}
