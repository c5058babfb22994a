/**
 * The live stream's frames (GET /api/v1/stream), as api-responses.ts is the REST API's: per SSE event name,
 * the zod schema of the JSON its `data:` line carries. The server writes every frame through `streamFrame`,
 * typed by these schemas; the dashboard reads them as `StreamData` (web/src/api.ts, a type-only import); the
 * stream test parses real frames with them. So a change of shape on one side fails typecheck on the other.
 * Pure: zod and the REST schemas only.
 */
import * as z from "zod";
import { componentState, incident, incidentDetail } from "./api-responses.js";

/**
 * The schemas by event name. Nothing of the hub is imported (the dashboard's typecheck reads this file): an
 * action the hub's events gain and these lack fails typecheck where event-stream.ts writes the frame.
 */
export const streamFrames = {
  incident: z.strictObject({
    action: z.enum({
      opened: "opened",
      changed: "changed",
      resolved: "resolved",
      acknowledged: "acknowledged",
    }),
    /** The incident with its history (as GET /api/v1/incidents/{id} has it, without what only that route adds). */
    incident: incident.extend({ history: incidentDetail.shape.history }),
  }),
  state: z.strictObject({ states: z.array(componentState) }),
  config: z.strictObject({
    action: z.enum({ reloaded: "reloaded", rejected: "rejected" }),
    message: z.string(),
  }),
  /** The last frame of a stream whose token was revoked, expired or logged out. */
  closed: z.strictObject({ reason: z.string() }),
};

export type StreamEventType = keyof typeof streamFrames;

/** What the `data:` line of each event carries, as the dashboard reads it. */
export type StreamData = { [K in StreamEventType]: z.output<(typeof streamFrames)[K]> };

/** One SSE frame. JSON.stringify never emits a raw newline, so the data fits on one `data:` line. */
export function streamFrame<K extends StreamEventType>(
  type: K,
  data: z.input<(typeof streamFrames)[K]>,
): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}
