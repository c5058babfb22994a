/** Status pages (a Statuspage v2 summary and an Atom feed served locally) and heartbeat judgement. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HeartbeatCheck, StatuspageCheck } from "../src/probe/check-types.js";
import { heartbeatStatus } from "../src/probe/heartbeat-status.js";
import { runCheck } from "../src/probe/run-check.js";
import { fromFeed, parseFeed, RECENT_INCIDENT_MS } from "../src/probe/statuspage-check.js";
import { checkBase, close, closedPort, httpServer, listen, probeCtx } from "./probe-fixtures.js";

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

describe("statuspage checks", () => {
  const bodies: Record<string, [string, string]> = {
    "/api/v2/summary.json": ["application/json", JSON.stringify(summary)],
    "/history.atom": ["application/atom+xml", openIncident],
    "/quiet.atom": ["application/atom+xml", atom([])],
    "/garbage.json": ["application/json", "<html>maintenance</html>"],
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
