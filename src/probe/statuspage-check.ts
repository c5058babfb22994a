/**
 * The statuspage runner: a vendor's own status, from an Atlassian Statuspage v2 summary
 * (`/api/v2/summary.json`), an RSS/Atom incident feed, or a cloud's own feed (AWS Health Dashboard
 * `data.json`, Google Cloud `incidents.json`, Azure's status RSS), mapped onto our components; the
 * format is read from the body unless the check names it.
 *
 * Official pages lag and can be down themselves, so their absence is not evidence: a failed fetch yields
 * `components: []` (no statuses at all), status `up` with the fetch's error class, and a message saying no
 * evidence was gathered. Consumers publish `components`, never the top-level status, for these checks.
 */
import type { Status } from "../model/model-types.js";
import type { CheckResult, StatuspageCheck } from "./check-types.js";
import { type CatalogIndex, catalogIndex, mapReport } from "./feed-catalog.js";
import { parseFeed } from "./feed-parse.js";
import { guardedFetch, type HttpResponse } from "./http-check.js";
import type { ProbeContext } from "./probe-context.js";
import { classifyError } from "./probe-errors.js";
import { startTimer } from "./result-timer.js";
import {
  detectFormat,
  type FeedFormat,
  JSON_FEED_LIMIT,
  latestStatus,
  parseStatusFeed,
  XML_FEED_LIMIT,
} from "./status-feed-parse.js";

/** Feed incidents older than this (last update) no longer count, resolved or not. */
export const RECENT_INCIDENT_MS = 24 * 3600_000;

const VENDOR_STATUS: Record<string, Status> = {
  operational: "up",
  degraded_performance: "degraded",
  partial_outage: "degraded",
  major_outage: "down",
  under_maintenance: "degraded",
};
const INDICATOR: Record<string, Status> = {
  none: "up",
  minor: "degraded",
  major: "degraded",
  critical: "down",
};
const RANK: Record<Status, number> = { up: 0, degraded: 1, down: 2 };

type Mapped = { component: string; status: Status }[];

/** Runs a statuspage check; never throws. */
export async function runStatuspageCheck(check: StatuspageCheck, ctx: ProbeContext): Promise<CheckResult> {
  const { phases, done } = startTimer();
  let response: HttpResponse;
  try {
    response = await guardedFetch(
      {
        url: check.url,
        method: "GET",
        headers: { accept: "application/json, application/atom+xml, application/rss+xml" },
        followRedirects: true,
        maxRedirects: 5,
        tlsVerify: true,
      },
      ctx,
      phases,
      true,
      isXml(check.format) ? XML_FEED_LIMIT : JSON_FEED_LIMIT,
    );
    if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    const { errorClass, message } = classifyError(error, "exchange");
    return noEvidence(done("up", errorClass, `status page unavailable (${message}): no evidence either way`));
  }
  let judged: { components: Mapped; notes: string[] };
  const body = response.body;
  try {
    const format = resolveFormat(check, body);
    // Half a page is no page: a cut-off feed or summary is refused, never half-read.
    const limit = isXml(format) ? XML_FEED_LIMIT : JSON_FEED_LIMIT;
    if (response.truncated || Buffer.byteLength(body) > limit)
      throw new Error(`larger than ${limit / 1024} KiB, the most read`);
    judged =
      format === "statuspage"
        ? fromSummary(check, JSON.parse(body) as Summary)
        : format === "rss"
          ? fromFeed(check, body, Date.now())
          : fromCloudFeed(check, body, format, Date.now());
  } catch (error) {
    const why = (error as Error).message;
    return noEvidence(done("up", "protocol", `status page unreadable (${why}): no evidence either way`));
  }
  const worst = judged.components.reduce<Status>((w, c) => (RANK[c.status] > RANK[w] ? c.status : w), "up");
  const result = done(
    worst,
    worst === "up" ? null : "reported",
    judged.notes.join("; ") || "all mapped components operational",
  );
  result.components = judged.components;
  return result;
}

/** The check's format, or the body's when it says `auto`; `feed` is the older name of `rss`. */
function resolveFormat(check: StatuspageCheck, body: string): FeedFormat {
  if (check.format === "feed") return "rss";
  return check.format === "auto" ? detectFormat(body) : check.format;
}

function isXml(format: StatuspageCheck["format"]): boolean {
  return format === "rss" || format === "feed" || format === "azure-rss";
}

