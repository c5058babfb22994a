/**
 * The dashboard's views of an outage in a real browser (Debian's Chromium via playwright-core) against
 * `epicenter serve`'s composition while the demo's chaos fails aws/us-east-1: states say whether they were
 * observed or believed (an unobserved component in the blast radius is "likely down", never "up"); the
 * epicenter view has the cause at the centre and its blast radius in rings, each node a link; every
 * page, in both themes, has no serious or critical axe-core violation, every control is reached with Tab and
 * shows its focus, and nothing scrolls sideways at 360 px.
 * Screenshots go to $EPICENTER_SCREENSHOTS, by default epicenter-screenshots in the system's temp folder.
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

let dir: string;
let running: HubProcess;
let browser: BrowserContext;
let page: Page;
let incidentId: string;
const lines: string[] = [];
const problems: string[] = [];

describe.skipIf(browserMissing("web-views"))(
  "the dashboard's views during a demo outage of aws/us-east-1",
  () => {
    beforeAll(async () => {
      ensureWebBuild();
      mkdirSync(SHOTS, { recursive: true });
      console.log(`web-views: screenshots in ${SHOTS}`);
      dir = mkdtempSync(join(tmpdir(), "epicenter-web-views-"));
      // The outage outlasts the suite: every page is seen while the incident is open.
      running = await startHubProcess(fastDemo(join(dir, "data"), 600_000, lines));
      browser = await launchChromium(join(dir, "profile"));
      page = await browser.newPage();
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      // The fault comes 2 s after start; the incident needs a few 3 s rounds.
      for (let i = 0; i < 90 && !incidentId; i++) {
        const { incidents } = (await (await fetch(`${running.url}/api/v1/incidents?open=true`)).json()) as {
          incidents: { id: string; epicenter: { component: string }[] }[];
        };
        if (incidents[0]?.epicenter[0]?.component === "aws/us-east-1") incidentId = incidents[0].id;
        else await new Promise((r) => setTimeout(r, 1000));
      }
      expect(incidentId).toBeDefined();
    }, 150_000);

    afterAll(async () => {
      await browser?.close();
      await running?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

    it("an unobserved dependency in the blast radius is shown as likely down (believed), never up", async () => {
      // demo/streaming requires aws/us-east-1/dynamodb, which nobody checks; the region's outage takes it down.
      await page.goto(`${running.url}/components/demo/streaming`);
      const dynamo = page.locator("ul.related li", {
        has: page.getByRole("link", { name: "aws/us-east-1/dynamodb", exact: true }),
      });
      await expect
        .poll(() => dynamo.getByTestId("state").textContent(), { timeout: 15_000 })
        .toBe("likely down · believed");
      // Outside the blast radius, an unobserved dependency is believed up, and says so.
      const akamai = page.locator("ul.related li", {
        has: page.getByRole("link", { name: "akamai/cdn", exact: true }),
      });
      expect(await akamai.getByTestId("state").textContent()).toBe("likely up · believed");
      // The service itself: what its vantages saw, marked as observed.
      expect(
        await page.locator("main p").filter({ hasText: "state:" }).getByTestId("state").textContent(),
      ).toMatch(/^(down|partly down) · observed$/);
      await shot("component-beliefs");

      // Its own page: believed, and the cause is named as such.
      await page.getByRole("link", { name: "aws/us-east-1/dynamodb", exact: true }).click();
      const header = page.locator("main p").filter({ hasText: "state:" }).getByTestId("state");
      await expect.poll(() => header.textContent(), { timeout: 15_000 }).toBe("likely down · believed");
      const cause = page.locator("ul.related li", {
        has: page.getByRole("link", { name: "aws/us-east-1", exact: true }),
      });
      expect(await cause.getByTestId("state").textContent()).toBe("likely down: the named cause · believed");

      // The Now page marks each service's state as observed.
      await page.goto(running.url);
      const first = page.locator("[data-testid=services] li").first().getByTestId("state");
      await expect.poll(() => first.textContent(), { timeout: 15_000 }).toMatch(/ · observed/);
      expect(problems).toEqual([]);
    }, 60_000);

    it("the Now page shows the epicenter at the centre and its blast radius in rings; a node opens its page", async () => {
      const { incident } = (await (await fetch(`${running.url}/api/v1/incidents/${incidentId}`)).json()) as {
        incident: { affected: string[] };
      };
      await page.goto(running.url);
      const view = page.getByTestId("epicenter-view").first();
      await view.waitFor({ timeout: 15_000 });
      const centre = view.locator("a.node[data-ring='0']");
      expect(await centre.getAttribute("data-id")).toBe("aws/us-east-1");
      // The named cause with its confidence: the first place, whatever runners-up share the rest.
      const said = /named cause, (\d+)% confidence/.exec((await centre.getAttribute("aria-label")) ?? "");
      expect(Number(said?.[1])).toBeGreaterThanOrEqual(50);
      const box = (await view.locator("svg").boundingBox())!;
      const middle = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      const at = async (id: string) => {
        const b = (await view.locator(`a.node[data-id='${id}'] circle.dot`).boundingBox())!;
        return { x: b.x + b.width / 2, y: b.y + b.height / 2, r: b.width / 2 };
      };
      const c = await at("aws/us-east-1");
      expect(Math.abs(c.x - middle.x)).toBeLessThan(2);
      expect(Math.abs(c.y - middle.y)).toBeLessThan(2);
      const distance = async (id: string) => {
        const p = await at(id);
        return Math.hypot(p.x - c.x, p.y - c.y);
      };

      // Ring 1: the region's services, which nobody checks: believed down, all at one distance.
      const ring1 = await view
        .locator("a.node[data-ring='1']")
        .evaluateAll((els) => els.map((e) => [e.getAttribute("data-id")!, e.getAttribute("aria-label")!]));
      expect(ring1.map(([id]) => id)).toContain("aws/us-east-1/dynamodb");
      for (const [, label] of ring1) expect(label).toMatch(/likely down \(believed\)/);
      const r1 = await distance(ring1[0]![0]);
      for (const [id] of ring1) expect(Math.abs((await distance(id)) - r1)).toBeLessThan(2);

      // The outer ring: every affected service of the incident, observed, farther out, all at one distance.
      const outer = await view
        .locator("a.node[data-ring='2']")
        .evaluateAll((els) => els.map((e) => [e.getAttribute("data-id")!, e.getAttribute("aria-label")!]));
      expect(outer.map(([id]) => id).sort()).toEqual(expect.arrayContaining(incident.affected));
      const r2 = await distance(outer[0]![0]);
      expect(r2).toBeGreaterThan(r1 + 20);
      for (const [id, label] of outer) {
        expect(Math.abs((await distance(id)) - r2)).toBeLessThan(2);
        expect(label).toMatch(/\(observed|\(believed/);
      }
      // Sized by the services a node carries: more services, no smaller.
      const carried = ring1.map(
        ([id, label]) => [id, Number(/(\d+) of your services through it/.exec(label)![1])] as const,
      );
      const sizes = new Map(await Promise.all(carried.map(async ([id]) => [id, (await at(id)).r] as const)));
      for (const [a, na] of carried)
        for (const [b, nb] of carried)
          if (na > nb) expect(sizes.get(a)!).toBeGreaterThanOrEqual(sizes.get(b)!);
      expect(new Set(carried.map(([, n]) => n)).size).toBeGreaterThan(1);
      await view.screenshot({ path: join(SHOTS, "epicenter-view.png") });
      await shot("now-epicenter");

      // A click opens the node's component page.
      await view.locator("a.node[data-id='aws/us-east-1/dynamodb'] circle.dot").click();
      await expect.poll(() => new URL(page.url()).pathname).toBe("/components/aws/us-east-1/dynamodb");
      // The keyboard reaches the nodes too: the cause is in the tab order (the accessibility test walks
      // every page with Tab), and Enter on it opens it. Focused directly: how many Tabs lead there depends
      // on how many incidents and rows the page holds at that moment.
      await page.goBack();
      const cause = view.locator("a.node[data-ring='0']");
      await cause.waitFor({ timeout: 15_000 });
      expect(
        await cause.evaluate((a) => (a as unknown as { tabIndex: number }).tabIndex),
      ).toBeGreaterThanOrEqual(0);
      await cause.focus();
      const focused = (await page.evaluate(
        "document.activeElement?.getAttribute('data-id') ?? ''",
      )) as string;
      expect(focused).toBe("aws/us-east-1");
      await page.keyboard.press("Enter");
      await expect.poll(() => new URL(page.url()).pathname).toBe("/components/aws/us-east-1");

      // The incident page draws the same view.
      await page.goto(`${running.url}/incidents/${incidentId}`);
      const there = page.getByTestId("epicenter-view");
      await there.waitFor({ timeout: 15_000 });
      expect(await there.locator("a.node[data-ring='0']").getAttribute("data-id")).toBe("aws/us-east-1");
      await shot("incident-epicenter");
      expect(problems).toEqual([]);
    }, 60_000);

    /** Every page of the dashboard, as a reader reaches it during the outage. */
    const pages = () => [
      ["now", "/"],
      ["incident", `/incidents/${incidentId}`],
      ["component", "/components/demo/streaming"],
      ["map", "/map"],
      ["whatif", "/whatif?failed=aws/us-east-1"],
      ["status", "/status"],
      ["sla", "/reports/sla"],
      ["login", "/login"],
    ];

    /** Opens `path` and waits until its data is drawn (no "Loading…" left). */
    async function open(path: string): Promise<void> {
      await page.goto(running.url + path);
      await page.locator("main h1").waitFor();
      await expect.poll(() => page.locator("[aria-busy=true]").count(), { timeout: 15_000 }).toBe(0);
      // Charts and the map draw after their data arrives.
      await page.waitForTimeout(500);
    }

    it("every page, in both themes, has no serious or critical axe-core violation", async () => {
      const found: string[] = [];
      for (const theme of ["light", "dark"]) {
        await page.goto(running.url);
        await page.evaluate(`localStorage.setItem("epicenter.theme", "${theme}")`);
        for (const [name, path] of pages()) {
          await open(path!);
          expect(await page.evaluate("document.documentElement.dataset.theme")).toBe(theme);
          const { violations } = await new AxeBuilder({ page }).analyze();
          for (const v of violations)
            if (v.impact === "serious" || v.impact === "critical")
              found.push(
                `${theme} ${path}: ${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes
                  .slice(0, 3)
                  .map((n) => n.target.join(" "))
                  .join(" | ")}`,
              );
          await shot(`${name}-${theme}`);
        }
      }
      expect(found).toEqual([]);
      expect(problems).toEqual([]);
    }, 180_000);

    it("every control on every page is reached with Tab and shows a visible focus ring", async () => {
      const missed: string[] = [];
      for (const [, path] of pages()) {
        await open(path!);
        const controls = (await page.evaluate(`(() => {
          const all = [...document.querySelectorAll("a[href], button:not(:disabled), input, select, textarea, summary, [tabindex]:not([tabindex='-1'])")];
          window.__reached = new Map();
          document.addEventListener("focusin", (e) => {
            const s = getComputedStyle(e.target);
            const ring = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
            window.__reached.set(e.target, ring);
          });
          // Shown or shown on focus (the skip link); not inside a closed <details>, which Tab skips by design.
          window.__controls = all.filter((el) => (el.getClientRects().length > 0 || el.classList.contains("skip")) && !el.closest("details:not([open]) > :not(summary)"));
          return window.__controls.length;
        })()`)) as number;
        for (let i = 0; i < controls + 3; i++) await page.keyboard.press("Tab");
        const result = (await page.evaluate(`window.__controls.map((el) => {
          const name = (el.getAttribute("aria-label") || el.textContent || el.tagName).trim().slice(0, 40);
          return window.__reached.has(el) ? (window.__reached.get(el) ? null : "no ring: " + name) : "not reached: " + name;
        }).filter(Boolean)`)) as string[];
        expect(controls, path).toBeGreaterThan(2);
        for (const r of result) missed.push(`${path}: ${r}`);
      }
      expect(missed).toEqual([]);
    }, 120_000);

    it("no page scrolls sideways at 360 px", async () => {
      await page.setViewportSize({ width: 360, height: 800 });
      try {
        const wide: string[] = [];
        for (const [name, path] of pages()) {
          await open(path!);
          const width = (await page.evaluate("document.documentElement.scrollWidth")) as number;
          if (width > 360) wide.push(`${path}: ${width}px`);
          await shot(`${name}-360px`);
        }
        expect(wide).toEqual([]);
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    }, 120_000);
  },
);
