/**
 * Groups and tags through the API on a real hub (SQLite, in-memory bus): `?tag=` and `?group=` on the
 * component lists, the summary's groups, and summary.json's component groups with their rule's status.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/memory/memory-bus.js";
import { parseConfig } from "../src/config/config-load.js";
import { ReplicatedHub } from "../src/hub/hub.js";
import type { Observation } from "../src/model/observation.js";
import { componentsResponse, statesResponse, summaryResponse } from "../src/server/api-responses.js";
import { createApp } from "../src/server/server-app.js";
import { statusSummaryResponse } from "../src/server/status-responses.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";

const YAML = `catalog: false
vantages: [probe/a]
components:
  - { id: shop/pay-eu, group: Payments, tags: [team-pay, tier-1], checks: [{ http: https://pay-eu.example/ }] }
  - { id: shop/pay-us, group: Payments, tags: [team-pay], checks: [{ http: https://pay-us.example/ }] }
  - { id: shop/pay-ap, group: Payments, tags: [team-pay], checks: [{ http: https://pay-ap.example/ }] }
  - { id: shop/web, group: Front, tags: [tier-1], checks: [{ http: https://web.example/ }] }
  - { id: shop/cdn, group: Front, checks: [{ http: https://cdn.example/ }] }
  - { id: acme/api, checks: [{ http: https://api.acme.example/ }] }
  - { id: acme/db }
groups:
  Payments: { rule: atLeast, k: 2 }
  Front: { rule: all }
`;

let dir: string;
let store: Store;
let bus: MemoryBus;
let hub: ReplicatedHub;
let app: ReturnType<typeof createApp>;
let now = Date.parse("2026-12-01T12:00:00Z");
let n = 0;

async function seen(component: string, status: Observation["status"]) {
  now += 1000;
  await hub.ingest([
    {
      id: `o-${++n}`,
      at: now,
      vantage: "probe/a",
      component,
      check: `${component}#1`,
      status,
      latencyMs: 50,
      errorClass: status === "down" ? "http-5xx" : null,
    },
  ]);
  await new Promise((r) => setImmediate(r));
}

const json = async (path: string) => {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-groups-"));
  const config = parseConfig("epicenter.yaml", YAML);
  store = await openStore({ dataDir: dir, env: {} });
  bus = new MemoryBus();
  const model = {
    components: config.model.components,
    vantages: config.vantages,
    checks: config.checks,
    groups: config.groups,
  };
  hub = new ReplicatedHub({ store, bus, model, clock: () => now, tickMs: 3_600_000 });
  await hub.start();
  app = createApp({ hub, auth: { anonymousRead: true }, now: () => now, webRoot: null });
  for (const c of ["shop/pay-eu", "shop/pay-us", "shop/pay-ap", "shop/web", "shop/cdn", "acme/api"])
    await seen(c, "up");
  await seen("shop/pay-eu", "down");
  await seen("shop/web", "down");
  await seen("acme/api", "down");
});

afterAll(async () => {
  await hub?.stop();
  await bus?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const idsOf = (list: { id?: string; component?: string }[]) => list.map((x) => x.id ?? x.component).sort();

describe("?tag= and ?group=", () => {
  it("filter /api/v1/components by tag, by group (named or the id's first segment), and both", async () => {
    const list = async (q: string) =>
      idsOf(componentsResponse.parse((await json(`/api/v1/components?${q}`)).body).components);
    expect(await list("tag=team-pay")).toEqual(["shop/pay-ap", "shop/pay-eu", "shop/pay-us"]);
    expect(await list("tag=tier-1")).toEqual(["shop/pay-eu", "shop/web"]);
    expect(await list("group=Front")).toEqual(["shop/cdn", "shop/web"]);
    expect(await list("group=acme")).toEqual(["acme/api", "acme/db"]);
    expect(await list("group=Payments&tag=tier-1")).toEqual(["shop/pay-eu"]);
    expect(await list("tag=nobody")).toEqual([]);
    const spec = componentsResponse.parse((await json("/api/v1/components?tag=tier-1")).body).components[0];
    expect(spec).toMatchObject({ id: "shop/pay-eu", group: "Payments", tags: ["team-pay", "tier-1"] });
  });

  it("filter /api/v1/states and /api/v1/summary the same way", async () => {
    const states = statesResponse.parse((await json("/api/v1/states?group=Front")).body).states;
    expect(idsOf(states)).toEqual(["shop/cdn", "shop/web"]);
    const summary = summaryResponse.parse((await json("/api/v1/summary?tag=team-pay")).body);
    expect(idsOf(summary.services.items)).toEqual(["shop/pay-ap", "shop/pay-eu", "shop/pay-us"]);
    expect(summary.services.items.every((s) => s.group === "Payments")).toBe(true);
  });

  it("answer a malformed tag or group with a 400 naming it", async () => {
    for (const path of [
      "/api/v1/components?tag=has%20space",
      "/api/v1/states?tag=",
      "/api/v1/summary?group=%0A",
    ]) {
      const { status, body } = await json(path);
      expect(status, path).toBe(400);
      expect(JSON.stringify(body), path).toMatch(/tag|group/);
    }
  });

  test.prop([fc.string({ maxLength: 120 }), fc.constantFrom("components", "states", "summary")], {
    numRuns: 60,
  })("never answer a 500, whatever the tag or group", async (value, list) => {
    for (const key of ["tag", "group"]) {
      const res = await app.request(`/api/v1/${list}?${key}=${encodeURIComponent(value)}`);
      expect([200, 400]).toContain(res.status);
    }
  });
});

describe("group states", () => {
  it("the summary lists every group with its rule's state, worst first, and orders services by group", async () => {
    const summary = summaryResponse.parse((await json("/api/v1/summary?order=group")).body);
    expect(summary.groups).toEqual([
      { name: "acme", status: "down", rule: "any", services: 1 },
      { name: "Front", status: "partial", rule: "all", services: 2 },
      { name: "Payments", status: "partial", rule: "atLeast", k: 2, services: 3 },
    ]);
    expect(summary.services.items.map((s) => s.id)).toEqual([
      "acme/api",
      "shop/web",
      "shop/cdn",
      "shop/pay-eu",
      "shop/pay-ap",
      "shop/pay-us",
    ]);
  });

  it("summary.json's groups carry the rule's status and their members' group_id", async () => {
    const page = statusSummaryResponse.parse((await json("/status/api/v2/summary.json")).body);
    const group = (id: string) => page.components.find((c) => c.id === id);
    expect(group("group:Payments")).toMatchObject({
      group: true,
      status: "partial_outage",
      components: ["shop/pay-eu", "shop/pay-us", "shop/pay-ap"],
    });
    expect(group("group:Front")).toMatchObject({ status: "partial_outage" });
    expect(group("group:acme")).toMatchObject({ status: "major_outage", components: ["acme/api"] });
    expect(group("shop/pay-us")).toMatchObject({ group: false, group_id: "group:Payments" });
    expect(group("acme/api")).toMatchObject({ group_id: "group:acme" });

    // A second payment region down reaches the rule's k: the group is down.
    await seen("shop/pay-us", "down");
    const after = statusSummaryResponse.parse((await json("/status/api/v2/summary.json")).body);
    expect(after.components.find((c) => c.id === "group:Payments")?.status).toBe("major_outage");
    // Front's rule is all: both down before it is.
    await seen("shop/cdn", "down");
    const both = statusSummaryResponse.parse((await json("/status/api/v2/summary.json")).body);
    expect(both.components.find((c) => c.id === "group:Front")?.status).toBe("major_outage");
  });
});
