/**
 * People's incident updates in a real browser (Debian's Chromium via playwright-core) against `epicenter
 * serve`'s composition while the demo's chaos fails aws/us-east-1: an editor logs in with the first admin
 * token and posts a public and a team-only update from the incident page's form; the page's one timeline shows
 * them among the localizer's entries in time order, each marked who wrote it, markup shown as text; the public
 * status page shows the public one alone; both pages, in both themes, have no serious or critical axe-core
 * violation. Screenshots go to $EPICENTER_SCREENSHOTS, by default epicenter-screenshots in the system's temp folder.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HubProcess, startHubProcess } from "../src/cli/serve-process.js";
import { browserMissing, ensureWebBuild, launchChromium } from "./browser-fixture.js";
import { fastDemo } from "./fast-demo.js";

const SHOTS = process.env.EPICENTER_SCREENSHOTS ?? join(tmpdir(), "epicenter-screenshots");
const PUBLIC = `Failover under way <b>now</b> & "soon" done`;
const TEAM = "Team only: paging the DB on-call";

let dir: string;
let running: HubProcess;
let browser: BrowserContext;
let page: Page;
let incidentId: string;
const lines: string[] = [];
const problems: string[] = [];

describe.skipIf(browserMissing("web-incident-updates"))("incident updates during a demo outage", () => {
  beforeAll(async () => {
    ensureWebBuild();
    dir = mkdtempSync(join(tmpdir(), "epicenter-web-updates-"));
    running = await startHubProcess(fastDemo(join(dir, "data"), 600_000, lines));
    browser = await launchChromium(join(dir, "profile"));
    page = await browser.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    for (let i = 0; i < 90 && !incidentId; i++) {
      const { incidents } = (await (await fetch(`${running.url}/api/v1/incidents?open=true`)).json()) as {
        incidents: { id: string }[];
      };
      // Any open incident will do: the updates do not depend on what the localizer named.
      const open = incidents[0];
      if (open) incidentId = open.id;
      else await new Promise((r) => setTimeout(r, 1000));
    }
    expect(incidentId, lines.slice(-20).join("\n")).toBeTruthy();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  async function post(message: string, status: string, shown: boolean): Promise<void> {
    await page.getByLabel("Status", { exact: true }).selectOption(status);
    await page.getByLabel("Message").fill(message);
    const box = page.getByLabel("Show on the public status page");
    if (shown) await box.check();
    else await box.uncheck();
    await page.getByRole("button", { name: "Post update" }).click();
    await page.locator("li.t-update", { hasText: message.slice(0, 20) }).waitFor({ timeout: 10_000 });
  }

  it("an editor posts updates from the incident page; one timeline shows them by time, marked who wrote them", async () => {
    await page.goto(`${running.url}/login`);
    await page.getByRole("tab", { name: "API token" }).click();
    await page.getByLabel("Token", { exact: true }).fill(running.firstToken!);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("button", { name: "Log out" }).waitFor();
    await page.goto(`${running.url}/incidents/${incidentId}`);
    await page.getByTestId("timeline").waitFor();
    await post(PUBLIC, "identified", true);
    await post(TEAM, "resolved", false);

    const timeline = page.getByTestId("timeline");
    const entries = await timeline.locator(":scope > li").evaluateAll((els) =>
      els.map((li) => ({
        kind: li.className,
        at: li.querySelector("time")!.getAttribute("datetime")!,
        who: li.querySelector(".who")!.textContent!,
        text: li.textContent!,
        markup: li.querySelector(".update-message b") !== null,
      })),
    );
    // One list, in time order, with the localizer's entries and the people's.
    expect(entries.map((e) => e.at)).toEqual(entries.map((e) => e.at).sort());
    expect(entries.some((e) => e.kind === "t-ranking" && e.who === "Localizer")).toBe(true);
    const updates = entries.filter((e) => e.kind === "t-update");
    expect(updates.map((e) => e.who)).toEqual([
      expect.stringMatching(/^Person: /),
      expect.stringMatching(/^Person: /),
    ]);
    expect(updates[0]!.text).toContain(`identified (public): ${PUBLIC}`);
    expect(updates[0]!.markup).toBe(false);
    expect(updates[1]!.text).toContain(`resolved (team only): ${TEAM}`);
    // The opening comes before the people's updates, which came after it.
    const opened = entries.findIndex((e) => e.kind === "t-opened");
    expect(entries.findIndex((e) => e.kind === "t-update")).toBeGreaterThan(opened);
    // A person's resolved is the team's word; the localizer's incident stays open.
    expect(await page.getByTestId("human-status").textContent()).toContain("resolved");
    expect(await page.getByTestId("human-status").textContent()).toContain("stays open");
    const detail = (await (await fetch(`${running.url}/api/v1/incidents/${incidentId}`)).json()) as {
      incident: { resolvedAt: string | null; humanStatus: string };
    };
    expect(detail.incident).toMatchObject({ resolvedAt: null, humanStatus: "resolved" });
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, "incident-updates.png"), fullPage: true });
    expect(problems).toEqual([]);
  }, 60_000);

  it("the status page shows the public update alone, as text", async () => {
    await page.goto(`${running.url}/status`);
    const card = page.locator(`#incident-${incidentId}`);
    await card.locator(".status-updates li").first().waitFor({ timeout: 15_000 });
    const shown = await card.locator(".status-updates li").allTextContents();
    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain(PUBLIC);
    expect(shown[0]).toMatch(/^identified /);
    expect(await card.locator(".status-updates b").count()).toBe(0);
    expect(await page.locator("body").textContent()).not.toContain(TEAM);
    await page.screenshot({ path: join(SHOTS, "status-updates.png"), fullPage: true });
    expect(problems).toEqual([]);
  }, 30_000);

  it("both pages, in both themes, have no serious or critical axe-core violation", async () => {
    const found: string[] = [];
    for (const theme of ["light", "dark"]) {
      await page.goto(running.url);
      await page.evaluate(`localStorage.setItem("epicenter.theme", "${theme}")`);
      for (const [path, ready] of [
        [`/incidents/${incidentId}`, "form.update-form"],
        ["/status", `#incident-${incidentId} .status-updates`],
      ] as const) {
        await page.goto(running.url + path);
        await page.locator(ready).waitFor({ timeout: 15_000 });
        const { violations } = await new AxeBuilder({ page }).analyze();
        for (const v of violations)
          if (v.impact === "serious" || v.impact === "critical")
            found.push(
              `${theme} ${path}: ${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(" "))
                .join(" | ")}`,
            );
      }
    }
    expect(found).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);
});
