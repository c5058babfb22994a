/**
 * What a caller may post to the ingest, by vantage, and which observations of a batch are news: an agent
 * token posts as its own vantage only, no token posts as the hub's own (its heartbeat verdicts), and an
 * observation the store holds already, or met earlier in the same batch, is acknowledged but not taken again,
 * so a retried batch never reaches the localizer twice.
 */
import { HUB_VANTAGE } from "../hub/heartbeats.js";
import type { Observation } from "../model/observation.js";
import type { RefusalBody } from "./api-errors.js";
import { ApiError } from "./api-errors.js";
import type { Caller } from "./route-table.js";

/** Every observation `caller` may not post, by why and where (`observations[3].vantage`), in batch order. */
export function vantageRefusals(observations: readonly Observation[], caller: Caller): RefusalBody[] {
  const refusals: RefusalBody[] = [];
  observations.forEach((o, index) => {
    const path = `observations[${index}].vantage`;
    if (o.vantage === HUB_VANTAGE)
      refusals.push({
        index,
        path,
        code: "forbidden_vantage",
        message: `vantage "${HUB_VANTAGE}" is the hub's own (its heartbeat checks); no token may post as it`,
      });
    else if (caller.role === "agent" && o.vantage !== caller.vantage)
      refusals.push({
        index,
        path,
        code: "forbidden_vantage",
        message: `agent token "${caller.name}" posts as vantage "${caller.vantage}" only, not "${o.vantage}"`,
      });
  });
  return refusals;
}

/** Throws the 403 for the refusals, named by the first; nothing when there are none. */
export function throwIfForbidden(refusals: RefusalBody[]): void {
  const first = refusals[0];
  if (!first) return;
  const more = refusals.length > 1 ? ` (and ${refusals.length - 1} more observations refused)` : "";
  throw new ApiError(403, "forbidden", `${first.path}: ${first.message}${more}`, {
    path: first.path,
    refusals,
  });
}

/** The observations of `batch` the store does not hold yet (`stored[i]` says), each once, in batch order. */
export function newObservations(batch: readonly Observation[], stored: readonly boolean[]): Observation[] {
  const seen = new Set<string>();
  return batch.filter((o, i) => {
    if (stored[i]) return false;
    // The store's key, joined by a character ids never hold.
    const key = `${o.vantage}\u0000${o.check}\u0000${o.component}\u0000${o.at}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
