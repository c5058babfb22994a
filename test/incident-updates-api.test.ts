/**
 * People's updates to an incident through the API on a real hub and SQLite store: posted by an editor only,
 * refused with a reason (400) or as unknown (404), shown on GET /api/v1/incidents/{id} beside the localizer's
 * history, kept across a hub restart, and the public ones alone in the status page's Statuspage JSON.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_UPDATE_MESSAGE, MAX_UPDATES_PER_INCIDENT } from "../src/model/incident-update.js";
import { incidentResponse } from "../src/server/api-responses.js";
import { createToken } from "../src/server/auth-tokens.js";
import { incidentUpdateResponse } from "../src/server/incident-update-json.js";
import { createApp } from "../src/server/server-app.js";
import { statusIncidentsResponse, statusSummaryResponse } from "../src/server/status-responses.js";
import { incident, openServerHub, type ServerHub } from "./server-hub.js";

const T0 = Date.parse("2026-12-05T01:00:00Z");
const OPEN = "inc-20261205T005000-aaaaaa";
const CLOSED = "inc-20261204T120000-bbbbbb";
let dir: string;
let served: ServerHub;
let editor: string;
let viewer: string;
let app: ReturnType<typeof createApp>;

// biome-ignore lint/suspicious/noExplicitAny: JSON read back generically
type Json = any;

async function start(): Promise<void> {
  served = await openServerHub({
    dir,
    now: T0,
    incidents: [
      incident(OPEN, T0 - 10 * 60_000, null),
      incident(CLOSED, T0 - 13 * 3_600_000, T0 - 12 * 3_600_000),
    ],
  });
  app = createApp({ hub: served.hub, auth: { anonymousRead: false }, now: () => served.now });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-updates-"));
  await start();
  editor = (await createToken(served.store, { name: "ops", role: "editor", now: T0 })).secret;
  viewer = (await createToken(served.store, { name: "eve", role: "viewer", now: T0 })).secret;
});
afterAll(async () => {
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (path: string, secret: string | null, init: RequestInit = {}) =>
  app.request(path, {
    ...init,
    headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), "content-type": "application/json" },
  });
const post = (id: string, body: unknown, secret: string | null = editor) =>
  call(`/api/v1/incidents/${id}/updates`, secret, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const detail = async (id: string) => (await (await call(`/api/v1/incidents/${id}`, viewer)).json()) as Json;

describe("incident updates API", () => {
  it("takes an editor's update, answers who wrote it, and refuses viewers and anonymous callers", async () => {
    served.now = T0 + 60_000;
    const made = await post(OPEN, {
      status: "identified",
      message: "  DB primary failed over  ",
      public: true,
    });
    expect(made.status).toBe(201);
    const { update } = incidentUpdateResponse.parse(await made.json());
    expect(update).toMatchObject({
      at: "2026-12-05T01:01:00.000Z",
      status: "identified",
      message: "DB primary failed over",
      public: true,
      author: "ops",
    });
    expect((await post(OPEN, { status: "monitoring", message: "x" }, viewer)).status).toBe(403);
    expect((await post(OPEN, { status: "monitoring", message: "x" }, null)).status).toBe(401);
    expect((await detail(OPEN)).incident.updates).toHaveLength(1);
  });

  it("refuses a malformed body with a 400 naming the field, and an unknown incident with a 404", async () => {
    const refusals: [unknown, string][] = [
      [{ status: "fixed", message: "m", public: true }, "status"],
      [{ status: "identified", message: "   ", public: true }, "message"],
      [{ status: "identified", message: "a".repeat(MAX_UPDATE_MESSAGE + 1) }, "message"],
      [{ status: "identified", message: "bell\u0007" }, "message"],
      [{ status: "identified", message: "m", public: "yes" }, "public"],
      [{ status: "identified", message: "m", extra: 1 }, ""],
      [{ message: "m" }, "status"],
    ];
    for (const [body, path] of refusals) {
      const r = await post(OPEN, body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const answer = (await r.json()) as Json;
      expect(answer.error.message.length).toBeGreaterThan(0);
      if (path) expect(JSON.stringify(answer)).toContain(path);
    }
    expect((await post(OPEN, "{not json")).status).toBe(400);
    const unknown = await post("inc-nope", { status: "identified", message: "m" });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Json).error.message).toContain("inc-nope");
    // Nothing refused was stored.
    expect((await detail(OPEN)).incident.updates).toHaveLength(1);
  });

  it("never answers 500 to any body", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string()), async (body) => {
        const r = await post(CLOSED, body);
        expect([201, 400]).toContain(r.status);
      }),
      { numRuns: 60 },
    );
  });

  it("shows updates beside the history with the human status, and keeps them across a restart", async () => {
    served.now = T0 + 120_000;
    await post(OPEN, { status: "resolved", message: "Team-only: we think it is over", public: false });
    const before = await detail(OPEN);
    incidentResponse.parse(before);
    expect(before.incident.history.length).toBeGreaterThan(0);
    expect(before.incident.updates.map((u: Json) => [u.status, u.public, u.author])).toEqual([
      ["identified", true, "ops"],
      ["resolved", false, "ops"],
    ]);
    expect(before.incident.humanStatus).toBe("resolved");
    // A person's resolved does not resolve the localizer's incident.
    expect(before.incident.resolvedAt).toBeNull();
    expect(JSON.stringify(before)).not.toContain(editor);

    await served.close();
    await start();
    const after = await detail(OPEN);
    expect(after.incident.updates).toEqual(before.incident.updates);
    expect(after.incident.humanStatus).toBe("resolved");
  });

  it("refuses an update past the most one incident takes, with a 409 saying so", async () => {
    const busy = "inc-busy";
    await served.store.saveIncident(incident(busy, T0 - 5 * 60_000, T0 - 60_000));
    for (let i = 0; i < MAX_UPDATES_PER_INCIDENT - 1; i++)
      await served.store.incidentUpdates.addIncidentUpdate({
        id: `upd-busy-${i}`,
        incidentId: busy,
        at: T0 + i,
        status: "investigating",
        message: `note ${i}`,
        public: false,
        author: "ops",
      });
    expect((await post(busy, { status: "resolved", message: "last one" })).status).toBe(201);
    const refused = await post(busy, { status: "resolved", message: "one too many" });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as Json).error.message).toContain(`${MAX_UPDATES_PER_INCIDENT} updates`);
    expect((await detail(busy)).incident.updates).toHaveLength(MAX_UPDATES_PER_INCIDENT);
  });

  it("puts the public updates alone in the Statuspage JSON, newest first, in Statuspage's shape", async () => {
    served.now = T0 + 180_000;
    const markup = `<script>alert("x")</script> & "quotes"`;
    await post(OPEN, { status: "monitoring", message: markup, public: true });
    const incidents = statusIncidentsResponse.parse(
      await (await call("/status/api/v2/incidents.json", null)).json(),
    ).incidents;
    const open = incidents.find((i) => i.id === OPEN)!;
    const bodies = open.incident_updates.map((u) => u.body);
    expect(bodies.slice(0, 2)).toEqual([markup, "DB primary failed over"]);
    expect(bodies).not.toContain("Team-only: we think it is over");
    expect(open.incident_updates.map((u) => u.display_at)).toEqual(
      open.incident_updates
        .map((u) => u.display_at)
        .sort()
        .reverse(),
    );
    expect(open.incident_updates[0]).toMatchObject({ status: "monitoring", incident_id: OPEN });
    // The team's latest public word is the incident's status while the localizer's stays open.
    expect(open).toMatchObject({
      status: "monitoring",
      monitoring_at: "2026-12-05T01:03:00.000Z",
      resolved_at: null,
    });
    const closed = incidents.find((i) => i.id === CLOSED)!;
    expect(closed.status).toBe("resolved");
    const summary = statusSummaryResponse.parse(
      await (await call("/status/api/v2/summary.json", null)).json(),
    );
    expect(summary.incidents.find((i) => i.id === OPEN)!.incident_updates[0]!.body).toBe(markup);
    // The feeds escape it as XML.
    const atom = await (await call("/status/feed.atom", null)).text();
    expect(atom).not.toContain("<script>");
    expect(atom).toContain("&lt;script&gt;");
  });
});
