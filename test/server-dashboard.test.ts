/**
 * The routes the dashboard and the public status page read (summary, concentration, Statuspage-format JSON)
 * and the dashboard's files, on a real SQLite store through app.request().
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatuspageCheck } from "../src/probe/check-types.js";
import { fromSummary } from "../src/probe/statuspage-check.js";
import { createApp } from "../src/server/server-app.js";
import { incident, observation, openServerHub, type ServerHub } from "./server-hub.js";
import { statuspageSummary } from "./statuspage-schema.js";

// biome-ignore lint/suspicious/noExplicitAny: responses are JSON, inspected loosely; the assertions are the check.
type Loose = any;

const T0 = Date.parse("2021-12-07T15:00:00Z");
let served: ServerHub;
let closed: ReturnType<typeof createApp>;
let web: string;
let app: ReturnType<typeof createApp>;

/** What each vantage (probe/v0, probe/v1, …) last saw of a service, as the hub's observations. */
const seen = (component: string, statuses: ("up" | "down" | "degraded")[]) =>
  statuses.map((status, i) =>
    observation(`${component}-${i}`, T0, {
      component,
      check: `${component}#1`,
      vantage: `probe/v${i}`,
      status,
      errorClass: status === "down" ? "http-5xx" : null,
    }),
  );

beforeAll(async () => {
  // The open incident affects acme/api and acme/checkout: the hub names them affected by it.
  served = await openServerHub({
    vantages: ["probe/v0", "probe/v1", "probe/v2"],
    incidents: [
      {
        ...incident("inc-open", T0, null, "aws/us-east-1"),
        epicenter: [
          { component: "aws/us-east-1", confidence: 0.8 },
          { component: "aws/us-east-1/ec2", confidence: 0.15 },
        ],
        history: [
          { at: T0, epicenter: [{ component: "aws/us-east-1/ec2", confidence: 0.5 }] },
          { at: T0 + 60_000, epicenter: [{ component: "aws/us-east-1", confidence: 0.8 }] },
        ],
      },
      incident("inc-old", T0 - 86_400_000, T0 - 80_000_000, "fastly/cdn"),
    ],
  });
  const hub = served.hub;
  web = mkdtempSync(join(tmpdir(), "epicenter-web-"));
  mkdirSync(join(web, "assets"));
  writeFileSync(
    join(web, "index.html"),
    '<!doctype html><script type="module" src="/assets/app-abc123.js"></script>',
  );
  writeFileSync(join(web, "assets", "app-abc123.js"), "console.log(1)");
  app = createApp({ hub, auth: { anonymousRead: true }, webRoot: web });
  closed = createApp({ hub, auth: { anonymousRead: false }, webRoot: join(web, "missing") });
  await served.ingest([
    ...seen("acme/api", ["down", "down", "up"]),
    ...seen("acme/checkout", ["down", "up", "up"]),
    ...seen("acme/web", ["degraded", "up"]),
    ...seen("acme/search", ["up", "up"]),
  ]);
});

afterAll(async () => {
  await served?.close();
  rmSync(web, { recursive: true, force: true });
});

async function get(path: string, on = app) {
  const res = await on.request(path);
  return { status: res.status, res, body: (await res.json()) as Loose };
}

describe("GET /api/v1/summary", () => {
  it("counts services by state, lists open incidents with how many services they hit, and pages services worst first", async () => {
    const { status, body } = await get("/api/v1/summary?limit=2");
    expect(status).toBe(200);
    expect(body.counts).toMatchObject({ down: 1, partial: 1, degraded: 1, up: 1 });
    expect(body.counts.services).toBe(6);
    expect(body.counts.unknown).toBe(2);
    expect(body.incidents.map((i: Loose) => i.id)).toEqual(["inc-open"]);
    expect(body.incidents[0].servicesHit).toBe(2);
    expect(body.incidents[0].epicenter[1].component).toBe("aws/us-east-1/ec2");
    expect(body.services.total).toBe(6);
    expect(body.services.items.map((s: Loose) => [s.id, s.status])).toEqual([
      ["acme/api", "down"],
      ["acme/checkout", "partial"],
    ]);
    expect(body.services.items[0].observed[0]).toMatchObject({
      vantage: "probe/v0",
      status: "down",
      errorClass: "http-5xx",
    });
    const next = await get("/api/v1/summary?limit=2&offset=2");
    expect(next.body.services.items.map((s: Loose) => s.id)).toEqual(["acme/web", "acme/notifications"]);
  });

  it("filters by text and state, refuses a bad page size, and needs a token when reads are closed", async () => {
    expect((await get("/api/v1/summary?q=CHECK")).body.services.items.map((s: Loose) => s.id)).toEqual([
      "acme/checkout",
    ]);
    expect((await get("/api/v1/summary?status=impaired")).body.services.total).toBe(3);
    expect((await get("/api/v1/summary?status=up")).body.services.items.map((s: Loose) => s.id)).toEqual([
      "acme/search",
    ]);
    const bad = await get("/api/v1/summary?limit=5000");
    expect(bad.status).toBe(400);
    expect((await get("/api/v1/summary", closed)).status).toBe(401);
  });
});

