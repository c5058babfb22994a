/**
 * The dashboard's SLA page in a real browser (Debian's Chromium via playwright-core), served by the real app over
 * a real hub (SQLite, the example model) with rollups from known observations: the table gives the availability
 * a hand computation gives, unknown hours apart (a component no vantage saw reads "unknown", not 100%), the
 * incidents that cost it link to their pages, the window form changes the URL and the report, the CSV is there
 * to copy; no serious axe-core violation, no sideways scroll at 360 px.
 */
import { mkdtempSync, rmSync } from "node:fs";
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

const HOUR = 3_600_000;
const NOV1 = Date.parse("2026-11-01T00:00:00Z");
const NOV3 = NOV1 + 48 * HOUR;

let dir: string;
let served: ServerHub;
let http: Listening;
let browser: BrowserContext;
let page: Page;
const problems: string[] = [];

describe.skipIf(browserMissing("web-sla-page"))("the SLA page", () => {
  beforeAll(async () => {
    ensureWebBuild();
    dir = mkdtempSync(join(tmpdir(), "epicenter-web-sla-"));
    served = await openServerHub({
      now: Date.parse("2026-11-10T12:00:00Z"),
      incidents: [incident("inc-1", NOV3, NOV3 + 2 * HOUR, "aws/us-east-1")],
    });
    // acme/api: seen and up all of Nov 1, down from both vantages Nov 3 00:00-02:00, otherwise unseen:
    // 26 seen hours, 24 up: 92.30%; 46 of the 72 hours unknown.
    const batch: Observation[] = [];
    for (const vantage of ["probe/us-east", "probe/eu-west"]) {
      for (let h = 0; h < 24; h++)
        batch.push(
          observation(`${vantage}-1-${h}`, NOV1 + h * HOUR + 60_000, {
            vantage,
            status: "up",
            errorClass: null,
          }),
        );
      for (let h = 0; h < 2; h++)
        batch.push(observation(`${vantage}-3-${h}`, NOV3 + h * HOUR + 60_000, { vantage }));
    }
    await served.ingest(batch);
    await served.store.rollup(NOV1, NOV3 + 3 * HOUR);
    const app = createApp({ hub: served.hub, auth: { anonymousRead: true }, now: () => served.now });
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

  const cells = (id: string) => page.locator(`table.sla tr[data-id="${id}"] > *`).allTextContents();

  it("shows availability with unknown hours apart, and the incidents that cost it", async () => {
    await page.goto(`${http.url}/reports/sla?from=2026-11-01&to=2026-11-04`);
    await page.locator("table.sla tr[data-id='acme/api']").waitFor({ timeout: 15_000 });
    expect(await page.locator("table.sla caption").textContent()).toBe(
      "2026-11-01 00:00 to 2026-11-04 00:00 UTC",
    );
    expect(await cells("acme/api")).toEqual([
      "Public API",
      "92.30%",
      "2 h 00 min",
      "26 h",
      "46 h",
      "0 h",
      "1",
    ]);
    // Never seen: unknown, not 100%.
    expect((await cells("acme/web"))[1]).toBe("unknown");
    const link = page.locator("ul.related a[href='/incidents/inc-1']").first();
    expect(await link.textContent()).toBe("AWS US East (N. Virginia) (us-east-1) is likely failing");
    expect(await page.locator("ul.related li").first().textContent()).toContain("(2 h 00 min in the window)");
    await page.locator("details summary", { hasText: "As CSV" }).click();
    const csv = await page.locator("textarea[aria-label='The report as CSV']").inputValue();
    expect(csv.split("\n")).toContain("acme/api,Public API,92.3077,26,46,0,120,inc-1");
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(
      violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
    ).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);

  it("changes the window through the form and the URL, shows a bad date's reason; the nav links the page; no sideways scroll at 360 px", async () => {
    await page.goto(`${http.url}/reports/sla?from=2026-11-01&to=2026-11-04`);
    await page.locator("table.sla tr[data-id='acme/api']").waitFor({ timeout: 15_000 });
    expect(await page.locator("nav a[href='/reports/sla']").getAttribute("aria-current")).toBe("page");
    await page.getByLabel("From (UTC)").fill("2026-11-03");
    await page.getByRole("button", { name: "Show" }).click();
    await expect.poll(() => page.url()).toContain("/reports/sla?from=2026-11-03&to=2026-11-04");
    // Nov 3 alone: 2 seen hours, both down.
    await expect
      .poll(() => cells("acme/api"), { timeout: 15_000 })
      .toEqual(["Public API", "0.00%", "2 h 00 min", "2 h", "22 h", "0 h", "1"]);
    // A bad date is the API's 400, its reason on the page.
    await page.getByLabel("From (UTC)").fill("2026-02-30");
    await page.getByRole("button", { name: "Show" }).click();
    await expect
      .poll(() => page.locator("main").textContent(), { timeout: 15_000 })
      .toContain('"2026-02-30" is not a date like 2026-11-01');
    // Chromium logs the refused request itself; that one is expected.
    const refused = problems.findIndex((p) => /status of 400/.test(p));
    expect(refused).toBeGreaterThanOrEqual(0);
    problems.splice(refused, 1);
    await page.goto(`${http.url}/reports/sla?from=2026-11-01&to=2026-11-04`);
    await page.locator("table.sla tr[data-id='acme/api']").waitFor({ timeout: 15_000 });
    await page.setViewportSize({ width: 360, height: 800 });
    try {
      expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    expect(problems).toEqual([]);
  }, 60_000);
});
