/**
 * Groups on the Now page and the public status page in a real browser (Debian's Chromium via playwright-core),
 * served by the real app over a real hub (SQLite, in-memory bus) whose config groups its services with rules:
 * each group under a header with its state by its rule, worst group first on the Now page, collapsible with a
 * click or the keyboard; no serious or critical axe-core violation, light and dark.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { parseConfig } from "../src/config/config-load.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import type { Observation } from "../src/model/observation.js";
import { type Listening, listen } from "../src/server/serve-http.js";
import { createApp } from "../src/server/server-app.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";
import { browserMissing, ensureWebBuild, launchChromium } from "./browser-fixture.js";

const SHOTS = process.env.EPICENTER_SCREENSHOTS ?? join(tmpdir(), "epicenter-screenshots");

const YAML = `catalog: false
vantages: [probe/a]
components:
  - { id: shop/pay-eu, name: Payments EU, group: Payments, checks: [{ http: https://pay-eu.example/ }] }
  - { id: shop/pay-us, name: Payments US, group: Payments, checks: [{ http: https://pay-us.example/ }] }
  - { id: shop/pay-ap, name: Payments AP, group: Payments, checks: [{ http: https://pay-ap.example/ }] }
  - { id: shop/web, name: Web, group: Front, checks: [{ http: https://web.example/ }] }
  - { id: shop/cdn, name: CDN, group: Front, checks: [{ http: https://cdn.example/ }] }
  - { id: acme/api, name: Acme API, checks: [{ http: https://api.acme.example/ }] }
groups:
  Payments: { rule: atLeast, k: 2 }
  Front: { rule: all }
`;

let dir: string;
let store: Store;
let bus: MemoryBus;
let hub: ReplicatedHub;
let http: Listening;
let browser: BrowserContext;
let page: Page;
const problems: string[] = [];
let now = Date.now();

async function axeSerious(): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
}

describe.skipIf(browserMissing("web-groups"))("groups on the Now page and the status page", () => {
  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), "epicenter-web-groups-"));
    const config = parseConfig("epicenter.yaml", YAML);
    store = await openStore({ dataDir: join(dir, "data"), env: {} });
    bus = new MemoryBus();
    hub = new ReplicatedHub({
      store,
      bus,
      model: {
        components: config.model.components,
        vantages: config.vantages,
        checks: config.checks,
        groups: config.groups,
      },
      clock: () => now,
      tickMs: 3_600_000,
    });
    await hub.start();
    const batch: Observation[] = [];
    const seen = (component: string, status: Observation["status"]) => {
      now += 1000;
      batch.push({
        id: `o-${batch.length}`,
        at: now,
        vantage: "probe/a",
        component,
        check: `${component}#1`,
        status,
        latencyMs: 40,
        errorClass: status === "down" ? "http-5xx" : null,
      });
    };
    for (const c of ["shop/pay-eu", "shop/pay-us", "shop/pay-ap", "shop/web", "shop/cdn", "acme/api"])
      seen(c, "up");
    seen("shop/pay-eu", "down"); // one of three: Payments (atLeast 2) is partly down
    seen("shop/web", "down"); // one of two: Front (all) is partly down
    seen("acme/api", "down"); // acme (any, the default) is down
    await hub.ingest(batch);
    await new Promise((r) => setImmediate(r));
    const app = createApp({ hub, auth: { anonymousRead: true }, now: () => now });
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
    await hub?.stop();
    await bus?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the Now page shows each group under a header with its rule's state, worst first, and collapses it", async () => {
    await page.goto(http.url);
    const groups = page.getByTestId("service-group");
    await expect.poll(() => groups.count(), { timeout: 15_000 }).toBe(3);
    const headers = await groups.locator("summary").allTextContents();
    expect(headers).toEqual([
      "acme down 1 service, down when any is",
      "Front partly down 2 services, down when all are",
      "Payments partly down 3 services, down when 2 are",
    ]);
    const payments = groups.filter({ has: page.getByRole("heading", { name: "Payments" }) });
    expect(await payments.locator("li").count()).toBe(3);
    expect(await payments.locator("li").first().textContent()).toMatch(/Payments EU/);
    await expect.poll(() => payments.locator("li").first().isVisible()).toBe(true);
    await payments.locator("summary").click();
    await expect.poll(() => payments.locator("li").first().isVisible()).toBe(false);
    // The header is a native <summary>: the keyboard opens it again.
    await payments.locator("summary").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => payments.locator("li").first().isVisible()).toBe(true);
    expect(await axeSerious()).toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axeSerious()).toEqual([]);
    await page.emulateMedia({ colorScheme: "light" });
    await page.screenshot({ path: join(SHOTS, "now-groups.png"), fullPage: true });
    expect(problems).toEqual([]);
  }, 60_000);

  it("the status page shows the groups with their rule's state and collapses them", async () => {
    await page.goto(`${http.url}/status`);
    const groups = page.getByTestId("status-group");
    await expect.poll(() => groups.count(), { timeout: 15_000 }).toBe(3);
    const state = (name: string) =>
      groups
        .filter({ has: page.getByRole("heading", { name }) })
        .locator("summary .badge")
        .textContent();
    expect(await state("Payments")).toBe("Partial outage");
    expect(await state("Front")).toBe("Partial outage");
    expect(await state("acme")).toBe("Major outage");
    const front = groups.filter({ has: page.getByRole("heading", { name: "Front" }) });
    expect(await front.locator("li").allTextContents()).toEqual([
      expect.stringMatching(/^Web Major outage/),
      expect.stringMatching(/^CDN Operational/),
    ]);
    await front.locator("summary").click();
    await expect.poll(() => front.locator("li").first().isVisible()).toBe(false);
    expect(await axeSerious()).toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axeSerious()).toEqual([]);
    await page.emulateMedia({ colorScheme: "light" });
    await page.screenshot({ path: join(SHOTS, "status-groups.png"), fullPage: true });
    expect(problems).toEqual([]);
  }, 60_000);
});
