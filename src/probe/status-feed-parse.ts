/**
 * What a vendor's status feed says now, whatever its format: an Atlassian Statuspage v2 summary, an RSS or
 * Atom feed, AWS Health Dashboard `data.json`, Google Cloud `incidents.json` or Azure's status RSS. Pure:
 * text in, components and incidents out (the vendor's names; catalog ids are feed-catalog.ts's job).
 */
import type { Status } from "../model/model-types.js";
import { parseFeed } from "./feed-parse.js";

export const FEED_FORMATS = ["statuspage", "rss", "aws-health", "gcp-incidents", "azure-rss"] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

/**
 * The most of a JSON feed that is read. A cloud's feed carries its history: GCP's incidents.json is a rolling
 * year (1.03 MB compact, 1.28 MB as captured on 2025-06-12), AWS's data.json with its archive ~0.64 MB on
 * 2021-12-07, Cloudflare's summary up to 0.42 MB; 4 MiB leaves three times the largest and bounds memory.
 * XML feeds keep feed-parse.ts's 1 MiB (real ones are ~20 KiB).
 */
export const JSON_FEED_LIMIT = 4 * 1024 * 1024;
export const XML_FEED_LIMIT = 1024 * 1024;

/** One service (or component) the feed reports, in the vendor's terms. */
export interface FeedComponent {
  /** The vendor's own name ("Network", "ec2-us-east-1", "Google Cloud Storage"). */
  name: string;
  status: Status;
  /** For cloud feeds: the provider, its service key or product name, and the region (absent: global). */
  cloud?: { provider: "aws" | "gcp" | "azure"; service: string; region?: string };
}

export interface FeedIncident {
  title: string;
  /** investigating | identified | monitoring | resolved (Statuspage words; the clouds' mapped onto them). */
  status: string;
  /** none | minor | major | critical. */
  impact: string;
  /** Names of the components it touches, as in `components[].name`. */
  components: string[];
  /** ms since the epoch; null when the feed gives no time. */
  startedAt: number | null;
  updatedAt: number | null;
  resolvedAt: number | null;
  /** Azure only: the entry's text, where it names its services and regions (feed-catalog.ts reads them). */
  text?: string;
}

export interface FeedReport {
  format: FeedFormat;
  components: FeedComponent[];
  incidents: FeedIncident[];
}

/** A body that is no status feed Epicenter reads; the message says which formats were tried. */
export class StatusFeedError extends Error {
  override readonly name = "StatusFeedError";
  readonly code = "E_STATUS_FEED";
}

/** Incidents resolved (or, in RSS, last updated) longer ago than this no longer speak for a component. */
export const RECENT_MS = 24 * 3600_000;

/** The format of a body: by its first character and its keys, never by the URL. */
export function detectFormat(body: string): FeedFormat {
  const head = body.trimStart();
  if (head.startsWith("<")) {
    const channel = head.slice(0, Math.min(head.length, 4096)).toLowerCase();
    // Azure's feed (azure.status.microsoft/en-us/status/feed/) is plain RSS 2.0 titled "Azure Status".
    return channel.includes("azure.status.microsoft") || channel.includes("<title>azure status</title>")
      ? "azure-rss"
      : "rss";
  }
  const json = parseJson(body);
  if (Array.isArray(json)) {
    if (json.length === 0 || json.some((i) => isObject(i) && "affected_products" in i))
      return "gcp-incidents";
  } else if (isObject(json)) {
    if (Array.isArray(json.current) || Array.isArray(json.archive)) return "aws-health";
    if (Array.isArray(json.components)) return "statuspage";
  }
  throw new StatusFeedError(
    "not a status feed Epicenter reads (Statuspage summary, RSS/Atom, AWS data.json, GCP incidents.json, Azure RSS)",
  );
}

