/**
 * GET /api/v1/suspected-dependencies and the incident's `suspected`, on the real app over a real hub (SQLite)
 * that learned them from an outage, then from a restarted hub reading them back from the store.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReplicatedHub } from "../src/hub/hub.js";
import { createApp } from "../src/server/server-app.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";
import { LONE, outage, startSuspectedHub } from "./suspected-fixture.js";

// biome-ignore lint/suspicious/noExplicitAny: responses are JSON, inspected loosely; the assertions are the check.
type Loose = any;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
let dir: string;
let store: Store;
let hub: ReplicatedHub;
let app: ReturnType<typeof createApp>;
const clock = { now: Date.parse("2026-03-02T10:00:00Z") };

async function get(path: string) {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as Loose };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-suspected-api-"));
  store = await openStore({ dataDir: dir });
  hub = await startSuspectedHub(store, clock);
  await outage(hub, clock);
  app = createApp({ hub, auth: { anonymousRead: true } });
});

afterAll(async () => {
  await hub?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("GET /api/v1/suspected-dependencies", () => {
  it("lists what the hub learned, with its evidence and ISO times", async () => {
    const { status, body } = await get("/api/v1/suspected-dependencies");
    expect(status).toBe(200);
    const [incident] = await store.listIncidents();
    expect(body).toEqual({
      suspected: [
        {
          component: LONE,
          cause: "cloud/r1",
          incidents: [incident!.id],
          onsets: 1,
          recoveries: 1,
          score: 0.75,
          firstSeen: expect.stringMatching(ISO),
          lastSeen: expect.stringMatching(ISO),
        },
      ],
    });
    expect(Date.parse(body.suspected[0].firstSeen)).toBeLessThanOrEqual(
      Date.parse(body.suspected[0].lastSeen),
    );
  });

  it("filters by component, cause and least score", async () => {
    const count = async (q: string) =>
      (await get(`/api/v1/suspected-dependencies?${q}`)).body.suspected.length;
    expect(await count(`component=${LONE}`)).toBe(1);
    expect(await count("component=shop/a")).toBe(0);
    expect(await count("cause=cloud/r1")).toBe(1);
    expect(await count("cause=cloud/r2")).toBe(0);
    expect(await count("minScore=0.75")).toBe(1);
    expect(await count("minScore=.9")).toBe(0);
    expect(await count(`minScore=0&component=${LONE}&cause=cloud/r1`)).toBe(1);
  });

  it("answers 400 with the reason for a bad filter", async () => {
    for (const [q, path, words] of [
      ["minScore=1.5", "minScore", /at most 1/],
      ["minScore=high", "minScore", /number from 0 to 1/],
      ["minScore=-1", "minScore", /number from 0 to 1/],
      ["component=Not%20An%20Id", "component", /invalid id/],
      ["cause=", "cause", /invalid id/],
      ["limit=3", "", /limit/],
    ] as const) {
      const res = await app.request(`/api/v1/suspected-dependencies?${q}`);
      expect(res.status, q).toBe(400);
      const { error } = (await res.json()) as Loose;
      expect(error.message, q).toMatch(words);
      if (path) expect(error.path, q).toContain(path);
    }
  });

  test.prop([fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 })])(
    "never fails with a 500 on any filter text",
    async (key, value) => {
      const res = await app.request(
        `/api/v1/suspected-dependencies?${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
      );
      expect([200, 400]).toContain(res.status);
    },
  );

  it("shows the incident's suspected components in its JSON", async () => {
    const [incident] = await store.listIncidents();
    const one = await get(`/api/v1/incidents/${incident!.id}`);
    expect(one.body.incident.suspected).toEqual([LONE]);
    expect(one.body.incident.affected).toContain(LONE);
    const list = await get("/api/v1/incidents");
    expect(list.body.incidents[0].suspected).toEqual([LONE]);
  });

  it("is described in the OpenAPI document with its filters", async () => {
    const { body } = await get("/api/v1/openapi.json");
    const op = body.paths["/api/v1/suspected-dependencies"]?.get;
    expect(op?.parameters.map((p: { name: string }) => p.name)).toEqual(["component", "cause", "minScore"]);
    expect(Object.keys(op?.responses ?? {})).toContain("400");
  });

  it("serves the same after a restart, from the store", async () => {
    const before = (await get("/api/v1/suspected-dependencies")).body;
    await hub.stop();
    hub = await startSuspectedHub(store, clock);
    app = createApp({ hub, auth: { anonymousRead: true } });
    expect((await get("/api/v1/suspected-dependencies")).body).toEqual(before);
  });
});
