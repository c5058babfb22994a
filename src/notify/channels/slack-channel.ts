/** Slack incoming webhook: one mrkdwn message, values escaped (https://api.slack.com/messaging/webhooks). */

import type { Notification, NotifyChannel } from "../channel.js";
import type { ChannelConfig } from "../channel-schema.js";
import { composeMessage, escapeSlack } from "../message-format.js";
import { type HttpRequest, httpChannel, JSON_HEADERS } from "./http-post.js";

type SlackConfig = Extract<ChannelConfig, { type: "slack" }>;

function slackRequest(n: Notification, config: SlackConfig): HttpRequest {
  const message = composeMessage(n.facts, config.template, escapeSlack);
  const text = `*${message.title}*\n${message.body}`;
  return {
    body: JSON.stringify({ text, unfurl_links: false, unfurl_media: false }),
    headers: { ...JSON_HEADERS },
  };
}

export function slackChannel(config: SlackConfig): NotifyChannel {
  return httpChannel(config, config.url, (n) => slackRequest(n, config));
}
