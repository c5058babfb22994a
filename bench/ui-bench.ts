/**
 * bench:ui: how soon the Now page is interactive in headless Chromium against a hub holding 5,000 monitored
 * services and 100,000 observations (the real hub over SQLite, fed through its real ingest). Time to
 * interactive = navigation start → the first page of services rendered and a click on "impaired only" handled.
 * Baselines in the same run: the browser loading the raw /api/v1/states JSON (what a page without a summary
 * endpoint would have to fetch first), and the Now page of a 500-service hub.
 * The map (issue 18), on the same hubs: time to interactive = navigation start → the grouped graph painted and a
 * click on a collapsed group's button redrawn with the group open; search-focus = the Focus button's click →
 * the found service focused (its groups opened). Baseline: the same page at 500 services.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { catalogComponents } from "../src/catalog/catalog-data.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import type { Observation } from "../src/model/observation.js";
import { listen } from "../src/server/serve-http.js";
import { createApp } from "../src/server/server-app.js";
import { openStore } from "../src/store/open-store.js";

const VANTAGES = ["vantage/a", "vantage/b", "vantage/c"];
const RUNS = 5;

async function startHub(dir: string, services: number, observations: number) {
  const catalog = catalogComponents();
  const hosts = catalog.filter((c) => c.kind === "cloud-service").map((c) => c.id);
  const model: ComponentSpec[] = [
    ...catalog,
    ...Array.from({ length: services }, (_, i) => ({
      id: `bench/service-${String(i).padStart(5, "0")}`,
      kind: "service",
      name: `Service ${i}`,
      observed: true,
      requires: [{ type: "hard" as const, id: hosts[(i * 7919) % hosts.length]!, hidden: false }],
    })),
  ];
  const store = await openStore({ dataDir: dir, env: {} });
  const hub = new ReplicatedHub({
    store,
    bus: new MemoryBus(),
    model: { components: model, vantages: VANTAGES, checks: [] },
  });
  await hub.start();
  const t0 = Date.now() - 3_600_000;
  let batch: Observation[] = [];
  for (let n = 0; n < observations; n++) {
    const s = n % services;
    const v = VANTAGES[Math.floor(n / services) % VANTAGES.length]!;
    const down = s % 50 === 0;
    batch.push({
      id: `o${n}`,
      at: t0 + n * 20,
      vantage: v,
      component: `bench/service-${String(s).padStart(5, "0")}`,
      check: `bench/service-${s}#1`,
      status: down ? "down" : "up",
      latencyMs: down ? null : 40 + (n % 90),
      errorClass: down ? "http-5xx" : null,
    });
    if (batch.length === 5000) {
      await hub.ingest(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await hub.ingest(batch);
  const server = await listen(createApp({ hub, auth: { anonymousRead: true } }), {
    port: 0,
    host: "127.0.0.1",
  });
  return {
    url: server.url,
    stop: async () => {
      await server.close();
      await hub.stop();
      await store.close();
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-ui-bench-"));
  const browser = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = await browser.newPage();
  const nowPage = async (url: string) => {
    const times: number[] = [];
    // The renderer process starts on the first navigation: not part of the page's cost.
    await page.goto(`${url}/healthz`);
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${url}/?run=${i}`, { waitUntil: "commit" });
      await page.locator("[data-testid=services] li").nth(99).waitFor({ timeout: 30_000 });
      await page.getByLabel("impaired only").check();
      times.push(await page.evaluate(() => performance.now()));
    }
    return times;
  };
  const rawStates = async (url: string) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${url}/api/v1/states?run=${i}`, { waitUntil: "load" });
      times.push(await page.evaluate(() => performance.now()));
    }
    return times;
  };
  const mapPage = async (url: string, services: number) => {
    const interactive: number[] = [];
    const searches: number[] = [];
    const drawn: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${url}/map?run=${i}`, { waitUntil: "commit" });
      const graph = page.locator("[data-testid=graph][data-drawn]");
      await graph.waitFor({ timeout: 30_000 });
      drawn.push(Number(await graph.getAttribute("data-drawn")));
      const button = page.locator("[data-testid=map-groups] button[aria-expanded=false]").first();
      const group = (await button.getAttribute("data-group"))!;
      await button.click();
      await page.waitForFunction(
        `(document.querySelector("[data-testid=graph]")?.getAttribute("data-expanded") ?? "").split(" ").includes(${JSON.stringify(group)})`,
      );
      interactive.push(await page.evaluate(() => performance.now()));
      const target = `bench/service-${String((i * 997 + 13) % services).padStart(5, "0")}`;
      await page.getByRole("searchbox").fill(target);
      // Timed inside the page: from the click's dispatch to the service focused, no driver round trip.
      await page.evaluate(
        `window.benchT0 = performance.now(); document.querySelector("form.toolbar button[type=submit]").click()`,
      );
      await page.waitForFunction(
        `document.querySelector("[data-testid=graph]")?.getAttribute("data-focus") === ${JSON.stringify(target)}`,
      );
      searches.push((await page.evaluate("performance.now() - window.benchT0")) as number);
    }
    return { interactive, searches, drawn };
  };
  const rows: string[] = [];
  const mapRows: string[] = [];
  for (const [services, observations] of [
    [5000, 100_000],
    [500, 10_000],
  ] as const) {
    const setup = Date.now();
    const hub = await startHub(join(dir, `hub-${services}`), services, observations);
    const setupMs = Date.now() - setup;
    // Let the hub's first localizer rounds over the fresh observations finish: the page is measured, not them.
    await new Promise((r) => setTimeout(r, 5000));
    const summaryBytes = (await (await fetch(`${hub.url}/api/v1/summary`)).arrayBuffer()).byteLength;
    const statesBytes = (await (await fetch(`${hub.url}/api/v1/states`)).arrayBuffer()).byteLength;
    const tti = await nowPage(hub.url);
    const raw = await rawStates(hub.url);
    const map = await mapPage(hub.url, services);
    mapRows.push(
      `| ${services.toLocaleString("en")} services | ${Math.round(median(map.interactive))} ms (first load: ${Math.round(map.interactive[0]!)} ms) | ${Math.round(median(map.searches))} ms | ${median(map.drawn)} |`,
    );
    rows.push(
      `| ${services.toLocaleString("en")} services, ${observations.toLocaleString("en")} observations | ${Math.round(median(tti))} ms (first load, assets not cached: ${Math.round(tti[0]!)} ms) | ${Math.round(median(raw))} ms | ${(summaryBytes / 1024).toFixed(0)} KiB | ${(statesBytes / 1024).toFixed(0)} KiB | ${(setupMs / 1000).toFixed(1)} s |`,
    );
    await hub.stop();
  }
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `bench:ui (headless Chromium, ${RUNS} loads each, median; a new origin per hub, so each hub's first load is with a cold cache; goal: Now page interactive < 1,000 ms at 5,000 services)\n`,
  );
  console.log(
    "| hub | Now page: navigation → services rendered + click handled | baseline: raw /api/v1/states JSON loaded | /api/v1/summary (first page) | /api/v1/states | hub setup |",
  );
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(r);
  console.log(
    "\nMap (grouped by provider and region; goal: interactive < 1,000 ms at 5,000 services; baseline: 500 services)\n",
  );
  console.log(
    "| hub | map: navigation → grouped graph painted + a group opened by click | search → service focused | nodes drawn at load |",
  );
  console.log("| --- | --- | --- | --- |");
  for (const r of mapRows) console.log(r);
}

await main();