/** Reads `body` as `format` (detected when "auto"). Throws StatusFeedError, or FeedError for broken XML. */
export function parseStatusFeed(body: string, format: FeedFormat | "auto", now: number): FeedReport {
  const resolved = format === "auto" ? detectFormat(body) : format;
  const limit = resolved === "rss" || resolved === "azure-rss" ? XML_FEED_LIMIT : JSON_FEED_LIMIT;
  if (body.length > limit) throw new StatusFeedError(`larger than ${limit / 1024} KiB, the most read`);
  switch (resolved) {
    case "statuspage":
      return statuspageReport(parseJson(body));
    case "aws-health":
      return awsReport(parseJson(body));
    case "gcp-incidents":
      return gcpReport(parseJson(body), now);
    case "rss":
    case "azure-rss":
      return rssReport(body, resolved, now);
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new StatusFeedError(`not JSON: ${(error as Error).message}`, { cause: error });
  }
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const time = (v: unknown): number | null => {
  const t = typeof v === "string" ? Date.parse(v) : Number.NaN;
  return Number.isNaN(t) ? null : t;
};

const VENDOR_STATUS: Record<string, Status> = {
  operational: "up",
  degraded_performance: "degraded",
  partial_outage: "degraded",
  major_outage: "down",
  under_maintenance: "degraded",
};

function statuspageReport(json: unknown): FeedReport {
  if (!isObject(json) || !Array.isArray(json.components))
    throw new StatusFeedError("not a Statuspage v2 summary (no components array)");
  const components = json.components.filter(isObject).map((c) => ({
    name: str(c.name).trim(),
    status: VENDOR_STATUS[str(c.status)] ?? "degraded",
  }));
  const incidents = list(json.incidents)
    .filter(isObject)
    .map((i) => ({
      title: str(i.name),
      status: str(i.status),
      impact: str(i.impact),
      components: list(i.components)
        .filter(isObject)
        .map((c) => str(c.name).trim()),
      startedAt: time(i.started_at) ?? time(i.created_at),
      updatedAt: time(i.updated_at),
      resolvedAt: time(i.resolved_at),
    }));
  return { format: "statuspage", components, incidents };
}

/**
 * AWS's `status` codes, inferred from its RSS title prefixes (the feed does not document them): 0 "Service
 * is operating normally", 1 "Informational message", 2 "Service degradation", 3 (archive only) disruption.
 */
const AWS_STATUS: Status[] = ["up", "degraded", "degraded", "down"];
const AWS_IMPACT = ["none", "minor", "major", "critical"];

function awsReport(json: unknown): FeedReport {
  if (!isObject(json) || !Array.isArray(json.current))
    throw new StatusFeedError("not AWS Health Dashboard data.json (no current array)");
  // `current` holds the open events and those resolved but not yet archived; the latest post per service wins.
  const byService = new Map<string, FeedComponent & { at: number }>();
  const incidents: FeedIncident[] = [];
  for (const item of json.current.filter(isObject)) {
    const service = str(item.service);
    if (!service) continue;
    const code = Number(str(item.status));
    const summary = str(item.summary);
    const resolved = code === 0 || summary.startsWith("[RESOLVED]");
    const status = resolved ? "up" : (AWS_STATUS[code] ?? "degraded");
    const started = Number(str(item.date)) * 1000 || null;
    const updated = started === null ? null : lastAwsUpdate(str(item.description), started);
    const at = updated ?? started ?? 0;
    const seen = byService.get(service);
    if (!seen || at >= seen.at)
      byService.set(service, { name: service, status, at, cloud: { provider: "aws", ...awsKey(service) } });
    incidents.push({
      title: summary,
      status: resolved ? "resolved" : "investigating",
      impact: AWS_IMPACT[code] ?? "minor",
      components: [service],
      startedAt: started,
      updatedAt: updated,
      resolvedAt: resolved ? updated : null,
    });
  }
  const components = [...byService.values()].map(({ at: _, ...c }) => c);
  return { format: "aws-health", components, incidents };
}

/** `ec2-us-east-1` → service ec2, region us-east-1; a key with no region suffix is a global service. */
export function awsKey(key: string): { service: string; region?: string } {
  const m = /^(.+?)-((?:[a-z]{2}-gov|[a-z]{2})-[a-z]+-\d+)$/.exec(key);
  if (m) return { service: m[1]!, region: m[2]! };
  // The S3 of us-east-1 kept its old name "US Standard".
  if (key === "s3-us-standard") return { service: "s3", region: "us-east-1" };
  return { service: key };
}

const PACIFIC: Record<string, number> = { PST: -8, PDT: -7 };

/**
 * The time of an AWS event's latest update: its description is one `<div>` per update, each starting with a
 * Pacific wall time in a yellow span and no date (" 8:49 AM PST"), oldest first. Each is taken on the
 * first day that puts it no earlier than the event's first post; the latest wins.
 */
function lastAwsUpdate(description: string, started: number): number | null {
  let latest: number | null = null;
  // Only the stamps in the spans: the prose quotes times too (ec2-us-east-1, 2021-12-07: "Between 7:32 AM
  // and 3:10 PM PST we experienced …", posted at 3:31 PM).
  for (const m of description.matchAll(/yellowfg">\s*(\d{1,2}):(\d{2}) (AM|PM) (PST|PDT)/g)) {
    const hour = (Number(m[1]) % 12) + (m[3] === "PM" ? 12 : 0);
    const offset = PACIFIC[m[4]!]! * 3600_000;
    const local = started + offset;
    const day = local - (((local % 86_400_000) + 86_400_000) % 86_400_000);
    let at = day + (hour * 60 + Number(m[2])) * 60_000 - offset;
    // Updates are stamped to the minute, the first post to the second: the first update is the post itself.
    while (at < started - 60_000) at += 86_400_000;
    at = Math.max(at, started);
    if (latest === null || at > latest) latest = at;
  }
  return latest;
}

const GCP_STATUS: Record<string, Status> = {
  AVAILABLE: "up",
  SERVICE_INFORMATION: "degraded",
  SERVICE_DISRUPTION: "degraded",
  SERVICE_OUTAGE: "down",
};
const GCP_IMPACT: Record<string, string> = { low: "minor", medium: "major", high: "critical" };

function gcpReport(json: unknown, now: number): FeedReport {
  if (!Array.isArray(json)) throw new StatusFeedError("not Google Cloud incidents.json (not an array)");
  const worst = new Map<string, FeedComponent>();
  const incidents: FeedIncident[] = [];
  const put = (c: FeedComponent) => {
    const key = `${c.cloud?.service}@${c.cloud?.region ?? ""}`;
    const seen = worst.get(key);
    if (!seen || RANK[c.status] > RANK[seen.status]) worst.set(key, c);
  };
  for (const incident of json.filter(isObject)) {
    const ended = time(incident.end);
    // The feed is a rolling year: only open incidents, and those ended within the day, say anything now.
    if (ended !== null && now - ended > RECENT_MS) continue;
    const latest = isObject(incident.most_recent_update) ? incident.most_recent_update : {};
    const open =
      ended === null ? (GCP_STATUS[str(latest.status) || str(incident.status_impact)] ?? "degraded") : "up";
    const products = list(incident.affected_products)
      .filter(isObject)
      .map((p) => str(p.title));
    const names: string[] = [];
    const each = (locations: unknown, status: Status) => {
      for (const location of list(locations).filter(isObject))
        for (const product of products) {
          const region = str(location.id);
          const name = `${product} (${region})`;
          names.push(name);
          put({ name, status, cloud: { provider: "gcp", service: product, region } });
        }
    };
    each(incident.currently_affected_locations, open);
    each(incident.previously_affected_locations, "up");
    incidents.push({
      title: str(incident.external_desc),
      status: ended === null ? "investigating" : "resolved",
      impact: GCP_IMPACT[str(incident.severity)] ?? "minor",
      components: names,
      startedAt: time(incident.begin),
      updatedAt: time(incident.modified),
      resolvedAt: ended,
    });
  }
  return { format: "gcp-incidents", components: [...worst.values()], incidents };
}

const RANK: Record<Status, number> = { up: 0, degraded: 1, down: 2 };
const RESOLVED = /\b(resolved|completed|postmortem|mitigated)\b/i;

/**
 * RSS/Atom: each entry updated within RECENT_MS is an incident, resolved when its latest status says so. An
 * AWS per-service feed names its service in each guid (`…/#ec2-us-east-1_1638895771`); Azure's feed lists
 * only active events, so each of its entries is open and names its services and regions in its text.
 */
function rssReport(body: string, format: "rss" | "azure-rss", now: number): FeedReport {
  const entries = parseFeed(body);
  const incidents: FeedIncident[] = [];
  const components = new Map<string, FeedComponent & { at: number }>();
  for (const entry of entries) {
    // Entries after `now` are skipped too (a feed read back in time; five minutes for clock skew).
    if (!(now - entry.updated <= RECENT_MS) || entry.updated > now + 300_000) continue;
    const aws = /status\.aws\.amazon\.com\/#([a-z0-9-]+)_\d+/.exec(entry.guid ?? "");
    const resolved =
      format === "azure-rss"
        ? false
        : aws
          ? /^Service is operating normally/.test(entry.title)
          : RESOLVED.test(latestStatus(entry.text) ?? entry.title);
    const named: string[] = [];
    if (aws) {
      const service = aws[1]!;
      named.push(service);
      const seen = components.get(service);
      if (!seen || entry.updated >= seen.at)
        components.set(service, {
          name: service,
          status: resolved ? "up" : "degraded",
          at: entry.updated,
          cloud: { provider: "aws", ...awsKey(service) },
        });
    }
    const incident: FeedIncident = {
      title: entry.title,
      status: resolved ? "resolved" : "investigating",
      impact: resolved ? "none" : "minor",
      components: named,
      startedAt: null,
      updatedAt: entry.updated || null,
      resolvedAt: resolved ? entry.updated : null,
    };
    if (format === "azure-rss") incident.text = entry.text;
    incidents.push(incident);
  }
  const list = [...components.values()].map(({ at: _, ...c }) => c);
  return { format, components: list, incidents };
}

/**
 * The status of an incident's latest update: the first `<strong>…</strong>` holding plain text (Statuspage
 * feeds write "<strong>Resolved</strong> - …" newest first). A scan, not a regular expression: the
 * obvious one backtracks quadratically on an unclosed `<strong>` followed by spaces.
 */
export function latestStatus(text: string): string | undefined {
  const open = /<strong>/gi;
  for (let m = open.exec(text); m !== null; m = open.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf("<", start);
    if (end < 0) return undefined;
    if (end > start && text.slice(end, end + 9).toLowerCase() === "</strong>")
      return text.slice(start, end).trim();
    open.lastIndex = end;
  }
  return undefined;
}