let index: CatalogIndex | undefined;
/** Built on first use: the catalog is constant data, and a runner reads it for every cloud feed. */
const sharedIndex = () => {
  index ??= catalogIndex();
  return index;
};

/**
 * A cloud feed (AWS, GCP, Azure): each service it reports, on the catalog id it maps to (or the check's
 * `components` mapping, vendor name → ours, which wins); a mapped vendor name the feed does not mention is
 * up (these feeds list events, not services). Unmapped services are named in the message only.
 */
export function fromCloudFeed(
  check: StatuspageCheck,
  body: string,
  format: Exclude<FeedFormat, "statuspage" | "rss">,
  now: number,
): { components: Mapped; notes: string[] } {
  const report = parseStatusFeed(body, format, now);
  const mapped = mapReport(report, check.components, sharedIndex());
  const status = new Map<string, Status>(Object.values(check.components).map((ours) => [ours, "up"]));
  const notes: string[] = [];
  for (const c of mapped) {
    if (c.id === null) {
      if (c.status !== "up") notes.push(`${c.name}: ${c.status} (no catalog component)`);
      continue;
    }
    const seen = status.get(c.id);
    if (seen === undefined || RANK[c.status] > RANK[seen]) status.set(c.id, c.status);
    if (c.status !== "up") notes.push(`${c.name}: ${c.status}`);
  }
  return { components: [...status].map(([component, s]) => ({ component, status: s })), notes };
}

/** A result that says nothing about any component: the page could not be used. */
function noEvidence(result: CheckResult): CheckResult {
  result.components = [];
  return result;
}

interface Summary {
  status?: { indicator?: string; description?: string };
  components?: { id?: string; name?: string; status?: string }[];
}

/** Statuspage v2 summary: each mapped vendor component's status; with no mapping, the page's indicator. */
export function fromSummary(
  check: StatuspageCheck,
  summary: Summary,
): { components: Mapped; notes: string[] } {
  if (typeof summary !== "object" || summary === null || !Array.isArray(summary.components))
    throw new Error("not a Statuspage v2 summary (no components array)");
  const notes: string[] = [];
  const entries = Object.entries(check.components);
  if (entries.length === 0) {
    const indicator = summary.status?.indicator ?? "none";
    const status = INDICATOR[indicator] ?? "degraded";
    if (status !== "up") notes.push(`page says: ${summary.status?.description ?? indicator}`);
    return { components: [{ component: check.component, status }], notes };
  }
  const components: Mapped = [];
  for (const [vendor, ours] of entries) {
    const found = summary.components.find(
      (c) => c.id === vendor || c.name?.trim().toLowerCase() === vendor.trim().toLowerCase(),
    );
    if (!found) {
      notes.push(`"${vendor}" is not on the page`);
      continue;
    }
    const status = VENDOR_STATUS[found.status ?? ""] ?? "degraded";
    if (status !== "up") notes.push(`${vendor}: ${found.status}`);
    components.push({ component: ours, status });
  }
  return { components, notes };
}

/**
 * RSS/Atom incident feed: an incident updated within RECENT_INCIDENT_MS whose latest update is not
 * "Resolved"/"Completed"/"Postmortem" degrades the mapped components it names (all of them, or the
 * check's own component, when it names none or the mapping is empty).
 */
export function fromFeed(
  check: StatuspageCheck,
  xml: string,
  now: number,
): { components: Mapped; notes: string[] } {
  const entries = parseFeed(xml);
  const mapping = Object.entries(check.components);
  const targets = mapping.length > 0 ? mapping : [[check.component, check.component] as [string, string]];
  const status = new Map<string, Status>(targets.map(([, ours]) => [ours, "up"]));
  const notes: string[] = [];
  for (const entry of entries) {
    if (!(now - entry.updated <= RECENT_INCIDENT_MS) || isResolved(entry.text, entry.title)) continue;
    const text = `${entry.title} ${entry.text}`.toLowerCase();
    const named = mapping.filter(([vendor]) => text.includes(vendor.toLowerCase()));
    for (const [, ours] of named.length > 0 ? named : targets) status.set(ours, "degraded");
    notes.push(`open incident: ${entry.title}`);
  }
  return { components: [...status].map(([component, s]) => ({ component, status: s })), notes };
}

function isResolved(text: string, title: string): boolean {
  const subject = latestStatus(text) ?? title;
  return /\b(resolved|completed|postmortem)\b/i.test(subject);
}
