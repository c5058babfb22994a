/** Builds the channels of a loaded config: the one place that maps a channel type to its implementation. */

import type { NotifyChannel } from "../channel.js";
import type { ChannelConfig } from "../channel-schema.js";
import { discordChannel } from "./discord-channel.js";
import { emailChannel } from "./email-channel.js";
import { ntfyChannel } from "./ntfy-channel.js";
import { pagerdutyChannel } from "./pagerduty-channel.js";
import { slackChannel } from "./slack-channel.js";
import { teamsChannel } from "./teams-channel.js";
import { webhookChannel } from "./webhook-channel.js";

export function createChannel(config: ChannelConfig): NotifyChannel {
  switch (config.type) {
    case "webhook":
      return webhookChannel(config);
    case "slack":
      return slackChannel(config);
    case "discord":
      return discordChannel(config);
    case "teams":
      return teamsChannel(config);
    case "email":
      return emailChannel(config);
    case "ntfy":
      return ntfyChannel(config);
    case "pagerduty":
      return pagerdutyChannel(config);
  }
}

export function createChannels(configs: readonly ChannelConfig[]): NotifyChannel[] {
  return configs.map(createChannel);
}
