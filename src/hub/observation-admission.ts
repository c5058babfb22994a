/**
 * Which observations the hub takes, for what they name and when they happened (their shape is the API
 * schema's job): one function that the ingest route and the hub's own `ingest` both call, so the two can
 * never disagree about what an agent may send.
 */
import { closestId } from "../model/ids.js";
import { futureTimeReason, type Observation } from "../model/observation.js";
import { HubInputError, type ObservationRefusal } from "./hub-api.js";

export interface AdmissionModel {
  /** The vantages the hub knows (the config's, and the hub's own when it judges heartbeats). */
  vantages: ReadonlySet<string>;
  /** The model's component ids. */
  components: { has(id: string): boolean; keys(): Iterable<string> };
  /** The hub's clock, epoch ms. */
  now: number;
}

/** "did you mean" hints for the first few refusals only: each one walks the whole model. */
const HINTED = 10;

/**
 * Every observation the hub refuses, with why and where (`observations[3].at`), in batch order; empty when
 * all may be taken. A vantage's own health (component = its vantage id, from its anchors) is taken.
 */
export function refuseObservations(
  observations: readonly Observation[],
  model: AdmissionModel,
): ObservationRefusal[] {
  const refusals: ObservationRefusal[] = [];
  const hint = (id: string, known: Iterable<string>) => {
    const near = refusals.length < HINTED ? closestId(id, known) : undefined;
    return near ? `; did you mean "${near}"?` : "";
  };
  observations.forEach((o, index) => {
    if (!model.vantages.has(o.vantage)) {
      refusals.push({
        index,
        path: `observations[${index}].vantage`,
        code: "E_UNKNOWN_VANTAGE",
        message: `unknown vantage "${o.vantage}"${hint(o.vantage, model.vantages)}`,
      });
      return;
    }
    if (o.component !== o.vantage && !model.components.has(o.component)) {
      refusals.push({
        index,
        path: `observations[${index}].component`,
        code: "E_UNKNOWN_COMPONENT",
        message: `unknown component "${o.component}"${hint(o.component, model.components.keys())}`,
      });
      return;
    }
    const future = futureTimeReason(o.at, model.now);
    if (future)
      refusals.push({ index, path: `observations[${index}].at`, code: "E_FUTURE_TIME", message: future });
  });
  return refusals;
}

/** Throws the refusals as one HubInputError (the API's 422), named by the first; nothing when none. */
export function throwIfRefused(refusals: ObservationRefusal[]): void {
  const first = refusals[0];
  if (!first) return;
  const more = refusals.length > 1 ? ` (and ${refusals.length - 1} more observations refused)` : "";
  throw new HubInputError(first.code, `${first.message}${more}`, first.path, refusals);
}
