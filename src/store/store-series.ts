/**
 * Series: the (component, vantage, check) a raw row or rollup belongs to, stored once in `series` and
 * referred to by a small integer. The store keeps every series it has met in memory (10,000 monitors are
 * under 2 MB), adds the new ones of a batch in the batch's own transaction, and caches them only once that
 * transaction has committed, so a rolled-back batch leaves no id behind that the table lacks.
 *
 * An observation's id is stored only when it is not its series' canonical id. Agents make ids from
 * (vantage, check, time), plus the component for the several components one status page reports: form 0 is
 * `${vantage}:${check}:${at}`, form 1 `${vantage}:${check}:${at}:${component}`. A series takes the form of
 * the first observation it is created for, so each of its rows usually stores no id at all.
 */
import type { Kysely, Transaction } from "kysely";
import type { Observation } from "../model/observation.js";
import type { StoreDatabase } from "./store-tables.js";

export type IdForm = 0 | 1;

export interface SeriesEntry {
  id: number;
  component: string;
  vantage: string;
  check: string;
  idForm: IdForm;
}

/** A series not stored yet, as a `series` row without its id. */
export interface NewSeries {
  component: string;
  vantage: string;
  check_id: string;
  id_form: IdForm;
}

interface SeriesName {
  component: string;
  vantage: string;
  check: string;
}

/** The id an observation of this series at `at` has when the agent made it. */
export function canonicalId(series: SeriesEntry, at: number): string {
  const plain = `${series.vantage}:${series.check}:${at}`;
  return series.idForm === 1 ? `${plain}:${series.component}` : plain;
}

/** Which canonical form `o.id` has (0 also when it has neither: then it is stored in full). */
function idFormOf(o: Observation): IdForm {
  return o.id === `${o.vantage}:${o.check}:${o.at}:${o.component}` ? 1 : 0;
}

/** The in-memory key of a series: the three names, joined by a character ids never hold. */
export function seriesKey(s: SeriesName): string {
  return `${s.component}\u0000${s.vantage}\u0000${s.check}`;
}

export function seriesEntry(r: {
  id: number;
  component: string;
  vantage: string;
  check_id: string;
  id_form: number;
}): SeriesEntry {
  return {
    id: r.id,
    component: r.component,
    vantage: r.vantage,
    check: r.check_id,
    idForm: r.id_form === 1 ? 1 : 0,
  };
}

export class SeriesCache {
  readonly #byKey = new Map<string, SeriesEntry>();
  readonly #byId = new Map<number, SeriesEntry>();

  get(name: SeriesName): SeriesEntry | undefined {
    return this.#byKey.get(seriesKey(name));
  }

  byId(id: number): SeriesEntry | undefined {
    return this.#byId.get(id);
  }

  /** Call only with series read from a committed table (or inside a transaction that then committed). */
  add(entries: Iterable<SeriesEntry>): void {
    for (const e of entries) {
      this.#byKey.set(seriesKey(e), e);
      this.#byId.set(e.id, e);
    }
  }

  /** The series of `batch` not cached yet, each once, in the form of its first observation's id. */
  unknown(batch: readonly Observation[]): NewSeries[] {
    const found = new Map<string, NewSeries>();
    for (const o of batch) {
      const key = seriesKey(o);
      if (this.#byKey.has(key) || found.has(key)) continue;
      found.set(key, { component: o.component, vantage: o.vantage, check_id: o.check, id_form: idFormOf(o) });
    }
    return [...found.values()];
  }
}

/** New series per INSERT and read-back: a batch meets thousands of series only when a fleet first reports. */
const SERIES_PER_STATEMENT = 1_000;

/**
 * Stores the series of `missing` (those another process stored meanwhile are kept as they are) and reads
 * them all back, inside `trx`; returns them keyed like the cache, for the caller to cache after commit.
 */
export async function createSeries(
  trx: Transaction<StoreDatabase>,
  missing: NewSeries[],
  maxParameters: number,
): Promise<Map<string, SeriesEntry>> {
  const out = new Map<string, SeriesEntry>();
  // PostgreSQL expands `(a, b, c) in (...)` into a chain of ORs that exceeds its stack depth near 10,000.
  const size = Math.max(1, Math.min(SERIES_PER_STATEMENT, Math.floor(maxParameters / 4)));
  for (let i = 0; i < missing.length; i += size) {
    const part = missing.slice(i, i + size);
    await trx
      .insertInto("series")
      .values(part)
      .onConflict((oc) => oc.columns(["component", "vantage", "check_id"]).doNothing())
      .execute();
    const found = await trx
      .selectFrom("series")
      .selectAll()
      .where((eb) =>
        eb(
          eb.refTuple("component", "vantage", "check_id"),
          "in",
          part.map((s) => eb.tuple(s.component, s.vantage, s.check_id)),
        ),
      )
      .execute();
    for (const r of found) {
      const e = seriesEntry(r);
      out.set(seriesKey(e), e);
    }
  }
  return out;
}

/** Makes sure the cache holds every series of `ids` (series another hub process created are read in). */
export async function loadSeries(
  db: Kysely<StoreDatabase>,
  cache: SeriesCache,
  ids: Iterable<number>,
  maxParameters: number,
): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => cache.byId(id) === undefined);
  for (let i = 0; i < missing.length; i += maxParameters) {
    const found = await db
      .selectFrom("series")
      .selectAll()
      .where("id", "in", missing.slice(i, i + maxParameters))
      .execute();
    cache.add(found.map(seriesEntry));
  }
}

/**
 * Makes sure the cache holds the stored series of `batch`'s names (another process, or this one before a
 * restart, may have made them); names not stored stay unknown. Reads only.
 */
export async function findSeries(
  db: Kysely<StoreDatabase>,
  cache: SeriesCache,
  batch: readonly Observation[],
  maxParameters: number,
): Promise<void> {
  const missing = cache.unknown(batch);
  const size = Math.max(1, Math.min(SERIES_PER_STATEMENT, Math.floor(maxParameters / 4)));
  for (let i = 0; i < missing.length; i += size) {
    const part = missing.slice(i, i + size);
    const found = await db
      .selectFrom("series")
      .selectAll()
      .where((eb) =>
        eb(
          eb.refTuple("component", "vantage", "check_id"),
          "in",
          part.map((s) => eb.tuple(s.component, s.vantage, s.check_id)),
        ),
      )
      .execute();
    cache.add(found.map(seriesEntry));
  }
}
