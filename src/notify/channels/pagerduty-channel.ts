/**
 * PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/): opened and
 * changed trigger with the incident id as dedup_key, so a change updates the same alert rather than paging
 * again; resolved resolves that alert.
 */

import type { Notification, NotifyChannel } from "../channel.js";
import { type ChannelConfig, PAGERDUTY_EVENTS_URL } from "../channel-schema.js";
import { composeMessage, truncate } from "../message-format.js";
import { type HttpRequest, httpChannel, JSON_HEADERS } from "./http-post.js";

type PagerDutyConfig = Extract<ChannelConfig, { type: "pagerduty" }>;

/** The Events API refuses a summary over 1,024 characters. */
const MAX_SUMMARY = 1024;

function pagerdutyRequest(n: Notification, config: PagerDutyConfig): HttpRequest {
  const base = { routing_key: config.routingKey, dedup_key: n.incident.id };
  if (n.event === "resolved") {
    return { body: JSON.stringify({ ...base, event_action: "resolve" }), headers: { ...JSON_HEADERS } };
  }
  const message = composeMessage(n.facts, config.template);
  const event = {
    ...base,
    event_action: "trigger",
    client: "Epicenter",
    ...(n.facts.url ? { client_url: n.facts.url, links: [{ href: n.facts.url, text: "Incident" }] } : {}),
    payload: {
      summary: truncate(message.title, MAX_SUMMARY),
      source: "epicenter",
      // A blind vantage is the watcher's own trouble, not the world's.
      severity: n.incident.vantage ? "warning" : "critical",
      component: n.facts.epicenter,
      class: "outage",
      timestamp: new Date(n.at).toISOString(),
      custom_details: {
        details: message.body,
        epicenter: n.incident.epicenter,
        affected: n.incident.affected,
        openedAt: n.facts.openedAt,
      },
    },
  };
  return { body: JSON.stringify(event), headers: { ...JSON_HEADERS } };
}

export function pagerdutyChannel(config: PagerDutyConfig): NotifyChannel {
  return httpChannel(config, config.url ?? PAGERDUTY_EVENTS_URL, (n) => pagerdutyRequest(n, config));
}
