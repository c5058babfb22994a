/** Status pages (a Statuspage v2 summary and an Atom feed served locally) and heartbeat judgement. */
import { readFileSync } from "node:fs";
import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HeartbeatCheck, StatuspageCheck } from "../src/probe/check-types.js";
import { parseFeed } from "../src/probe/feed-parse.js";
import { heartbeatStatus } from "../src/probe/heartbeat-status.js";
import { runCheck } from "../src/probe/run-check.js";
import { fromFeed, RECENT_INCIDENT_MS } from "../src/probe/statuspage-check.js";
import { checkBase, close, closedPort, httpServer, listen, probeCtx } from "./probe-fixtures.js";
import { realDataMissing, SHARED_REAL_DATA } from "./shared-paths.js";

const summary = {
  page: { id: "x", name: "Vendor" },
  status: { indicator: "major", description: "Partial System Outage" },
  components: [
    { id: "c1", name: "API", status: "operational" },
    { id: "c2", name: "Dashboard", status: "degraded_performance" },
    { id: "c3", name: "Webhooks", status: "partial_outage" },
    { id: "c4", name: "Payments", status: "major_outage" },
  ],
};

const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
const atom = (entries: { title: string; html: string; msAgo: number }[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Vendor Status</title>${entries
    .map(
      (e) =>
        `<entry><title>${e.title}</title><updated>${iso(e.msAgo)}</updated><content type="html">${e.html
          .replace(/&/g, "&amp;")
          .replace(/</g, "&lt;")
          .replace(/>/g, "&gt;")}</content></entry>`,
    )
    .join("")}</feed>`;

const openIncident = atom([
  {
    title: "Elevated API errors",
    html: "<p><strong>Investigating</strong> - API errors in EU.</p>",
    msAgo: 60_000,
  },
  {
    title: "Webhook delays",
    html: "<p><strong>Resolved</strong> - fixed.</p><p><strong>Investigating</strong> - delays.</p>",
    msAgo: 60_000,
  },
  {
    title: "Old dashboard issue",
    html: "<p><strong>Monitoring</strong> - watching.</p>",
    msAgo: 3 * RECENT_INCIDENT_MS,
  },
]);

// 350 KiB of unclosed <item> tags: the regular-expression parser took ~5 s of event loop on it.
const hostileFeed = `<?xml version="1.0"?><rss version="2.0"><channel>${"<item>".repeat((350 * 1024) / 6)}`;

describe("statuspage checks", () => {
  const bodies: Record<string, [string, string]> = {
    "/api/v2/summary.json": ["application/json", JSON.stringify(summary)],
    "/history.atom": ["application/atom+xml", openIncident],
    "/quiet.atom": ["application/atom+xml", atom([])],
    "/garbage.json": ["application/json", "<html>maintenance</html>"],
    "/hostile.rss": ["application/rss+xml", hostileFeed],
    "/huge.rss": ["application/rss+xml", `<rss><channel>${" ".repeat(1536 * 1024)}</channel></rss>`],
  };
  const server = httpServer((req, res) => {
    const found = bodies[req.url ?? ""];
    if (!found) return res.writeHead(503).end();
    res.setHeader("content-type", found[0]).end(found[1]);
  });
  let base = "";
  beforeAll(async () => {
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => close(server));
  const page = (path: string, extra: Partial<StatuspageCheck> = {}): StatuspageCheck => ({
    ...checkBase("saas/vendor"),
    type: "statuspage",
    url: `${base}${path}`,
    format: path.endsWith(".json") ? "statuspage" : "feed",
    components: {},
    ...extra,
  });

  it("maps each vendor component to ours", async () => {
    const components = {
      API: "saas/vendor/api",
      dashboard: "saas/vendor/dashboard",
      Webhooks: "saas/vendor/webhooks",
      c4: "saas/vendor/payments",
      Search: "saas/vendor/search",
    };
    const r = await runCheck(page("/api/v2/summary.json", { components }), probeCtx());
    expect(r.components).toEqual([
      { component: "saas/vendor/api", status: "up" },
      { component: "saas/vendor/dashboard", status: "degraded" },
      { component: "saas/vendor/webhooks", status: "degraded" },
      { component: "saas/vendor/payments", status: "down" },
    ]);
    expect(r).toMatchObject({ status: "down", errorClass: "reported" });
    expect(r.message).toContain('"Search" is not on the page');
  });

  it("uses the page's indicator for the check's component when nothing is mapped", async () => {
    const r = await runCheck(page("/api/v2/summary.json"), probeCtx());
    expect(r.components).toEqual([{ component: "saas/vendor", status: "degraded" }]);
  });

  it("takes no evidence from a page that is down or unreadable", async () => {
    for (const path of ["/missing.json", "/garbage.json"]) {
      const r = await runCheck(page(path, { components: { API: "saas/vendor/api" } }), probeCtx());
      expect(r.components).toEqual([]);
      expect(r.message).toContain("no evidence");
    }
    const refused = await runCheck(
      page("/x.json", { url: `http://127.0.0.1:${await closedPort()}/x.json` }),
      probeCtx(),
    );
    expect(refused).toMatchObject({ components: [], errorClass: "connect-refused" });
  });

  it("degrades the components an unresolved recent feed incident names", async () => {
    const components = {
      API: "saas/vendor/api",
      Webhooks: "saas/vendor/webhooks",
      Dashboard: "saas/vendor/dashboard",
    };
    const r = await runCheck(page("/history.atom", { components }), probeCtx());
    expect(r.components).toEqual([
      { component: "saas/vendor/api", status: "degraded" },
      { component: "saas/vendor/webhooks", status: "up" },
      { component: "saas/vendor/dashboard", status: "up" },
    ]);
    expect(r).toMatchObject({ status: "degraded", errorClass: "reported" });
    const quiet = await runCheck(page("/quiet.atom", { components }), probeCtx());
    expect(quiet.status).toBe("up");
    expect(quiet.components?.every((c) => c.status === "up")).toBe(true);
  });

  it("reads RSS too, and degrades the check's own component when the incident names none", () => {
    const rss = `<rss version="2.0"><channel><title>Status</title><item><title>Login failures</title><pubDate>${new Date(
      Date.now() - 1000,
    ).toUTCString()}</pubDate><description><![CDATA[<strong>Identified</strong> - a bad deploy]]></description></item></channel></rss>`;
    expect(parseFeed(rss)).toHaveLength(1);
    const judged = fromFeed(page("/rss"), rss, Date.now());
    expect(judged.components).toEqual([{ component: "saas/vendor", status: "degraded" }]);
  });

  it("reads an update's status in linear time, even after an unclosed <strong> and a long run of spaces", () => {
    // The old /<strong>\s*([^<]+?)\s*<\/strong>/ backtracked quadratically here (~20 s for this entry).
    const entry = (html: string) =>
      `<rss><channel><item><title>Outage</title><pubDate>${new Date().toUTCString()}</pubDate><description><![CDATA[${html}]]></description></item></channel></rss>`;
    const hostile = fromFeed(page("/rss"), entry(`<strong>x${" ".repeat(200_000)}`), Date.now());
    expect(hostile.notes).toEqual(["open incident: Outage"]);
    const updates = [
      "<p><STRONG> Resolved </strong> - done</p>",
      "<strong></strong><strong>Completed</strong>",
    ];
    for (const html of updates) expect(fromFeed(page("/rss"), entry(html), Date.now()).notes).toEqual([]);
    const stillOpen = "<strong><em>Resolved</em></strong><strong>Monitoring</strong> - was resolved";
    expect(fromFeed(page("/rss"), entry(stillOpen), Date.now()).notes).toEqual(["open incident: Outage"]);
  });

  it("takes no evidence from a hostile feed of unclosed items, and says where it broke", async () => {
    const r = await runCheck(page("/hostile.rss", { components: { API: "saas/vendor/api" } }), probeCtx());
    expect(r).toMatchObject({ status: "up", errorClass: "protocol", components: [] });
    expect(r.message).toMatch(/not well-formed XML: 1:\d+: unclosed tag: item.*no evidence/);
    const huge = await runCheck(page("/huge.rss"), probeCtx());
    expect(huge).toMatchObject({ errorClass: "protocol", components: [] });
    expect(huge.message).toContain("status page unreadable (larger than 1024 KiB, the most read)");
  });
});

