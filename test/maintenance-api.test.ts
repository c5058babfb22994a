/**
 * Maintenance through the API on a real hub and store: made by an editor, listed, ended early, refused
 * with the field to blame; and the status page's scheduled-maintenances.json in Statuspage's shape (its
 * keys compared with the windows of Cloudflare's real summary of 2025-11-18).
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken } from "../src/server/auth-tokens.js";
import { maintenancesResponse, scheduledMaintenance } from "../src/server/maintenance-json.js";
import { createApp } from "../src/server/server-app.js";
import { openServerHub, type ServerHub } from "./server-hub.js";
import { realDataMissing, SHARED_REAL_DATA } from "./shared-paths.js";

const T0 = Date.parse("2026-12-05T01:00:00Z");
const HOUR = 3_600_000;
let served: ServerHub;
let editor: string;
let viewer: string;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  served = await openServerHub({ now: T0 });
  editor = (await createToken(served.store, { name: "ops", role: "editor", now: T0 })).secret;
  viewer = (await createToken(served.store, { name: "eve", role: "viewer", now: T0 })).secret;
  app = createApp({ hub: served.hub, auth: { anonymousRead: false }, now: () => served.now });
});
afterAll(() => served?.close());

const call = (path: string, secret: string, init: RequestInit = {}) =>
  app.request(path, {
    ...init,
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
  });
const post = (body: unknown) =>
  call("/api/v1/maintenances", editor, { method: "POST", body: JSON.stringify(body) });

// biome-ignore lint/suspicious/noExplicitAny: JSON walked generically
type Json = any;
function keys(value: Json, at = "", into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keys(v, `${at}[]`, into);
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      into.add(`${at}.${k}`);
      keys(v, `${at}.${k}`, into);
    }
  return into;
}

describe("maintenance API", () => {
  it("makes, lists and ends windows, and says which field is wrong", async () => {
    const made = await post({
      title: "API node upgrade",
      components: ["acme/api"],
      start: "2026-12-05T02:00:00+01:00",
      end: "2026-12-05T04:00:00+01:00",
    });
    expect(made.status).toBe(201);
    const { maintenance } = (await made.json()) as Json;
    expect(maintenance).toMatchObject({
      title: "API node upgrade",
      components: ["acme/api"],
      start: "2026-12-05T01:00:00.000Z",
      end: "2026-12-05T03:00:00.000Z",
      status: "in_progress",
      source: "api",
      createdBy: "ops",
      endedAt: null,
    });
    await post({
      title: "Later",
      components: ["acme/web"],
      start: "2026-12-06T00:00:00Z",
      end: "2026-12-06T01:00:00Z",
    });
    expect([...served.hub.maintenance.inMaintenance(served.now)]).toEqual(["acme/api"]);

    const listed = (await (await call("/api/v1/maintenances", viewer)).json()) as Json;
    maintenancesResponse.parse(listed);
    expect(listed.maintenances.map((m: Json) => [m.title, m.status])).toEqual([
      ["API node upgrade", "in_progress"],
      ["Later", "scheduled"],
    ]);

    served.now = T0 + HOUR;
    const ended = await call(`/api/v1/maintenances/${maintenance.id}`, editor, { method: "DELETE" });
    expect(ended.status).toBe(200);
    expect(((await ended.json()) as Json).maintenance).toMatchObject({
      end: "2026-12-05T02:00:00.000Z",
      plannedEnd: "2026-12-05T03:00:00.000Z",
      endedAt: "2026-12-05T02:00:00.000Z",
      status: "completed",
    });
    expect([...served.hub.maintenance.inMaintenance(served.now)]).toEqual([]);
    expect((await call(`/api/v1/maintenances/${maintenance.id}`, editor, { method: "DELETE" })).status).toBe(
      404,
    );

    const bad = await post({
      title: "x",
      components: ["acme/api", "acme/nope"],
      start: "2026-12-05T05:00:00Z",
      end: "2026-12-05T06:00:00Z",
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error).toMatchObject({
      path: "components[1]",
      message: 'unknown component "acme/nope"',
    });
    const backwards = await post({
      title: "x",
      components: ["acme/api"],
      start: "2026-12-05T06:00:00Z",
      end: "2026-12-05T05:00:00Z",
    });
    expect(((await backwards.json()) as Json).error).toMatchObject({ path: "end" });
    const noZone = await post({
      title: "x",
      components: ["acme/api"],
      start: "2026-12-05T06:00",
      end: "2026-12-05T07:00",
    });
    expect(noZone.status).toBe(400);
  });

  it("refuses a window ending more than two years from now, with the reason", async () => {
    const now = served.now;
    const latest = new Date(now);
    latest.setUTCFullYear(latest.getUTCFullYear() + 2);
    const ending = (end: string) =>
      post({
        title: "Far",
        components: ["acme/api"],
        start: new Date(latest.getTime() - HOUR).toISOString(),
        end,
      });
    for (const end of ["9999-12-31T00:00:00Z", new Date(latest.getTime() + 1000).toISOString()]) {
      const res = await ending(end);
      expect(res.status, end).toBe(400);
      expect(((await res.json()) as Json).error).toMatchObject({
        path: "end",
        message: `end is more than two years from now; a window must end by ${latest.toISOString()}`,
      });
    }
    const edge = await ending(latest.toISOString());
    expect(edge.status).toBe(201);
    const { maintenance } = (await edge.json()) as Json;
    expect(maintenance.end).toBe(latest.toISOString());
  });

  it("answers scheduled-maintenances.json as Statuspage does", async () => {
    const res = await app.request("/status/api/v2/scheduled-maintenances.json");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    for (const m of body.scheduled_maintenances) scheduledMaintenance.parse(m);
    expect(body.scheduled_maintenances.map((m: Json) => [m.name, m.status])).toEqual([
      ["Later", "scheduled"],
      ["API node upgrade", "completed"],
    ]);
    const done = body.scheduled_maintenances[1];
    expect(done.incident_updates.map((u: Json) => u.status)).toEqual([
      "completed",
      "in_progress",
      "scheduled",
    ]);
    expect(done.incident_updates[0].body).toBe("The maintenance ended early.");
    expect(done.components.map((c: Json) => c.id)).toEqual(["acme/api"]);
    expect(done.incident_updates[0].affected_components[0]).toMatchObject({
      code: "acme/api",
      new_status: "under_maintenance",
    });
    expect(done).toMatchObject({
      scheduled_for: "2026-12-05T01:00:00.000Z",
      scheduled_until: "2026-12-05T02:00:00.000Z",
    });
    const upcoming = (await (
      await app.request("/status/api/v2/scheduled-maintenances/upcoming.json")
    ).json()) as Json;
    expect(upcoming.scheduled_maintenances.map((m: Json) => m.name)).toEqual(["Later"]);
    const active = (await (
      await app.request("/status/api/v2/scheduled-maintenances/active.json")
    ).json()) as Json;
    expect(active.scheduled_maintenances).toEqual([]);
  });

  it.skipIf(realDataMissing("statuspage") !== null)(
    "has the keys of Cloudflare's real scheduled maintenances",
    async () => {
      const real = JSON.parse(
        gunzipSync(
          readFileSync(
            `${SHARED_REAL_DATA}statuspage/cloudflare-2025-11-18/2025-11-18T10-46-32Z.summary.json.gz`,
          ),
        ).toString("utf8"),
      );
      const ours = (await (await app.request("/status/api/v2/scheduled-maintenances.json")).json()) as Json;
      const theirs = keys(real.scheduled_maintenances);
      expect([...keys(ours.scheduled_maintenances)].sort()).toEqual([...theirs].sort());
      const statuses = new Set(real.scheduled_maintenances.map((m: Json) => m.status));
      for (const m of ours.scheduled_maintenances)
        expect(["scheduled", "in_progress", "completed", ...statuses]).toContain(m.status);
    },
  );
});
