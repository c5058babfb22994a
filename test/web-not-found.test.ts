/**
 * Addresses the dashboard has no page for, in a real browser against `epicenter serve`'s composition: a
 * malformed percent-encoding (`/components/%E0%A4%A`, which decodeURIComponent refuses) and an unknown path
 * both show a "Not found" page with a way back, never a blank page or a script error.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HubProcess, startHubProcess } from "../src/cli/serve-process.js";
import { browserMissing, ensureWebBuild, launchChromium } from "./browser-fixture.js";

let dir: string;
let running: HubProcess;
let browser: BrowserContext;
let page: Page;
const problems: string[] = [];

describe.skipIf(browserMissing("web-not-found"))("the dashboard at addresses it has no page for", () => {
  beforeAll(async () => {
    ensureWebBuild();
    dir = mkdtempSync(join(tmpdir(), "epicenter-web-not-found-"));
    mkdirSync(join(dir, "data"));
    const config = join(dir, "epicenter.yaml");
    writeFileSync(
      config,
      [
        "vantages: [probe/local]",
        "components:",
        "  - { id: acme/site, observed: true, requires: [aws/us-east-1] }",
        "server: { anonymousRead: true }",
        "",
      ].join("\n"),
    );
    running = await startHubProcess({
      configFile: config,
      dataDir: join(dir, "data"),
      port: 0,
      host: "127.0.0.1",
      log: () => {},
      warn: () => {},
    });
    browser = await launchChromium(join(dir, "profile"));
    page = await browser.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows Not found for malformed percent-encodings and unknown paths, and the way back works", async () => {
    for (const path of ["/components/%E0%A4%A", "/incidents/%ZZ", "/%E0%A4%A", "/no-such-page"]) {
      await page.goto(running.url + path);
      await expect.poll(() => page.locator("main h1").textContent(), { timeout: 10_000 }).toBe("Not found");
      expect(await page.locator("main").textContent(), path).toMatch(/No page at/);
    }
    await page.getByRole("link", { name: "Go to Now" }).click();
    await expect.poll(() => page.locator("main").textContent(), { timeout: 10_000 }).toMatch(/services/i);
    // A well-formed component address still opens its page.
    await page.goto(`${running.url}/components/acme/site`);
    await expect
      .poll(() => page.locator("main h1").textContent(), { timeout: 10_000 })
      .toMatch(/acme\/site|Site/i);
    expect(problems).toEqual([]);
  }, 60_000);
});
