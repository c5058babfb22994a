/**
 * Generic webhook: the incident as JSON, signed so the receiver can trust it. The signature header is
 * `X-Epicenter-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed by the channel's secret>`;
 * `X-Epicenter-Timestamp` (epoch ms) repeats the body's `sentAt`, which the signature covers, so a receiver
 * can refuse replays of old deliveries.
 */
import { createHmac } from "node:crypto";
import type { Notification, NotifyChannel } from "../channel.js";
import type { ChannelConfig } from "../channel-schema.js";
import { composeMessage } from "../message-format.js";
import { type HttpRequest, httpChannel, JSON_HEADERS } from "./http-post.js";

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
  return {
    body,
    headers: {
      // Lower-cased so a configured header can never stand beside (or in for) the signature headers.
      ...Object.fromEntries(Object.entries(config.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      ...JSON_HEADERS,
      "x-epicenter-event": n.event,
      "x-epicenter-timestamp": String(n.at),
      "x-epicenter-signature": `sha256=${signBody(body, config.secret)}`,
    },
  };
}

/** The hex HMAC-SHA256 of `body`; receivers compute the same and compare in constant time. */
function signBody(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

export function webhookChannel(config: WebhookConfig): NotifyChannel {
  return httpChannel(config, config.url, (n) => webhookRequest(n, config));
}
