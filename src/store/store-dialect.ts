/**
 * What differs between the engines, as data: the shared query and migration code reads these options and
 * never asks which engine it runs on. Each engine folder fills them in once.
 */
export interface StoreDialect {
  /** Most bind parameters one statement may carry (SQLite 32,766; PostgreSQL 65,535). */
  maxParameters: number;
  /** Column type of an increasing integer key the engine assigns (`integer primary key` is SQLite's rowid). */
  serialType: "integer" | "bigserial";
  /**
   * Store tables with a composite primary key clustered by it (SQLite `WITHOUT ROWID`) instead of as a row
   * plus an index repeating the key: about half the disk for the rollups. PostgreSQL has no such option.
   */
  clusteredKeys: boolean;
  /**
   * Collation of identifier columns (ids, components, vantages, channels), or null for the engine's default.
   * PostgreSQL: "C", i.e. byte order: the order SQLite's default BINARY gives, whatever the database's
   * locale, and faster index maintenance than a locale's (about 15% on 1,000-row observation inserts).
   */
  idCollation: string | null;
}

/** Splits rows so that no statement carries more bind parameters than the engine allows. */
export function chunks<T>(items: T[], columns: number, maxParameters: number): T[][] {
  const size = Math.max(1, Math.floor(maxParameters / columns));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
