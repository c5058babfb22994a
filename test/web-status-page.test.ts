/**
 * The public status page in a real browser (Debian's Chromium via playwright-core), served by the real app over
 * a real hub (SQLite, the example model, a resolved incident from a previous run), not logged in: the feeds
 * are linked in the head (where feed readers look) and visibly, and each incident carries the anchor the
 * feeds' entries link to. Screenshots go to $EPICENTER_SCREENSHOTS (default: a temp folder).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Listening, listen } from "../src/server/serve-http.js";
import { createApp } from "../src/server/server-app.js";
import { browserMissing, ensureWebBuild, launchChromium } from "./browser-fixture.js";
import { incident, openServerHub, type ServerHub } from "./server-hub.js";

const SHOTS = process.env.EPICENTER_SCREENSHOTS ?? join(tmpdir(), "epicenter-screenshots");
const NOW = Date.now();
const HOUR = 3_600_000;

let dir: string;
let served: ServerHub;
let http: Listening;
let browser: BrowserContext;
let page: Page;
const problems: string[] = [];

describe.skipIf(browserMissing("web-status-page"))("the public status page", () => {
  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), "epicenter-web-status-"));
    served = await openServerHub({
      now: NOW,
      incidents: [incident("inc-1", NOW - 30 * HOUR, NOW - 29 * HOUR, "aws/us-east-1")],
    });
    const app = createApp({ hub: served.hub, auth: { anonymousRead: false }, now: () => served.now });
    http = await listen(app, { port: 0, host: "127.0.0.1" });
    browser = await launchChromium(join(dir, "profile"));
    page = await browser.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await served?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("links its Atom and RSS feeds in the head and visibly, and anchors each incident", async () => {
    await page.goto(`${http.url}/status`);
    await page.getByTestId("status-banner").waitFor({ timeout: 15_000 });
    const alternates = await page
      .locator('head link[rel="alternate"]')
      .evaluateAll((links) => links.map((l) => [l.getAttribute("type"), l.getAttribute("href")]));
    expect(alternates).toEqual([
      ["application/atom+xml", "/status/feed.atom"],
      ["application/rss+xml", "/status/feed.rss"],
    ]);
    const feeds = page.getByTestId("status-feeds");
    expect(await feeds.getByRole("link", { name: "Atom feed" }).getAttribute("href")).toBe(
      "/status/feed.atom",
    );
    expect(await feeds.getByRole("link", { name: "RSS feed" }).getAttribute("href")).toBe("/status/feed.rss");
    // The feeds' entries link to #incident-<id>: the page has it.
    expect(await page.locator("#incident-inc-1").textContent()).toMatch(/is likely failing/);
    const res = await page.request.get(`${http.url}/status/feed.atom`);
    expect(res.status()).toBe(200);
    expect(await res.text()).toContain("#incident-inc-1");
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "status-feeds.png"), fullPage: true });
  }, 60_000);
});
