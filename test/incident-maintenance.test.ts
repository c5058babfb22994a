/**
 * Incidents marked as happening during planned maintenance, through the real app on a real hub (SQLite, the
 * example model, incidents from a previous run): GET /api/v1/incidents/{id} (and the ack answer) carries
 * `maintenance: [{id, title}]`, the windows on when it opened that cover its cause or an affected component;
 * none for an incident before or after the window, or one whose components the window does not name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incidentResponse } from "../src/server/api-responses.js";
import { createToken } from "../src/server/auth-tokens.js";
import { createApp } from "../src/server/server-app.js";
import { incident, openServerHub, type ServerHub } from "./server-hub.js";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-12-01T10:00:00Z");
let served: ServerHub;
let app: ReturnType<typeof createApp>;
let editor: string;

beforeAll(async () => {
  served = await openServerHub({
    now: T0 - 2 * HOUR,
    incidents: [
      // acme/api is affected (server-hub's incident); the cause is elsewhere.
      incident("inc-during", T0 + 30 * 60_000, T0 + HOUR, "aws/us-east-1"),
      incident("inc-before", T0 - HOUR, T0 - 50 * 60_000, "aws/us-east-1"),
      incident("inc-cause", T0 + 10 * 60_000, T0 + 20 * 60_000, "saas/stripe"),
    ],
  });
  app = createApp({ hub: served.hub, auth: { anonymousRead: false }, now: () => served.now, webRoot: null });
  editor = (await createToken(served.store, { name: "ops", role: "editor", now: served.now })).secret;
  const make = async (title: string, components: string[]) => {
    const res = await call("/api/v1/maintenances", "POST", {
      title,
      components,
      start: new Date(T0).toISOString(),
      end: new Date(T0 + 2 * HOUR).toISOString(),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { maintenance: { id: string } }).maintenance.id;
  };
  ids.api = await make("API <node> upgrade", ["acme/api"]);
  ids.stripe = await make("Stripe key rotation", ["saas/stripe"]);
  ids.search = await make("Search reindex", ["acme/search"]);
  served.now = T0 + 3 * HOUR;
});
afterAll(() => served?.close());

const ids: Record<string, string> = {};

function call(path: string, method = "GET", body?: unknown) {
  return app.request(path, {
    method,
    headers: { authorization: `Bearer ${editor}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function marks(id: string, method = "GET", suffix = "") {
  const res = await call(`/api/v1/incidents/${id}${suffix}`, method);
  expect(res.status).toBe(200);
  return incidentResponse.parse(await res.json()).incident.maintenance;
}

describe("incidents during planned maintenance", () => {
  it("marks an incident whose affected component was in maintenance when it opened", async () => {
    expect(await marks("inc-during")).toEqual([{ id: ids.api, title: "API <node> upgrade" }]);
    expect(await marks("inc-during", "POST", "/ack")).toEqual([{ id: ids.api, title: "API <node> upgrade" }]);
  });

  it("marks by the cause too, and never for windows on other components or times", async () => {
    // inc-cause: its cause (saas/stripe) and its affected acme/api were both in maintenance.
    expect((await marks("inc-cause")).map((m) => m.id)).toEqual([ids.api, ids.stripe].sort());
    expect(await marks("inc-before")).toEqual([]);
  });
});