describe("parseFeed", () => {
  it("refuses unclosed items, a feed over the size cap and a document that is no feed, by code", () => {
    expect(() => parseFeed(hostileFeed)).toThrow(expect.objectContaining({ code: "feed-malformed" }));
    const huge = `<rss><channel>${" ".repeat(1024 * 1024)}</channel></rss>`;
    expect(() => parseFeed(huge)).toThrow(expect.objectContaining({ code: "feed-too-large" }));
    expect(() => parseFeed("<html><item></item></html>")).toThrow(
      expect.objectContaining({ code: "feed-not-a-feed" }),
    );
  });

  it("keeps markup nested in an Atom xhtml entry, and reads only each entry's own fields", () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><source><title>Other feed</title></source>
      <title>Outage</title><updated>2021-12-07T16:00:00Z</updated>
      <content type="xhtml"><div><strong>Resolved</strong> - fixed &amp; done</div></content></entry></feed>`;
    expect(parseFeed(xml)).toEqual([
      {
        title: "Outage",
        text: "<div><strong>Resolved</strong> - fixed & done</div>",
        updated: Date.parse("2021-12-07T16:00:00Z"),
      },
    ]);
  });

  test.prop([
    fc.string({
      unit: fc.constantFrom("<", ">", "/", "item", "rss", "!", "[", "]", "&", ";", "a", " ", '"'),
    }),
  ])("returns entries or throws a FeedError for any text", (xml) => {
    try {
      expect(Array.isArray(parseFeed(xml))).toBe(true);
    } catch (error) {
      expect(error).toMatchObject({ name: "FeedError" });
    }
  });

  const awsFeed = "aws-health/rss/ec2-us-east-1.rss";
  const missing = realDataMissing(awsFeed);
  it.skipIf(missing !== null)(
    `reads AWS's real EC2 us-east-1 RSS feed item by item${missing ? ` (skipped: ${missing})` : ""}`,
    () => {
      const xml = readFileSync(SHARED_REAL_DATA + awsFeed, "utf8");
      const entries = parseFeed(xml);
      expect(entries).toHaveLength(15);
      expect(entries[0]).toMatchObject({
        title: "Service is operating normally: [RESOLVED] API Error Rates",
        updated: Date.parse("2021-12-23T00:22:00Z"),
      });
      expect(entries[0]?.text).toContain("(USE1-AZ4)");
      expect(entries[14]).toMatchObject({
        title: "Service degradation: [RESOLVED] Increased API Error Rates",
        updated: Date.parse("2021-12-07T16:49:31Z"),
      });
      expect(entries.every((e) => e.text.length > 0)).toBe(true);
      // Every item of the 2021-12-22 power event is resolved: at its last update the feed names no open incident.
      const check: StatuspageCheck = {
        ...checkBase("aws/us-east-1/ec2"),
        type: "statuspage",
        url: "https://status.aws.amazon.com/rss/ec2-us-east-1.rss",
        format: "feed",
        components: {},
      };
      const judged = fromFeed(check, xml, Date.parse("2021-12-23T00:30:00Z"));
      expect(judged).toEqual({ components: [{ component: "aws/us-east-1/ec2", status: "up" }], notes: [] });
      // A truncated download of it is refused, never half-read.
      expect(() => parseFeed(xml.slice(0, xml.length / 2))).toThrow(
        expect.objectContaining({ code: "feed-malformed" }),
      );
    },
  );
});

describe("heartbeatStatus", () => {
  const check: HeartbeatCheck = {
    ...checkBase("acme/nightly"),
    type: "heartbeat",
    token: "t".repeat(24),
    intervalMs: 60_000,
    graceMs: 30_000,
  };
  const t0 = 1_700_000_000_000;

  it("is up while beats come within interval + grace", () => {
    expect(heartbeatStatus(check, t0, t0 - 600_000, t0 + 90_000)).toMatchObject({
      status: "up",
      errorClass: null,
    });
    expect(heartbeatStatus(check, null, t0, t0 + 89_000).status).toBe("up");
  });

  it("is down (missed) when a beat is late, or the first never came", () => {
    const late = heartbeatStatus(check, t0, t0 - 600_000, t0 + 90_001);
    expect(late).toMatchObject({ status: "down", errorClass: "missed", latencyMs: 90_001 });
    expect(heartbeatStatus(check, null, t0, t0 + 120_000)).toMatchObject({
      status: "down",
      errorClass: "missed",
    });
  });
});
