/**
 * What a notification says, as text: the facts of an incident event, the default wording, a logic-less template
 * renderer (plain `{{name}}` substitution, nothing else) and the escapers for each target format. Pure.
 *
 * Component ids and names come from third parties (catalog entries, user configs, vendors) and are treated as
 * untrusted: every substituted value is escaped for the target format; template text itself is the operator's
 * and is kept as written.
 */
import type { StoredIncident } from "../store/store.js";

export type NotifyEvent = "opened" | "changed" | "resolved";
export const NOTIFY_EVENTS: readonly NotifyEvent[] = ["opened", "changed", "resolved"];

/** The placeholders a template may use, each with what it holds (shown in errors and docs). */
export const PLACEHOLDERS = {
  event: "opened, changed or resolved",
  status: '"likely failing", "epicenter changed" or "resolved"',
  epicenter: "the most likely epicenter component",
  confidence: "its confidence, two decimals",
  previousEpicenter: "the epicenter before a change (empty otherwise)",
  runnersUp: "the other hypotheses with their confidences",
  affectedCount: "how many components are affected",
  affected: "the affected components (the first 10)",
  incidentId: "the incident's id",
  url: "a link to the incident (empty when no public URL is configured)",
  openedAt: "when it opened, ISO 8601 UTC",
  resolvedAt: "when it resolved, ISO 8601 UTC (empty while open)",
  duration: "how long it lasted (or has lasted)",
  vantage: '"yes" when the epicenter is a vantage (the watcher itself is blind), else empty',
} as const;

export type Placeholder = keyof typeof PLACEHOLDERS;
export type MessageFacts = Record<Placeholder, string>;

export interface MessageTemplate {
  title?: string;
  body?: string;
}

/** A title and body ready for one target format. */
export interface Message {
  title: string;
  body: string;
}

const AFFECTED_SHOWN = 10;
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** The facts of one event, as strings; `url` is the incident's link, or "" when none is configured. */
export function messageFacts(
  event: NotifyEvent,
  incident: StoredIncident,
  now: number,
  url = "",
): MessageFacts {
  const [top, ...rest] = incident.epicenter;
  const previous = event === "changed" ? incident.history.at(-2)?.epicenter[0]?.component : undefined;
  const shown = incident.affected.slice(0, AFFECTED_SHOWN);
  const more = incident.affected.length - shown.length;
  return {
    event,
    status: event === "opened" ? "likely failing" : event === "changed" ? "epicenter changed" : "resolved",
    epicenter: top?.component ?? "unknown",
    confidence: (top?.confidence ?? 0).toFixed(2),
    previousEpicenter: previous ?? "",
    runnersUp: rest.map((r) => `${r.component} ${r.confidence.toFixed(2)}`).join(", "),
    affectedCount: String(incident.affected.length),
    affected: shown.join(", ") + (more > 0 ? ` and ${more} more` : ""),
    incidentId: incident.id,
    url,
    openedAt: new Date(incident.openedAt).toISOString(),
    resolvedAt: incident.resolvedAt === null ? "" : new Date(incident.resolvedAt).toISOString(),
    duration: formatDuration((incident.resolvedAt ?? now) - incident.openedAt),
    vantage: incident.vantage ? "yes" : "",
  };
}

/** "2 h 14 min", "3 min", "40 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const d = Math.floor(h / 24);
  if (d > 0) return `${d} d ${h % 24} h`;
  return min % 60 > 0 ? `${h} h ${min % 60} min` : `${h} h`;
}

/** The wording used when a channel has no template of its own: one per event, same placeholders. */
function defaultTemplate(facts: MessageFacts): Required<MessageTemplate> {
  const lines: string[] = [];
  if (facts.event === "resolved") {
    lines.push("{{epicenter}} recovered after {{duration}} (opened {{openedAt}}, resolved {{resolvedAt}}).");
  } else {
    if (facts.vantage) lines.push("The epicenter is a vantage: the watcher's own network is failing.");
    if (facts.previousEpicenter) lines.push("Was: {{previousEpicenter}}.");
    lines.push("Epicenter: {{epicenter}}, confidence {{confidence}}.");
    if (facts.runnersUp) lines.push("Other hypotheses: {{runnersUp}}.");
    if (facts.affected) lines.push("Affected ({{affectedCount}}): {{affected}}.");
    lines.push("Open since {{openedAt}} ({{duration}}).");
  }
  if (facts.url) lines.push("{{url}}");
  const title =
    facts.event === "opened"
      ? "{{epicenter}} likely failing, confidence {{confidence}}, {{affectedCount}} services affected"
      : facts.event === "changed"
        ? "Epicenter changed: {{epicenter}} likely failing, confidence {{confidence}}"
        : "Resolved: {{epicenter}}, after {{duration}}";
  return { title, body: lines.join("\n") };
}

/** Placeholders in `template` that do not exist (a config error: a typo would otherwise send blanks). */
export function unknownPlaceholders(template: string): string[] {
  const unknown: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!Object.hasOwn(PLACEHOLDERS, m[1]!)) unknown.push(m[1]!);
  }
  return unknown;
}

/**
 * Plain substitution: each `{{name}}` becomes the escaped fact; nothing else is interpreted (no loops, no
 * conditions, no partials, no file access). Unknown names were refused at config load; here they stay as written.
 */
export function renderTemplate(
  template: string,
  facts: MessageFacts,
  escapeValue: (text: string) => string,
): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(facts, name) ? escapeValue(facts[name as Placeholder]) : whole,
  );
}

/** The channel's template (or the default), rendered for a target format with its escaper. */
export function composeMessage(
  facts: MessageFacts,
  template: MessageTemplate | undefined,
  escapeValue: (text: string) => string = plainText,
): Message {
  const fallback = defaultTemplate(facts);
  return {
    title: oneLine(renderTemplate(template?.title ?? fallback.title, facts, escapeValue)),
    body: renderTemplate(template?.body ?? fallback.body, facts, escapeValue),
  };
}

/** Plain text needs no escaping; control characters other than newline and tab are dropped. */
function plainText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
}

/** A title must stay on one line (mail subjects, HTTP headers). */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

/**
 * Slack mrkdwn: `&`, `<`, `>` must become entities (they start links and mentions such as `<!channel>`;
 * https://api.slack.com/reference/surfaces/formatting#escaping). Slack has no escape for `*_~` and backticks,
 * so a zero-width space is put before each to keep it from opening bold, italics, strike or code.
 */
export function escapeSlack(text: string): string {
  return plainText(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[*_~`]/g, "\u200b$&");
}

/**
 * Discord markdown: a backslash before every character that could start formatting, a masked link or a
 * mention (`-` and `:` are left alone so ids, times and URLs stay readable and linked).
 */
export function escapeDiscord(text: string): string {
  return plainText(text).replace(/[\\`*_~|>#[\]()<@]/g, "\\$&");
}

/**
 * Teams Adaptive Card text: only bold, italics, lists and links are markdown there (other characters show as
 * typed, backslash included), so only those are escaped.
 */
export function escapeTeams(text: string): string {
  return plainText(text).replace(/[\\*_[\]()]/g, "\\$&");
}

/** HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return plainText(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Cuts text to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
