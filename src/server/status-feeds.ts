/**
 * The status page's incidents as feeds to subscribe to: /status/feed.atom (Atom, RFC 4287) and
 * /status/feed.rss (RSS 2.0). The same 50 incidents as /status/api/v2/incidents.json, in its words: each
 * update an entry titled with its status and the named cause ("Identified: AWS us-east-1 is likely
 * failing"), every entry of a resolved incident marked with the category `resolved`. Beside them the
 * maintenance windows of scheduled-maintenances.json (a week back, two weeks ahead), one entry per step
 * (scheduled, in progress, completed), marked with the category `maintenance`. Public and cacheable like
 * the badges; every text escaped (xml-text.ts).
 */
import type { Context } from "hono";
import type { Hub } from "../hub/hub-api.js";
import { UPCOMING_MS } from "../model/maintenance-schedule.js";
import { iso } from "./api-render.js";
import { MAINTENANCE_KEPT_MS, scheduledMaintenanceJson } from "./maintenance-json.js";
import { modelIndex } from "./model-routes.js";
import { cacheable } from "./public-cache.js";
import { defineRoute, type Route } from "./route-table.js";
import { componentsById, incidentJson, page, publicUpdates, services } from "./status-page-data.js";
import { xmlText } from "./xml-text.js";

const STATUS_WORDS: Record<string, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

const MAINTENANCE_WORDS: Record<string, string> = {
  scheduled: "Scheduled maintenance",
  in_progress: "Maintenance in progress",
  completed: "Maintenance completed",
};

const affected = (components: readonly { name: string }[]) =>
  components.length > 0 ? ` Affected: ${components.map((s) => s.name).join(", ")}.` : "";

interface FeedEntry {
  id: string;
  title: string;
  text: string;
  at: string;
  /** The incident on the status page. */
  link: string;
  resolved: boolean;
  /** A maintenance window's step rather than an incident's update. */
  maintenance: boolean;
}

interface Feed {
  pageUrl: string;
  updatedAt: string;
  entries: FeedEntry[];
}

/** The status page's recent incidents, one entry per update, newest first. */
async function feed(c: Context, hub: Hub, at: number, publicUrl: string | undefined): Promise<Feed> {
  const { byId } = modelIndex(hub);
  const shown = componentsById(services(hub), iso(at));
  const pageUrl = page(c, at, publicUrl).url;
  const recent = await hub.incidents({ limit: 50 });
  const human = await publicUpdates(hub, recent);
  const incidents = recent
    .map((i) => incidentJson(i, byId, shown, human.get(i.id)))
    .flatMap((incident) =>
      incident.incident_updates.map((u) => ({
        id: `urn:epicenter:incident:${encodeURIComponent(incident.id)}:update:${encodeURIComponent(u.id)}`,
        title: `${STATUS_WORDS[u.status] ?? u.status}: ${incident.name}`,
        text: u.body + affected(incident.components),
        at: u.display_at,
        link: `${pageUrl}#incident-${encodeURIComponent(incident.id)}`,
        resolved: incident.resolved_at !== null,
        maintenance: false,
      })),
    );
  const planned = hub.maintenance
    .windows(at - MAINTENANCE_KEPT_MS, at + UPCOMING_MS)
    .map((w) => scheduledMaintenanceJson(w, at, shown, pageUrl))
    .flatMap((m) =>
      m.incident_updates.map((u) => ({
        id: `urn:epicenter:maintenance:${encodeURIComponent(m.id)}:${u.status}`,
        title: `${MAINTENANCE_WORDS[u.status]}: ${m.name}`,
        text: u.body + affected(m.components),
        at: u.display_at,
        link: `${pageUrl}#maintenance-${encodeURIComponent(m.id)}`,
        resolved: false,
        maintenance: true,
      })),
    );
  const entries = [...incidents, ...planned].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return { pageUrl, updatedAt: entries[0]?.at ?? new Date(at).toISOString(), entries };
}

const TITLE = "Epicenter status: incidents and maintenance";

function atom(f: Feed): string {
  const x = xmlText;
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom">`,
    `<id>${x(`${f.pageUrl}/feed.atom`)}</id>`,
    `<title>${TITLE}</title>`,
    `<updated>${f.updatedAt}</updated>`,
    `<author><name>Epicenter</name></author>`,
    `<link rel="self" type="application/atom+xml" href="${x(`${f.pageUrl}/feed.atom`)}"/>`,
    `<link rel="alternate" type="text/html" href="${x(f.pageUrl)}"/>`,
    ...f.entries.map((e) =>
      [
        `<entry>`,
        `<id>${x(e.id)}</id>`,
        `<title type="text">${x(e.title)}</title>`,
        `<updated>${e.at}</updated>`,
        `<published>${e.at}</published>`,
        `<link rel="alternate" type="text/html" href="${x(e.link)}"/>`,
        e.resolved ? `<category term="resolved" label="Resolved"/>` : "",
        e.maintenance ? `<category term="maintenance" label="Maintenance"/>` : "",
        `<content type="text">${x(e.text)}</content>`,
        `</entry>`,
      ].join(""),
    ),
    `</feed>`,
  ].join("\n");
}

function rss(f: Feed): string {
  const x = xmlText;
  const date = (at: string) => new Date(at).toUTCString(); // RFC 822, as RSS 2.0 asks
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">`,
    `<channel>`,
    `<title>${TITLE}</title>`,
    `<link>${x(f.pageUrl)}</link>`,
    `<description>Incidents and maintenance of the services on this status page, each update an item</description>`,
    `<atom:link rel="self" type="application/rss+xml" href="${x(`${f.pageUrl}/feed.rss`)}"/>`,
    `<lastBuildDate>${date(f.updatedAt)}</lastBuildDate>`,
    ...f.entries.map((e) =>
      [
        `<item>`,
        `<title>${x(e.title)}</title>`,
        `<link>${x(e.link)}</link>`,
        `<description>${x(e.text)}</description>`,
        `<guid isPermaLink="false">${x(e.id)}</guid>`,
        `<pubDate>${date(e.at)}</pubDate>`,
        e.resolved ? `<category>resolved</category>` : "",
        e.maintenance ? `<category>maintenance</category>` : "",
        `</item>`,
      ].join(""),
    ),
    `</channel>`,
    `</rss>`,
  ].join("\n");
}

export function feedRoutes(publicUrl?: string): Route[] {
  return [
    defineRoute({
      method: "GET",
      path: "/status/feed.atom",
      access: "public",
      tag: "status page",
      summary:
        "Public, no token: the status page's 50 most recent incidents as an Atom feed, one entry per update, resolved ones marked; maintenance windows (a week back, two weeks ahead) beside them, one entry per step",
      produces: "application/atom+xml",
      responses: { 200: "Atom 1.0", 304: "Not modified (If-None-Match)" },
      handler: async ({ c, hub, now }) =>
        cacheable(c, atom(await feed(c, hub, now(), publicUrl)), "application/atom+xml; charset=utf-8"),
    }),
    defineRoute({
      method: "GET",
      path: "/status/feed.rss",
      access: "public",
      tag: "status page",
      summary:
        "Public, no token: the status page's 50 most recent incidents as an RSS 2.0 feed, one item per update, resolved ones marked; maintenance windows (a week back, two weeks ahead) beside them, one item per step",
      produces: "application/rss+xml",
      responses: { 200: "RSS 2.0", 304: "Not modified (If-None-Match)" },
      handler: async ({ c, hub, now }) =>
        cacheable(c, rss(await feed(c, hub, now(), publicUrl)), "application/rss+xml; charset=utf-8"),
    }),
  ];
}
