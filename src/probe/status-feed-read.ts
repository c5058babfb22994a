/**
 * Fetches a status feed through the probes' target guard and says what it reports now, in catalog terms:
 * what `epicenter check --statuspage URL` prints, so a user sees the mapping before configuring a check.
 */
import type { StatuspageCheck } from "./check-types.js";
import { catalogIndex, type MappedComponent, mapReport } from "./feed-catalog.js";
import { guardedFetch } from "./http-check.js";
import type { ProbeContext } from "./probe-context.js";
import { ProbeError } from "./probe-errors.js";
import { type FeedFormat, JSON_FEED_LIMIT, parseStatusFeed, XML_FEED_LIMIT } from "./status-feed-parse.js";

export interface StatusFeedView {
  format: FeedFormat;
  components: MappedComponent[];
  incidents: {
    title: string;
    status: string;
    impact: string;
    components: string[];
    /** ISO 8601, or null when the feed gives no time. */
    updatedAt: string | null;
  }[];
}

/**
 * Reads `url` as `format` (auto: from the body), with `components` (vendor name → ours) over the catalog's
 * ids. Throws ProbeError (fetch, guard, HTTP status), StatusFeedError or FeedError (unreadable body).
 */
export async function readStatusFeed(
  url: string,
  format: StatuspageCheck["format"],
  ctx: ProbeContext,
  components: Record<string, string> = {},
  now = Date.now(),
): Promise<StatusFeedView> {
  const xml = format === "rss" || format === "feed" || format === "azure-rss";
  const limit = xml ? XML_FEED_LIMIT : JSON_FEED_LIMIT;
  const response = await guardedFetch(
    {
      url,
      method: "GET",
      headers: { accept: "application/json, application/atom+xml, application/rss+xml" },
      followRedirects: true,
      maxRedirects: 5,
      tlsVerify: true,
    },
    ctx,
    { total: 0 },
    true,
    limit,
  );
  if (response.status < 200 || response.status > 299)
    throw new ProbeError(response.status >= 500 ? "http-5xx" : "http-4xx", `HTTP ${response.status}`);
  if (response.truncated) throw new ProbeError("protocol", `larger than ${limit / 1024} KiB, the most read`);
  const report = parseStatusFeed(response.body, format === "feed" ? "rss" : format, now);
  const mapped = mapReport(report, components, catalogIndex());
  return {
    format: report.format,
    components: mapped,
    incidents: report.incidents.map((i) => ({
      title: i.title,
      status: i.status,
      impact: i.impact,
      components: i.components,
      updatedAt: i.updatedAt === null ? null : new Date(i.updatedAt).toISOString(),
    })),
  };
}
