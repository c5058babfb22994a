/**
 * `epicenter report sla --tag T` and GET /api/v1/reports/sla?tag=T: the report restricted to the observed
 * components with the tag, from a real hub's SQLite store (the model snapshot it wrote, its hourly rollups).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { run } from "../src/cli/run.js";
import { parseConfig } from "../src/config/config-load.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import type { Observation } from "../src/model/observation.js";
import { createApp } from "../src/server/server-app.js";
import { slaResponse } from "../src/server/sla-routes.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";
import { captureIo } from "./capture-io.js";

const HOUR = 3_600_000;
const NOV1 = Date.parse("2026-11-01T00:00:00Z");
const NOW = Date.parse("2026-11-10T12:00:00Z");

const YAML = `catalog: false
vantages: [probe/a]
components:
  - { id: shop/pay-eu, tags: [team-pay], checks: [{ http: https://pay-eu.example/ }] }
  - { id: shop/pay-us, tags: [team-pay, tier-1], checks: [{ http: https://pay-us.example/ }] }
  - { id: shop/web, tags: [tier-1], checks: [{ http: https://web.example/ }] }
`;

let dir: string;
let store: Store;
let bus: MemoryBus;
let hub: ReplicatedHub;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-sla-tag-"));
  const config = parseConfig("epicenter.yaml", YAML);
  store = await openStore({ dataDir: dir, env: {} });
  bus = new MemoryBus();
  hub = new ReplicatedHub({
    store,
    bus,
    model: { components: config.model.components, vantages: config.vantages, checks: config.checks },
    clock: () => NOW,
    tickMs: 3_600_000,
  });
  await hub.start();
  // Nov 1, 24 hours: pay-eu up all day, pay-us down for its first 6, web down for 12.
  const batch: Observation[] = [];
  for (let h = 0; h < 24; h++)
    for (const [component, downHours] of [
      ["shop/pay-eu", 0],
      ["shop/pay-us", 6],
      ["shop/web", 12],
    ] as const)
      batch.push({
        id: `${component}-${h}`,
        at: NOV1 + h * HOUR + 60_000,
        vantage: "probe/a",
        component,
        check: `${component}#1`,
        status: h < downHours ? "down" : "up",
        latencyMs: 30,
        errorClass: h < downHours ? "http-5xx" : null,
      });
  await hub.ingest(batch);
  await new Promise((r) => setImmediate(r));
  await store.rollup(NOV1 - HOUR, NOV1 + 25 * HOUR);
  app = createApp({ hub, auth: { anonymousRead: true }, now: () => NOW, webRoot: null });
});

afterAll(async () => {
  await hub?.stop();
  await bus?.close();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const WINDOW = ["--from", "2026-11-01", "--to", "2026-11-02"];
const availability = (report: { components: { id: string; availability: number | null }[] }) =>
  report.components.map((c) => [c.id, c.availability]);

describe("an SLA report by tag", () => {
  it("the API reports only the components with the tag, each as without the filter", async () => {
    const res = await app.request("/api/v1/reports/sla?from=2026-11-01&to=2026-11-02&tag=team-pay");
    expect(res.status).toBe(200);
    const report = slaResponse.parse(await res.json());
    expect(availability(report)).toEqual([
      ["shop/pay-eu", 1],
      ["shop/pay-us", 18 / 24],
    ]);
    const tier = slaResponse.parse(
      await (await app.request("/api/v1/reports/sla?from=2026-11-01&to=2026-11-02&tag=tier-1")).json(),
    );
    expect(availability(tier)).toEqual([
      ["shop/pay-us", 18 / 24],
      ["shop/web", 12 / 24],
    ]);
  });

  it("the API answers a tag nobody carries with a 404 naming the tags in use, a malformed one with a 400", async () => {
    const none = await app.request("/api/v1/reports/sla?from=2026-11-01&to=2026-11-02&tag=team-pya");
    expect(none.status).toBe(404);
    expect(JSON.stringify(await none.json())).toContain(
      'no observed component carries tag \\"team-pya\\"; tags in use: team-pay, tier-1',
    );
    const bad = await app.request("/api/v1/reports/sla?from=2026-11-01&to=2026-11-02&tag=a%20b");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/tag/);
  });

  it("epicenter report sla --tag prints the same report from the store, and refuses a tag nobody carries", async () => {
    const { io, out } = captureIo(dir);
    expect(await run(["report", "sla", ...WINDOW, "--tag", "team-pay", "--data", dir, "--json"], io)).toBe(0);
    const cli = slaResponse.parse(JSON.parse(out.join("")));
    expect(availability(cli)).toEqual([
      ["shop/pay-eu", 1],
      ["shop/pay-us", 18 / 24],
    ]);
    const table = captureIo(dir);
    expect(await run(["report", "sla", ...WINDOW, "--tag", "tier-1", "--data", dir], table.io)).toBe(0);
    const text = table.out.join("\n");
    expect(text).toMatch(/shop\/web\s+50\.00?%/);
    expect(text).not.toMatch(/shop\/pay-eu/);
    const missing = captureIo(dir);
    expect(await run(["report", "sla", ...WINDOW, "--tag", "nobody", "--data", dir], missing.io)).toBe(1);
    expect(missing.err.join("\n")).toContain(
      'no observed component carries tag "nobody"; tags in use: team-pay, tier-1',
    );
  });
});
