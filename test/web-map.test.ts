/**
 * The grouped map in a real browser (Debian's Chromium via playwright-core) against `epicenter serve`'s
 * composition while the demo's chaos fails aws/us-east-1: groups are drawn collapsed except the incident's,
 * whose provider and region open by themselves and are outlined as the blast radius; a click on a group (on
 * the canvas or its button) opens it, Enter on its button too; search opens the groups of what it finds and
 * focuses it; no serious or critical axe-core violation in either theme. Saves map.png to $EPICENTER_SCREENSHOTS (default bench/out/screenshots).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HubProcess, startHubProcess } from "../src/cli/serve-process.js";
import { groupComponents, groupPath, type MapEdge } from "../web/src/map-groups.js";
import { browserMissing, ensureWebBuild, launchChromium, ROOT } from "./browser-fixture.js";
import { fastDemo } from "./fast-demo.js";

let dir: string;
let running: HubProcess;
let browser: BrowserContext;
let page: Page;
const lines: string[] = [];
const problems: string[] = [];

const graph = () => page.getByTestId("graph");
const group = (id: string) => page.locator(`[data-testid=map-groups] button[data-group="${id}"]`);
const expandedGroups = async () => ((await graph().getAttribute("data-expanded")) ?? "").split(" ");

describe.skipIf(browserMissing("web-map"))("the grouped map during a demo outage of aws/us-east-1", () => {
  beforeAll(async () => {
    ensureWebBuild();
    dir = mkdtempSync(join(tmpdir(), "epicenter-web-map-"));
    running = await startHubProcess(fastDemo(join(dir, "data"), 600_000, lines));
    browser = await launchChromium(join(dir, "profile"));
    page = await browser.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    // The fault comes 2 s after start; the localizer names it within a few 3 s rounds.
    for (let i = 0; i < 90; i++) {
      const { nodes } = (await (await fetch(`${running.url}/api/v1/graph`)).json()) as {
        nodes: { id: string; belief: string }[];
      };
      if (nodes.some((n) => n.id === "aws/us-east-1" && n.belief === "failing")) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    // On this shared machine the demo hub's stop was seen to hang for minutes after every check passed (the
    // same stop as the other browser suites'); bounded, and said, so the suite reports its own checks.
    const stopped = await Promise.race([
      running?.stop().then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 30_000)),
    ]);
    if (!stopped) console.log("web-map: the demo hub did not stop within 30 s");
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  async function open(path: string): Promise<void> {
    await page.goto(running.url + path);
    await graph().and(page.locator("[data-drawn]")).waitFor({ timeout: 15_000 });
  }

  it("draws groups collapsed, the incident's open and outlined, and opens a group on click or Enter", async () => {
    await open("/map");
    // On a busy machine the localizer may name more than aws/us-east-1 for a round: the page is checked
    // against what it says it drew, through the same grouping (web/src/map-groups.ts, tested on its own).
    const legend = (await page.getByTestId("map-epicenter").textContent()) ?? "";
    const epicenters = /Epicenter: ([^(]+) \(ringed/.exec(legend)?.[1]?.split(", ") ?? [];
    expect(epicenters.length, legend).toBeGreaterThan(0);
    const graphData = (await (await fetch(`${running.url}/api/v1/graph`)).json()) as {
      nodes: { id: string; kind: string; name: string | null }[];
      edges: MapEdge[];
    };
    const blast = (await (
      await fetch(`${running.url}/api/v1/whatif`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ failed: epicenters }),
      })
    ).json()) as { down: string[]; degraded: string[] };
    const hit = new Set([...blast.down, ...blast.degraded, ...epicenters]);
    const grouping = groupComponents(
      graphData.nodes.map((n) => ({
        id: n.id,
        kind: n.kind,
        label: n.name ?? n.id,
        status: "up",
        hit: hit.has(n.id),
      })),
      graphData.edges,
    );
    const drawn = Number(await graph().getAttribute("data-drawn"));
    // Collapsed: far fewer nodes drawn than components.
    expect(drawn).toBeGreaterThan(3);
    expect(drawn).toBeLessThan(graphData.nodes.length);
    const opened = new Set(epicenters.flatMap((e) => groupPath(grouping, e)));
    expect((await expandedGroups()).sort()).toEqual([...opened].sort());
    for (const g of opened) expect(await group(g).getAttribute("aria-expanded")).toBe("true");
    for (const g of grouping.groups.values()) {
      if (g.parent && !opened.has(g.parent)) continue; // not listed inside a closed provider
      const outlined = (await group(g.id).getAttribute("class"))?.includes("in-blast") ?? false;
      expect(outlined, g.id).toBe(g.hits > 0);
      if (g.hits > 0) expect(await group(g.id).textContent()).toContain(`${g.hits} in the blast radius`);
    }
    expect([...grouping.groups.values()].some((g) => g.hits > 0)).toBe(true);
    const closed = page.locator("[data-testid=map-groups] button[aria-expanded=false]");
    expect(await closed.count()).toBeGreaterThan(3);
    // A group the blast radius does not reach is closed and not outlined.
    const quiet = (await page
      .locator("[data-testid=map-groups] button[aria-expanded=false]:not(.in-blast)")
      .first()
      .getAttribute("data-group"))!;
    expect(quiet).toMatch(/^group:/);
    await page.waitForTimeout(300);
    // Like web-ui.test.ts's: README's copy in docs/screenshots is refreshed from it by hand, not by npm test.
    const shots = process.env.EPICENTER_SCREENSHOTS ?? join(ROOT, "bench", "out", "screenshots");
    mkdirSync(shots, { recursive: true });
    const shot = join(shots, "map.png");
    await page.screenshot({ path: shot });
    expect(statSync(shot).size).toBeLessThan(300_000);

    // A click on that collapsed node itself, on the canvas, opens it.
    const at = (await graph().evaluate((el, id) => {
      // Cytoscape keeps its instance on the container; the test reads where it drew the node.
      const cy = (
        el as unknown as {
          _cyreg: { cy: { getElementById(id: string): { renderedPosition(): { x: number; y: number } } } };
        }
      )._cyreg.cy;
      return cy.getElementById(id).renderedPosition();
    }, quiet)) as { x: number; y: number };
    const box = (await graph().boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await expect.poll(expandedGroups).toContain(quiet);
    expect(await group(quiet).getAttribute("aria-expanded")).toBe("true");
    expect(Number(await graph().getAttribute("data-drawn"))).toBeGreaterThan(drawn);

    // Enter on a closed group's button opens it; Enter again closes it.
    const other = (await closed.first().getAttribute("data-group"))!;
    await group(other).focus();
    await page.keyboard.press("Enter");
    await expect.poll(expandedGroups).toContain(other);
    await page.keyboard.press("Enter");
    await expect.poll(expandedGroups).not.toContain(other);
    expect(problems).toEqual([]);
  }, 90_000);

  it("search opens the groups of what it finds and focuses it", async () => {
    await open("/map");
    await page.getByRole("button", { name: "Collapse all" }).click();
    await expect.poll(expandedGroups).toEqual([""]);
    await page.getByRole("searchbox").fill("demo/streaming");
    await page.getByRole("button", { name: "Focus" }).click();
    await expect.poll(() => graph().getAttribute("data-focus")).toBe("demo/streaming");
    expect(await page.locator("aside").textContent()).toMatch(/demo\/streaming/);
    const path = await expandedGroups();
    expect(path.length).toBeGreaterThan(0);
    for (const g of path) expect(await group(g).getAttribute("aria-expanded")).toBe("true");
    expect(new URL(page.url()).searchParams.get("focus")).toBe("demo/streaming");
    await page.getByRole("searchbox").fill("no-such-thing");
    await page.getByRole("button", { name: "Focus" }).click();
    expect(await page.getByRole("alert").textContent()).toMatch(/Nothing matches “no-such-thing”/);
  }, 60_000);

  it("has no serious or critical axe-core violation in either theme", async () => {
    const found: string[] = [];
    for (const theme of ["light", "dark"]) {
      await page.goto(running.url);
      await page.evaluate(`localStorage.setItem("epicenter.theme", "${theme}")`);
      await open("/map");
      const { violations } = await new AxeBuilder({ page }).analyze();
      for (const v of violations)
        if (v.impact === "serious" || v.impact === "critical")
          found.push(`${theme}: ${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes[0]?.target.join(" ")}`);
    }
    expect(found).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);
});
