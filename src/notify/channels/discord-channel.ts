/**
 * Discord webhook: one markdown message, values escaped, and no mentions parsed at all, so a component named
 * "@everyone" pings nobody (https://discord.com/developers/docs/resources/webhook#execute-webhook).
 */

import type { Notification, NotifyChannel } from "../channel.js";
import type { ChannelConfig } from "../channel-schema.js";
import { composeMessage, escapeDiscord, truncate } from "../message-format.js";
import { type HttpRequest, httpChannel, JSON_HEADERS } from "./http-post.js";

type DiscordConfig = Extract<ChannelConfig, { type: "discord" }>;

/** Discord refuses content over 2,000 characters. */
const MAX_CONTENT = 2000;

function discordRequest(n: Notification, config: DiscordConfig): HttpRequest {
  const message = composeMessage(n.facts, config.template, escapeDiscord);
  const content = truncate(`**${message.title}**\n${message.body}`, MAX_CONTENT);
  return { body: JSON.stringify({ content, allowed_mentions: { parse: [] } }), headers: { ...JSON_HEADERS } };
}

export function discordChannel(config: DiscordConfig): NotifyChannel {
  return httpChannel(config, config.url, (n) => discordRequest(n, config));
}
