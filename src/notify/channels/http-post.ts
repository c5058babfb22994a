/** One HTTP POST for the webhook-style channels, through undici; turns every failure into a DeliveryError. */
import { type Dispatcher, request } from "undici";
import { type ChannelFilter, DeliveryError, type Notification, type NotifyChannel } from "../channel.js";
import type { ChannelConfig } from "../channel-schema.js";

/** How much of a response body is kept in a delivery record. */
const DETAIL_CHARS = 200;

/**
 * POSTs `body` to `url`; resolves with "HTTP <status>" on 2xx. Redirects are not followed (a webhook that
 * redirects is misconfigured, and following one would send the payload somewhere unchecked). 5xx, 408, 429 and
 * network errors are retryable; other statuses are not.
 */
export async function httpPost(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  dispatcher?: Dispatcher,
): Promise<string> {
  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      method: "POST",
      body,
      headers,
      signal,
      ...(dispatcher ? { dispatcher } : {}),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (error) {
    const why = signal.aborted ? `aborted (${abortReason(signal)})` : errorText(error);
    throw new DeliveryError(`POST failed: ${why}`, true, { cause: error });
  }
  const detail = `HTTP ${status}${text ? `: ${oneLineSnippet(text)}` : ""}`;
  if (status >= 200 && status < 300) return detail;
  throw new DeliveryError(detail, status >= 500 || status === 408 || status === 429);
}

function abortReason(signal: AbortSignal): string {
  const reason = signal.reason as unknown;
  return reason instanceof Error ? reason.message : String(reason);
}

export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && !error.message.includes(code)
    ? `${code} ${error.message}`
    : error.message;
}

function oneLineSnippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > DETAIL_CHARS ? `${flat.slice(0, DETAIL_CHARS)}…` : flat;
}

/** What an HTTP channel sends for one notification. */
export interface HttpRequest {
  body: string;
  headers: Record<string, string>;
}

/** What a configured channel wants to hear about (its events, minConfidence and tags). */
export function channelFilter(
  config: Pick<ChannelConfig, "events" | "minConfidence" | "tags">,
): ChannelFilter {
  return {
    events: config.events,
    minConfidence: config.minConfidence,
    ...(config.tags ? { tags: config.tags } : {}),
  };
}

/** A channel that POSTs what `build` makes of each notification to `url`. */
export function httpChannel(
  config: Pick<ChannelConfig, "name" | "type" | "events" | "minConfidence" | "template" | "tags">,
  url: string,
  build: (notification: Notification) => HttpRequest,
): NotifyChannel {
  return {
    name: config.name,
    type: config.type,
    filter: channelFilter(config),
    send: (n, signal) => {
      const req = build(n);
      return httpPost(url, req.body, req.headers, signal);
    },
  };
}

export const JSON_HEADERS = { "content-type": "application/json" } as const;
