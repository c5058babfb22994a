/**
 * The status page's 90-day history (GET /status/api/v2/uptime.json) through the real app on a real hub
 * (SQLite, the example model): uptime per UTC day from the hourly rollups, a day no vantage saw is unknown
 * (null, never 100%), the incidents that hit a service on the days they were open, only public services,
 * and the answer parses with its schema and is cacheable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Observation } from "../src/model/observation.js";
import { createApp } from "../src/server/server-app.js";
import { statusUptimeResponse } from "../src/server/status-responses.js";
import { incident, observation, openServerHub, type ServerHub } from "./server-hub.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const TODAY = Date.parse("2026-11-20T00:00:00Z");
const NOW = TODAY + 10 * HOUR;
const VANTAGES = ["probe/us-east", "probe/eu-west"];

let served: ServerHub;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  served = await openServerHub({
    now: NOW,
    // Open from 12:00 to 14:00 three days ago.
    incidents: [incident("inc-1", TODAY - 3 * DAY + 12 * HOUR, TODAY - 3 * DAY + 14 * HOUR, "aws/us-east-1")],
  });
  const batch: Observation[] = [];
  const seen = (day: number, hour: number, status: Observation["status"]) => {
    for (const vantage of VANTAGES)
      batch.push(
        observation(`${vantage}-${day}-${hour}`, day + hour * HOUR + 60_000, {
          vantage,
          status,
          errorClass: status === "down" ? "http-5xx" : null,
        }),
      );
  };
  // Five days ago: seen all day, up. Four days ago: no vantage saw it. Three days ago: up until noon, then
  // down for two hours (the incident), then not seen.
  for (let h = 0; h < 24; h++) seen(TODAY - 5 * DAY, h, "up");
  for (let h = 0; h < 14; h++) seen(TODAY - 3 * DAY, h, h < 12 ? "up" : "down");
  await served.ingest(batch);
  await served.store.rollup(TODAY - 6 * DAY, NOW);
  app = createApp({ hub: served.hub, auth: { anonymousRead: false }, now: () => served.now, webRoot: null });
});

afterAll(async () => {
  await served?.close();
});

describe("GET /status/api/v2/uptime.json", () => {
  it("gives 90 UTC days per public service, a blind day unknown, and the incidents of each day", async () => {
    const res = await app.request("/status/api/v2/uptime.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    expect(res.headers.get("etag")).toMatch(/^"[\w-]+"$/);
    const body = statusUptimeResponse.parse(await res.json());
    expect(body.days).toBe(90);
    const ids = body.components.map((c) => c.id);
    expect(ids).toContain("acme/api");
    expect(ids).not.toContain("aws/us-east-1"); // not monitored: not on the status page
    const api = body.components.find((c) => c.id === "acme/api")!;
    expect(api.name).toBe("Public API");
    expect(api.days).toHaveLength(90);
    expect(api.days[0]!.date).toBe("2026-08-23");
    expect(api.days[89]!.date).toBe("2026-11-20");
    const day = (ago: number) => api.days[89 - ago]!;
    expect(day(5)).toEqual({ date: "2026-11-15", uptime: 1, seen_hours: 24, incidents: [] });
    // No vantage saw it: unknown, neither up nor down.
    expect(day(4)).toEqual({ date: "2026-11-16", uptime: null, seen_hours: 0, incidents: [] });
    expect(day(3)).toEqual({
      date: "2026-11-17",
      uptime: 12 / 14,
      seen_hours: 14,
      incidents: [{ id: "inc-1", name: "AWS US East (N. Virginia) (us-east-1) is likely failing" }],
    });
    expect(day(0).uptime).toBeNull();
    // Over the 90 days: 36 of the 38 seen hours up; the 2,122 blind ones count neither way.
    expect(api.uptime).toBeCloseTo(36 / 38, 10);
    const checkout = body.components.find((c) => c.id === "acme/checkout")!;
    expect(checkout.uptime).toBeNull();
    expect(checkout.days.filter((d) => d.incidents.length > 0).map((d) => d.date)).toEqual(["2026-11-17"]);
    const again = await app.request("/status/api/v2/uptime.json", {
      headers: { "if-none-match": res.headers.get("etag")! },
    });
    expect(again.status).toBe(304);
  });
});
