/**
 * The public status page in a real browser (Debian's Chromium via playwright-core), served by the real app over
 * a real hub (SQLite, the example model, days of history and a resolved incident from a previous run), not
 * logged in: the feeds are linked in the head (where feed readers look) and visibly, and each incident carries
 * the anchor the feeds' entries link to; each service has 90 daily bars whose day (uptime, or unknown where no
 * vantage saw it, and incidents) shows on hover and with the arrow keys, in words a screen reader gets too;
 * no serious axe-core violation. Screenshots go to $EPICENTER_SCREENSHOTS (default: a temp folder).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Observation } from "../src/model/observation.js";
import { type Listening, listen } from "../src/server/serve-http.js";
import { createApp } from "../src/server/server-app.js";
import { browserMissing, ensureWebBuild, launchChromium } from "./browser-fixture.js";
import { incident, observation, openServerHub, type ServerHub } from "./server-hub.js";

const SHOTS = process.env.EPICENTER_SCREENSHOTS ?? join(tmpdir(), "epicenter-screenshots");
const NOW = Date.now();
const HOUR = 3_600_000;
const DAY = 86_400_000;
const TODAY = Math.floor(NOW / DAY) * DAY;
const date = (ago: number) => new Date(TODAY - ago * DAY).toISOString().slice(0, 10);

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
      // Three days ago, from 12:00 to 14:00.
      incidents: [
        incident("inc-1", TODAY - 3 * DAY + 12 * HOUR, TODAY - 3 * DAY + 14 * HOUR, "aws/us-east-1"),
      ],
    });
    // Public API: seen and up all day five days ago; seen by no vantage four days ago; three days ago up
    // until noon and down for the incident's two hours, then not seen.
    const batch: Observation[] = [];
    const seen = (day: number, hour: number, status: Observation["status"]) => {
      for (const vantage of ["probe/us-east", "probe/eu-west"])
        batch.push(
          observation(`${vantage}-${day}-${hour}`, day + hour * HOUR + 60_000, {
            vantage,
            status,
            errorClass: status === "down" ? "http-5xx" : null,
          }),
        );
    };
    for (let h = 0; h < 24; h++) seen(TODAY - 5 * DAY, h, "up");
    for (let h = 0; h < 14; h++) seen(TODAY - 3 * DAY, h, h < 12 ? "up" : "down");
    await served.ingest(batch);
    await served.store.rollup(TODAY - 6 * DAY, TODAY - 2 * DAY);
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

  it("draws 90 daily bars per service: hover or arrow keys show the day's uptime, unknown days and incidents", async () => {
    await page.goto(`${http.url}/status`);
    const api = page.locator(".status-list li", { hasText: "Public API" });
    const slider = api.getByRole("slider", { name: "Public API, daily uptime of the last 90 days" });
    await slider.waitFor({ timeout: 15_000 });
    expect(await slider.locator(".uptime-bar").count()).toBe(90);
    const bar = (ago: number) => slider.locator(`[data-date="${date(ago)}"]`);
    expect(await bar(5).getAttribute("class")).toMatch(/\bs-up\b/);
    expect(await bar(4).getAttribute("class")).toMatch(/\bs-unknown\b/);
    expect(await bar(3).getAttribute("class")).toMatch(/\bs-down\b/);
    const day = api.getByTestId("uptime-day");
    await bar(3).hover();
    await expect
      .poll(() => day.textContent())
      .toMatch(
        /: 85\.71% up \(seen 14 of 24 hours\); incident: AWS US East \(N\. Virginia\) \(us-east-1\) is likely failing$/,
      );
    await bar(4).hover();
    await expect.poll(() => day.textContent()).toMatch(/: unknown, no vantage could see it; no incidents$/);
    // The keyboard: one Tab stop, arrows move a day, End is today; the value text is what a screen reader says.
    await slider.focus();
    await page.keyboard.press("End");
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowLeft");
    await expect.poll(() => day.textContent()).toMatch(/: 100% up; no incidents$/);
    expect(await slider.getAttribute("aria-valuetext")).toBe(await day.textContent());
    expect(await slider.getAttribute("aria-valuenow")).toBe("85");
    // Over the period: 36 of the 38 seen hours up; the 88 days nobody saw are not counted as up.
    expect(await api.locator(".uptime-summary").textContent()).toBe(
      "94.73% uptime over 90 days (88 days no vantage could see, not counted)",
    );
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(
      violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
    ).toEqual([]);
    expect(problems).toEqual([]);
    await bar(3).hover();
    await page.screenshot({ path: join(SHOTS, "status-history.png"), fullPage: true });
  }, 60_000);
});
