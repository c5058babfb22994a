/**
 * ntfy: the body as plain text, the rest in headers (https://docs.ntfy.sh/publish/). A title that is not plain
 * ASCII is sent RFC 2047-encoded, which ntfy decodes; header values can carry nothing else safely.
 */

import type { Notification, NotifyChannel } from "../channel.js";
import type { ChannelConfig } from "../channel-schema.js";
import { composeMessage } from "../message-format.js";
import { type HttpRequest, httpChannel } from "./http-post.js";

type NtfyConfig = Extract<ChannelConfig, { type: "ntfy" }>;

const TAGS = { opened: "rotating_light", changed: "warning", resolved: "white_check_mark" } as const;
const HIGH = 4;
const DEFAULT = 3;

function ntfyRequest(n: Notification, config: NtfyConfig): HttpRequest {
  const message = composeMessage(n.facts, config.template);
  const priority = n.event === "resolved" ? DEFAULT : (config.priority ?? HIGH);
  const headers: Record<string, string> = {
    "content-type": "text/plain; charset=utf-8",
    title: headerText(message.title),
    priority: String(priority),
    tags: TAGS[n.event],
  };
  if (n.facts.url) headers.click = headerText(n.facts.url);
  if (config.token) headers.authorization = `Bearer ${config.token}`;
  return { body: message.body, headers };
}

/** Printable ASCII as is; anything else as an RFC 2047 encoded word. */
function headerText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}

export function ntfyChannel(config: NtfyConfig): NotifyChannel {
  return httpChannel(config, config.url, (n) => ntfyRequest(n, config));
}
