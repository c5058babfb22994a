/** Retention: the option checked once when a store opens, and the deletes `applyRetention` runs. */
import type { Transaction } from "kysely";
import { MAX_AHEAD_MS } from "../model/observation.js";
import type { Retention } from "./store.js";
import { StoreError } from "./store-errors.js";
import { everySeries, HOUR } from "./store-rollups.js";
import type { StoreDatabase } from "./store-tables.js";

/** Throws E_STORE_OPTION unless each kind is kept a whole number of ms, at least an hour (see Retention). */
export function checkRetention(retention: Retention): Retention {
  for (const kind of ["rawMs", "minuteMs", "hourMs"] as const) {
    const ms = retention[kind];
    if (!Number.isSafeInteger(ms) || ms < HOUR) {
      throw new StoreError(
        "E_STORE_OPTION",
        `retention.${kind} must be at least one hour (3600000 ms), got ${JSON.stringify(ms)}: ` +
          "rollups are recomputed from the kind below over the last hour",
      );
    }
  }
  return { rawMs: retention.rawMs, minuteMs: retention.minuteMs, hourMs: retention.hourMs };
}

/**
 * Deletes raw rows and buckets that start before `now` minus their retention, and raw rows from beyond the
 * ingest's bound ahead of `now` (MAX_AHEAD_MS: written before it existed, or by a skewed writer), which no
 * age-based retention would ever reach.
 */
export async function deleteExpired(trx: Transaction<StoreDatabase>, now: number, retention: Retention) {
  const raw = await trx
    .deleteFrom("observations")
    .where((eb) => eb.or([eb("at", "<", now - retention.rawMs), eb("at", ">", now + MAX_AHEAD_MS)]))
    .executeTakeFirst();
  const minute = await trx
    .deleteFrom("rollups_1m")
    .where(everySeries)
    .where("bucket", "<", now - retention.minuteMs)
    .executeTakeFirst();
  const hour = await trx
    .deleteFrom("rollups_1h")
    .where(everySeries)
    .where("bucket", "<", now - retention.hourMs)
    .executeTakeFirst();
  return {
    raw: Number(raw.numDeletedRows),
    minute: Number(minute.numDeletedRows),
    hour: Number(hour.numDeletedRows),
  };
}
