/**
 * Maintenance on the public status page in a real browser (Debian's Chromium, in Asia/Kolkata so the
 * reader's zone differs from UTC by a half hour), over the real app and hub (SQLite, the example model):
 * an editor makes two windows through the API, one on now and one in two days whose title is markup; the
 * page (not logged in) shows them under "Maintenance in progress" and "Scheduled maintenance" with their
 * services, start and end in the reader's zone and in UTC, the title as text; summary.json lists them in
 * Statuspage's shape; no serious axe-core violation; and the dashboard's page of an incident that opened
 * within a window says so. The screenshot stays in the test's temp folder (its
 * path is logged); the browser profile beside it is removed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken } from "../src/server/auth-tokens.js";
import { type Listening, listen } from "../src/server/serve-http.js";
import { createApp } from "../src/server/server-app.js";
import { statusSummaryResponse } from "../src/server/status-responses.js";
import { browserMissing, ensureWebBuild, launchChromium } from "./browser-fixture.js";
import { incident, openServerHub, type ServerHub } from "./server-hub.js";

const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.now();
/** Two days ahead, 02:00 to 04:00 UTC: 07:30 to 09:30 in Kolkata (UTC+5:30). */
const LATER = Math.floor(NOW / DAY) * DAY + 2 * DAY + 2 * HOUR;
const HOSTILE = `<img src=x onerror="window.hacked=1"> DB failover & "reindex"`;

let dir: string;
let served: ServerHub;
let http: Listening;
let browser: BrowserContext;
let page: Page;
let editor: string;
const problems: string[] = [];

describe.skipIf(browserMissing("web-status-maintenance"))("maintenance on the public status page", () => {
  beforeAll(async () => {
    ensureWebBuild();
    dir = mkdtempSync(join(tmpdir(), "epicenter-web-maintenance-"));
    // Opened half an hour ago, while the API's window (from an hour ago) covered acme/api, which it hit.
    served = await openServerHub({
      now: NOW,
      incidents: [incident("inc-m", NOW - 30 * 60_000, NOW - 20 * 60_000, "aws/us-east-1")],
    });
    const app = createApp({ hub: served.hub, auth: { anonymousRead: false }, now: () => served.now });
    http = await listen(app, { port: 0, host: "127.0.0.1" });
    editor = (await createToken(served.store, { name: "ops", role: "editor", now: NOW })).secret;
    const make = async (body: object) => {
      const res = await fetch(`${http.url}/api/v1/maintenances`, {
        method: "POST",
        headers: { authorization: `Bearer ${editor}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
    };
    await make({
      title: "API node upgrade",
      components: ["acme/api", "acme/web"],
      start: new Date(NOW - HOUR).toISOString(),
      end: new Date(NOW + HOUR).toISOString(),
    });
    await make({
      title: HOSTILE,
      components: ["acme/search"],
      start: new Date(LATER).toISOString(),
      end: new Date(LATER + 2 * HOUR).toISOString(),
    });
    browser = await launchChromium(join(dir, "profile"), undefined, {
      timezoneId: "Asia/Kolkata",
      locale: "en-GB",
    });
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
    if (dir) rmSync(join(dir, "profile"), { recursive: true, force: true });
  });

  it("summary.json lists the windows on now and upcoming, in Statuspage's shape", async () => {
    const summary = statusSummaryResponse.parse(
      await (await fetch(`${http.url}/status/api/v2/summary.json`)).json(),
    );
    expect(
      summary.scheduled_maintenances.map((m) => [m.name, m.status, m.components.map((c) => c.name)]),
    ).toEqual([
      ["API node upgrade", "in_progress", ["Public API", "Web shop"]],
      [HOSTILE, "scheduled", ["Search"]],
    ]);
    expect(summary.scheduled_maintenances[1]?.scheduled_for).toBe(new Date(LATER).toISOString());
  });

  it("shows maintenance in progress and scheduled, in the reader's zone and UTC, titles as text", async () => {
    await page.goto(`${http.url}/status`);
    const active = page.getByRole("region", { name: "Maintenance in progress" });
    const upcoming = page.getByRole("region", { name: "Scheduled maintenance" });
    await active.waitFor({ timeout: 15_000 });
    const now = active.getByTestId("maintenance");
    expect(await now.count()).toBe(1);
    expect(await now.locator("h3").textContent()).toBe("API node upgrade in progress");
    expect(await now.textContent()).toContain("Affected: Public API, Web shop.");

    const later = upcoming.getByTestId("maintenance");
    expect(await later.count()).toBe(1);
    // The title is shown as the editor typed it, not run as markup.
    expect(await later.locator("h3").textContent()).toBe(`${HOSTILE} scheduled`);
    expect(await later.locator("img").count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { hacked?: number }).hacked)).toBeUndefined();
    expect(await later.textContent()).toContain("Affected: Search.");
    const utc = (t: number) => new Date(t).toISOString().replace("T", " ").slice(0, 19);
    const text = (await later.textContent()) ?? "";
    // Kolkata is UTC+5:30: 02:00Z reads 07:30 there, with the zone named, then UTC in brackets.
    expect(text).toMatch(new RegExp(`From .*07:30 GMT\\+5:30 \\(${utc(LATER)} UTC\\)`));
    expect(text).toMatch(new RegExp(`Until .*09:30 GMT\\+5:30 \\(${utc(LATER + 2 * HOUR)} UTC\\)`));
    expect(await later.locator("time").first().getAttribute("datetime")).toBe(new Date(LATER).toISOString());

    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(
      violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
    ).toEqual([]);
    expect(problems).toEqual([]);
    const shot = join(dir, "status-maintenance.png");
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`web-status-maintenance: screenshot ${shot}`);
  }, 60_000);

  it("the incident page of an incident that opened within a window names it", async () => {
    await page.goto(`${http.url}/login`);
    await page.getByRole("tab", { name: "API token" }).click();
    await page.getByLabel("Token", { exact: true }).fill(editor);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("button", { name: "Log out" }).waitFor();
    await page.goto(`${http.url}/incidents/inc-m`);
    const mark = page.getByTestId("incident-maintenance");
    await mark.waitFor({ timeout: 15_000 });
    expect(await mark.textContent()).toBe("It opened during planned maintenance: API node upgrade.");
    expect(problems).toEqual([]);
  }, 60_000);
});
