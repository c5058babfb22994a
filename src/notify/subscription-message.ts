/**
 * What the status page's subscribers are sent, and to whom: which incidents a subscriber follows, the
 * confirmation e-mail, and each notice with its unsubscribe link (e-mail text and HTML, webhook JSON). Pure.
 */
import type { StoredIncident } from "../store/store.js";
import type { Notification } from "./channel.js";
import { composeMessage, escapeHtml } from "./message-format.js";

/** The links a message carries. */
export interface SubscriberLinks {
  /** The public status page. */
  status: string;
  /** Removes this subscription, no login needed. */
  unsubscribe: string;
}

/** An e-mail as the SMTP sender takes it. */
export interface SubscriberMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/**
 * Whether a subscriber to `components` (empty: all) hears of `incident`: one of them is affected, or is the
 * epicenter now or was one in the incident's history.
 */
export function follows(components: readonly string[], incident: StoredIncident): boolean {
  if (components.length === 0) return true;
  const touched = new Set(incident.affected);
  for (const h of incident.epicenter) touched.add(h.component);
  for (const entry of incident.history) for (const h of entry.epicenter) touched.add(h.component);
  return components.some((c) => touched.has(c));
}

/**
 * The incident as the public hears of it: its affected list cut to the status page's own services (`shown`),
 * as the page lists them, so a subscriber never learns a component the page does not show.
 */
export function publicIncident(incident: StoredIncident, shown: ReadonlySet<string>): StoredIncident {
  return { ...incident, affected: incident.affected.filter((c) => shown.has(c)) };
}

function html(lines: string[]): string {
  return `${lines.map((l) => `<p>${l}</p>`).join("\n")}\n`;
}

/** The double opt-in mail: nothing is sent to this address until its link is followed. */
export function confirmationMail(
  from: string,
  to: string,
  confirmUrl: string,
  components: readonly string[],
  pageName: string,
): SubscriberMail {
  const what = components.length === 0 ? "every incident" : `incidents of ${components.join(", ")}`;
  const text = [
    `Someone (hopefully you) asked to hear from ${pageName} about ${what}.`,
    `To confirm, follow this link within 24 hours: ${confirmUrl}`,
    "If you did not ask, ignore this mail: nothing more will be sent.",
  ];
  return {
    from,
    to: [to],
    subject: `Confirm your subscription to ${pageName}`,
    text: text.join("\n\n"),
    html: html([
      `Someone (hopefully you) asked to hear from ${escapeHtml(pageName)} about ${escapeHtml(what)}.`,
      `<a href="${escapeHtml(confirmUrl)}">Confirm the subscription</a> within 24 hours.`,
      "If you did not ask, ignore this mail: nothing more will be sent.",
    ]),
    headers: {},
  };
}

/** One incident notice by e-mail, the unsubscribe link in the text, the HTML and the List-Unsubscribe header. */
export function noticeMail(
  n: Notification,
  from: string,
  to: string,
  links: SubscriberLinks,
): SubscriberMail {
  const text = composeMessage(n.facts, undefined);
  const escaped = composeMessage(n.facts, undefined, escapeHtml);
  const url = escapeHtml(links.unsubscribe);
  return {
    from,
    to: [to],
    subject: text.title,
    text: `${text.body}\n\nUnsubscribe: ${links.unsubscribe}\n`,
    html: html([
      `<strong>${escaped.title}</strong>`,
      escaped.body.split("\n").join("<br>\n"),
      `<a href="${url}">Unsubscribe</a>`,
    ]),
    // RFC 8058 one-click: mail clients POST to the link, which the hub takes as well as GET.
    headers: {
      "List-Unsubscribe": `<${links.unsubscribe}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}

/** One incident notice as a webhook's JSON body: the words, the status page and the unsubscribe link. */
export function noticeBody(n: Notification, links: SubscriberLinks): string {
  const message = composeMessage(n.facts, undefined);
  return JSON.stringify({
    type: "epicenter.incident",
    event: n.event,
    sentAt: n.at,
    incidentId: n.incident.id,
    title: message.title,
    text: message.body,
    affected: n.incident.affected,
    status: links.status,
    unsubscribe: links.unsubscribe,
  });
}

/** The challenge a webhook target must answer (its body must contain the challenge value). */
export function challengeBody(challenge: string, links: { status: string }): string {
  return JSON.stringify({ type: "epicenter.subscription.challenge", challenge, status: links.status });
}
