/**
 * The live stream: Server-Sent Events of the hub's events (`event: incident`, `event: state`, `event: config`,
 * JSON data), a comment every `heartbeatMs` so proxies keep the connection open, and the hub subscription
 * released as soon as the client goes away (or reads too slowly to keep up). The caller's token is checked
 * again every `recheckMs`: a stream whose token is revoked, expires or logs out ends with an `event: closed`
 * frame saying why, and the client's reconnect then gets the 401.
 */
import type { HubEvent } from "../hub/hub-api.js";
import { renderIncident, renderState } from "./api-render.js";
import { streamQuery } from "./api-schemas.js";
import { callerRevoked } from "./request-auth.js";
import { defineRoute } from "./route-table.js";
import { streamFrame } from "./stream-responses.js";

/** Queued bytes beyond which a client that does not read is dropped (EventSource reconnects by itself). */
const MAX_QUEUED_BYTES = 1024 * 1024;

export const DEFAULT_STREAM_HEARTBEAT_MS = 15_000;

/** How often an open stream checks its token again: a revoked right outlives its revocation by at most this. */
const DEFAULT_STREAM_RECHECK_MS = 2_000;

/** A hub event as its frame (the shapes are stream-responses.ts's). */
function formatEvent(event: HubEvent): string {
  switch (event.type) {
    case "incident": {
      // Rendered with its history, which renderIncident's type leaves optional.
      const incident = renderIncident(event.incident, true);
      return streamFrame("incident", {
        action: event.action,
        incident: { ...incident, history: incident.history ?? [] },
      });
    }
    case "state":
      return streamFrame("state", { states: event.states.map(renderState) });
    case "config":
      return streamFrame("config", { action: event.action, message: event.message });
  }
}

export function streamRoute(heartbeatMs: number, recheckMs = DEFAULT_STREAM_RECHECK_MS) {
  return defineRoute({
    method: "GET",
    path: "/api/v1/stream",
    access: "viewer",
    queryToken: true,
    tag: "live",
    summary:
      "Server-Sent Events: `incident` ({action, incident}), `state` ({states}), `config` ({action, message}); a comment line every 15 s; a last `closed` ({reason}) when the token is revoked, expires or logs out (checked every 2 s)",
    query: streamQuery,
    produces: "text/event-stream",
    responses: { 200: "An endless event stream" },
    handler: ({ hub, c, caller, now }) => {
      const encoder = new TextEncoder();
      const signal = c.req.raw.signal;
      let release = () => {};
      const body = new ReadableStream<Uint8Array>(
        {
          start(controller) {
            let open = true;
            const send = (text: string) => {
              if (!open) return;
              controller.enqueue(encoder.encode(text));
              if ((controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) {
                release();
                controller.close();
              }
            };
            const unsubscribe = hub.subscribe((event) => send(formatEvent(event)));
            const timer = setInterval(() => send(": keep-alive\n\n"), heartbeatMs);
            const end = (reason: string) => {
              send(streamFrame("closed", { reason }));
              if (!open) return;
              release();
              controller.close();
            };
            let checking = false;
            const recheck = setInterval(() => {
              if (checking || caller?.tokenHash == null) return;
              checking = true;
              // A store that cannot answer cannot vouch for the token either: the stream ends (and the
              // client reconnects through the normal check) rather than outliving a revocation unseen.
              callerRevoked(hub, caller, now())
                .catch(() => "token could not be checked again")
                .then((reason) => {
                  checking = false;
                  if (reason !== null) end(reason);
                });
            }, recheckMs);
            release = () => {
              if (!open) return;
              open = false;
              clearInterval(timer);
              clearInterval(recheck);
              unsubscribe();
              signal.removeEventListener("abort", release);
            };
            signal.addEventListener("abort", release);
            // Tells the client the subscription is live, and how soon to reconnect after a drop.
            send("retry: 5000\n: subscribed\n\n");
          },
          cancel() {
            release();
          },
        },
        new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
      );
      return new Response(body, {
        headers: {
          "Content-Type": "text/event-stream; charset=utf-8",
          "Cache-Control": "no-store",
          // Nginx and similar proxies buffer responses unless told not to.
          "X-Accel-Buffering": "no",
        },
      });
    },
  });
}
