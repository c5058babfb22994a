/**
 * Rollups computed inside the database with INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE, in SQL
 * both engines read alike: nothing crosses to the process, and a bucket recomputed replaces the stored one.
 * Buckets are per series; a query sums a (component, vantage)'s series (its checks) per bucket.
 */
import { type ExpressionBuilder, sql, type Transaction } from "kysely";
import { STATUS_CODES } from "./store-codes.js";
import type { StoreDatabase } from "./store-tables.js";

export const MINUTE = 60_000;
export const HOUR = 3_600_000;

/**
 * `series in (select id from series)`: true of every rollup row, but it lets the engine walk the (series,
 * bucket) key series by series for a range of buckets instead of reading the whole table.
 */
export function everySeries(eb: ExpressionBuilder<StoreDatabase, "rollups_1m" | "rollups_1h">) {
  return eb("series", "in", eb.selectFrom("series").select("id"));
}

/** Upserts the minute buckets in [lo, hi) (minute-aligned) from the raw observations. */
export async function rollupMinutes(trx: Transaction<StoreDatabase>, lo: number, hi: number): Promise<void> {
  const bucket = sql<number>`at - (at % ${sql.lit(MINUTE)})`;
  const count = (status: keyof typeof STATUS_CODES) =>
    sql<number>`sum(case when status = ${sql.lit(STATUS_CODES[status])} then 1 else 0 end)`;
  await trx
    .insertInto("rollups_1m")
    .columns(ROLLUP_COLUMNS)
    .expression(
      trx
        .selectFrom("observations")
        .select((eb) => [
          "series",
          bucket.as("bucket"),
          count("up").as("up"),
          count("degraded").as("degraded"),
          count("down").as("down"),
          eb.fn.coalesce(eb.fn.sum<number>("latency_ms"), sql.lit(0)).as("latency_sum"),
          eb.fn.count<number>("latency_ms").as("latency_count"),
          eb.fn.max("latency_ms").as("latency_max"),
        ])
        .where("at", ">=", lo)
        .where("at", "<", hi)
        .groupBy(["series", bucket]),
    )
    .onConflict((oc) => oc.columns(ROLLUP_KEY).doUpdateSet(UPDATE_FROM_EXCLUDED))
    .execute();
}

/** Upserts the hour buckets in [lo, hi) (hour-aligned) from the minute buckets. */
export async function rollupHours(trx: Transaction<StoreDatabase>, lo: number, hi: number): Promise<void> {
  const bucket = sql<number>`bucket - (bucket % ${sql.lit(HOUR)})`;
  await trx
    .insertInto("rollups_1h")
    .columns(ROLLUP_COLUMNS)
    .expression(
      trx
        .selectFrom("rollups_1m")
        .select((eb) => [
          "series",
          bucket.as("bucket"),
          eb.fn.sum<number>("up").as("up"),
          eb.fn.sum<number>("degraded").as("degraded"),
          eb.fn.sum<number>("down").as("down"),
          eb.fn.sum<number>("latency_sum").as("latency_sum"),
          eb.fn.sum<number>("latency_count").as("latency_count"),
          eb.fn.max("latency_max").as("latency_max"),
        ])
        .where(everySeries)
        .where("bucket", ">=", lo)
        .where("bucket", "<", hi)
        .groupBy(["series", bucket]),
    )
    .onConflict((oc) => oc.columns(ROLLUP_KEY).doUpdateSet(UPDATE_FROM_EXCLUDED))
    .execute();
}

const ROLLUP_KEY = ["series", "bucket"] as const;
const ROLLUP_COLUMNS = [
  ...ROLLUP_KEY,
  "up",
  "degraded",
  "down",
  "latency_sum",
  "latency_count",
  "latency_max",
] as const;

/** A bucket recomputed replaces what was stored. */
const UPDATE_FROM_EXCLUDED = {
  up: sql.ref<number>("excluded.up"),
  degraded: sql.ref<number>("excluded.degraded"),
  down: sql.ref<number>("excluded.down"),
  latency_sum: sql.ref<number>("excluded.latency_sum"),
  latency_count: sql.ref<number>("excluded.latency_count"),
  latency_max: sql.ref<number | null>("excluded.latency_max"),
};