describe("GET /api/v1/concentration", () => {
  it("ranks shared components by the monitored services they take down, with hosting shares", async () => {
    const { status, body } = await get("/api/v1/concentration?limit=3");
    expect(status).toBe(200);
    expect(body.observed).toBe(6);
    expect(body.candidates).toHaveLength(3);
    expect(body.candidates[0].down).toBeGreaterThanOrEqual(body.candidates[1].down);
    expect(body.hosting.providers.length).toBeGreaterThan(0);
    expect(body.hosting.hhi).toBeGreaterThan(0);
  });
});

describe("the public status page's JSON", () => {
  it("is Statuspage's v2 summary, open to anyone even when reads are closed, and our own statuspage check reads it", async () => {
    const { status, body } = await get("/status/api/v2/summary.json", closed);
    expect(status).toBe(200);
    const summary = statuspageSummary.parse(body);
    expect(summary.status.indicator).toBe("major");
    const api = summary.components.find((c) => c.id === "acme/api")!;
    expect(api).toMatchObject({ status: "major_outage", group_id: "group:acme", group: false });
    expect(summary.components.find((c) => c.id === "group:acme")).toMatchObject({
      group: true,
      status: "major_outage",
    });
    expect(summary.incidents.map((i) => i.id)).toEqual(["inc-open"]);
    const [open] = summary.incidents;
    expect(open!.status).toBe("identified");
    expect(open!.impact).toBe("major");
    expect(open!.incident_updates.map((u) => u.body)).toEqual([
      "The likely cause is AWS US East (N. Virginia) (us-east-1) (80% confidence).",
      "The likely cause is Amazon EC2 (us-east-1) (50% confidence).",
    ]);
    // Nothing beyond monitored services: no checks, no vantages, no catalog components.
    expect(JSON.stringify(body)).not.toMatch(/probe\/v0|hunter2|s3cret|aws\/us-east-1\/ec2"/);
    const check = {
      component: "acme/api",
      components: { "acme/api": "acme/api", Search: "acme/search" },
    } as unknown as StatuspageCheck;
    expect(fromSummary(check, body).components).toEqual([
      { component: "acme/api", status: "down" },
      { component: "acme/search", status: "up" },
    ]);
  });

  it("lists recent incidents, resolved ones in plain words too", async () => {
    const { status, body } = await get("/status/api/v2/incidents.json", closed);
    expect(status).toBe(200);
    expect(body.incidents.map((i: Loose) => [i.id, i.status])).toEqual([
      ["inc-open", "identified"],
      ["inc-old", "resolved"],
    ]);
    expect(body.incidents[1].name).toBe("Fastly CDN is likely failing");
    expect(body.incidents[1].incident_updates[0].body).toBe("This incident has been resolved.");
  });
});

describe("the dashboard's files", () => {
  it("serves index.html with a strict CSP for app paths, hashed assets immutable, and leaves API paths to the API", async () => {
    for (const path of ["/", "/map", "/components/aws/us-east-1", "/status"]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      expect(await res.text()).toContain("/assets/app-abc123.js");
    }
    const asset = await app.request("/assets/app-abc123.js");
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await app.request("/assets/missing.js")).status).toBe(404);
    expect((await app.request("/assets/..%2F..%2Fpackage.json")).status).toBe(404);
    const api = await get("/api/v1/nothing");
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe("not_found");
    expect((await get("/status/api/v2/nothing.json")).body.error.code).toBe("not_found");
    expect((await app.request("/api/v1/whatif")).status).toBe(405);
  });

  it("says how to build the dashboard when the build is missing", async () => {
    const res = await closed.request("/");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("npm run build");
  });
});
