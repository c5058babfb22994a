/**
 * Microsoft Teams: an Adaptive Card posted to a Workflows ("When a Teams webhook request is received") URL,
 * the replacement for the retired Office 365 connectors. TextBlock markdown needs a blank line between lines.
 */

import type { Notification, NotifyChannel } from "../channel.js";
import type { ChannelConfig } from "../channel-schema.js";
import { composeMessage, escapeTeams } from "../message-format.js";
import { type HttpRequest, httpChannel, JSON_HEADERS } from "./http-post.js";

type TeamsConfig = Extract<ChannelConfig, { type: "teams" }>;

function teamsRequest(n: Notification, config: TeamsConfig): HttpRequest {
  const message = composeMessage(n.facts, config.template, escapeTeams);
  const card = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      { type: "TextBlock", text: message.title, weight: "Bolder", size: "Medium", wrap: true },
      { type: "TextBlock", text: message.body.split("\n").join("\n\n"), wrap: true },
    ],
    // The link is a URL field, not markdown: it is passed as is.
    actions: n.facts.url ? [{ type: "Action.OpenUrl", title: "Open incident", url: n.facts.url }] : [],
  };
  const body = {
    type: "message",
    attachments: [
      { contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card },
    ],
  };
  return { body: JSON.stringify(body), headers: { ...JSON_HEADERS } };
}

export function teamsChannel(config: TeamsConfig): NotifyChannel {
  return httpChannel(config, config.url, (n) => teamsRequest(n, config));
}
