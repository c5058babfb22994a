/**
 * Generic webhook: the incident as JSON, signed so the receiver can trust it. The signature header is
 * `X-Epicenter-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed by the channel's secret>`;
 * `X-Epicenter-Timestamp` (epoch ms) repeats the body's `sentAt`, which the signature covers, so a receiver
 * can refuse replays of old deliveries. With `maintenance: true` it also gets, signed the same way, a
 * notice when a maintenance window begins and when it ends.
 */
import { createHmac } from "node:crypto";
import type { MaintenanceAnnouncement, Notification, NotifyChannel } from "../channel.js";
import type { ChannelConfig } from "../channel-schema.js";
import { composeMessage } from "../message-format.js";
import { type HttpRequest, httpChannel, httpPost, JSON_HEADERS } from "./http-post.js";

type WebhookConfig = Extract<ChannelConfig, { type: "webhook" }>;

function webhookRequest(n: Notification, config: WebhookConfig): HttpRequest {
  const message = composeMessage(n.facts, config.template);
  const body = JSON.stringify({
    event: n.event,
    sentAt: n.at,
    title: message.title,
    text: message.body,
    url: n.facts.url || null,
    incident: n.incident,
  });
  return { body, headers: signedHeaders(body, n.event, n.at, config) };
}

/**
 * A maintenance notice as JSON, signed like an incident's: event `maintenance.started` or
 * `maintenance.ended`, a title and text, and the window (times ISO 8601 UTC).
 */
function maintenanceRequest(m: MaintenanceAnnouncement, config: WebhookConfig): HttpRequest {
  const event = `maintenance.${m.type}`;
  const iso = (t: number) => new Date(t).toISOString();
  const body = JSON.stringify({
    event,
    sentAt: m.at,
    title: `Maintenance ${m.type === "started" ? "started" : "ended"}: ${m.title}`,
    text:
      m.type === "started"
        ? `Planned until ${iso(m.end)}. Components: ${m.components.join(", ")}.`
        : `Ended at ${iso(m.end)}. Components: ${m.components.join(", ")}.`,
    maintenance: { id: m.id, title: m.title, components: m.components, start: iso(m.start), end: iso(m.end) },
  });
  return { body, headers: signedHeaders(body, event, m.at, config) };
}

/** The configured headers, then the JSON and signature headers no configured one can replace. */
function signedHeaders(
  body: string,
  event: string,
  at: number,
  config: WebhookConfig,
): Record<string, string> {
  return {
    // Lower-cased so a configured header can never stand beside (or in for) the signature headers.
    ...Object.fromEntries(Object.entries(config.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    ...JSON_HEADERS,
    "x-epicenter-event": event,
    "x-epicenter-timestamp": String(at),
    "x-epicenter-signature": `sha256=${signBody(body, config.secret)}`,
  };
}

/** The hex HMAC-SHA256 of `body`; receivers compute the same and compare in constant time. */
function signBody(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

export function webhookChannel(config: WebhookConfig): NotifyChannel {
  const channel = httpChannel(config, config.url, (n) => webhookRequest(n, config));
  if (!config.maintenance) return channel;
  return {
    ...channel,
    announce: (m, signal) => {
      const req = maintenanceRequest(m, config);
      return httpPost(config.url, req.body, req.headers, signal);
    },
  };
}
