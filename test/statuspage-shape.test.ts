/**
 * Epicenter's Statuspage JSON against the real thing: the keys of /status/api/v2/summary.json compared,
 * recursively, with the captured Cloudflare and GitHub summaries (../shared/data/real/statuspage), the status
 * words checked against theirs, the top-level indicator rule (status-indicator.ts) checked on every captured
 * snapshot and then on ours, and the whole API read over a real socket by statuspage.io, a Statuspage client
 * from npm. The hub is real (SQLite, the example model); only the clock is held.
 */
import { readdirSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { type Component, type Incident, Statuspage } from "statuspage.io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen } from "../src/server/serve-http.js";
import { createApp } from "../src/server/server-app.js";
import { pageStatus } from "../src/server/status-indicator.js";
import { incident, observation, openServerHub, type ServerHub } from "./server-hub.js";
import { realDataMissing, SHARED_REAL_DATA } from "./shared-paths.js";

// biome-ignore lint/suspicious/noExplicitAny: captured and served JSON, walked generically; the assertions are the check.
type Json = any;

const FOLDERS = ["cloudflare-2025-11-18", "cloudflare-2022-06-21", "cloudflare-quiet", "github-2026-08-17"];
const missing = realDataMissing("statuspage");

/** Every captured summary.json with its status.json, oldest first per folder. */
function captures(): { label: string; summary: Json; status: Json }[] {
  return FOLDERS.flatMap((folder) => {
    const dir = `${SHARED_REAL_DATA}statuspage/${folder}/`;
    return readdirSync(dir)
      .filter((f) => f.includes(".summary."))
      .sort()
      .map((f) => {
        const bytes = readFileSync(dir + f);
        const text = (f.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
        const status = readFileSync(dir + f.replace(/summary\.json(\.gz)?$/, "status.json"), "utf8");
        return {
          label: `${folder} ${f.slice(0, 20)}`,
          summary: JSON.parse(text),
          status: JSON.parse(status),
        };
      });
  });
}

/** Each key path (`.incidents[].components[].id`) with the JSON types seen there. */
function keyPaths(value: Json, into = new Map<string, Set<string>>(), at = ""): Map<string, Set<string>> {
  if (Array.isArray(value)) for (const v of value) keyPaths(v, into, `${at}[]`);
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      const path = `${at}.${k}`;
      const type = v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
      into.set(path, (into.get(path) ?? new Set()).add(type));
      keyPaths(v, into, path);
    }
  return into;
}

/**
 * What real pages have and we leave out, on purpose: scheduled maintenances (we announce none, the list is
 * there and empty) and each update's component changes (we keep none; Statuspage itself writes null then).
 */
const OMITTED = [
  /^\.scheduled_maintenances\[\]\./,
  /^\.incidents\[\]\.incident_updates\[\]\.affected_components\[\]\./,
];

const COMPONENT_WORDS = [
  "operational",
  "degraded_performance",
  "partial_outage",
  "major_outage",
  "under_maintenance",
];
const INDICATORS = ["none", "minor", "major", "critical"];
const INCIDENT_WORDS = ["investigating", "identified", "monitoring", "resolved", "postmortem"];

const T0 = Date.parse("2026-11-20T15:00:00Z");
let served: ServerHub;
let app: ReturnType<typeof createApp>;

/** What each vantage (probe/v0, probe/v1, …) last saw of a service. */
const seen = (component: string, statuses: ("up" | "down" | "degraded")[], at = T0) =>
  statuses.map((status, i) =>
    observation(`${component}-${at}-${i}`, at, {
      component,
      check: `${component}#1`,
      vantage: `probe/v${i}`,
      status,
      errorClass: status === "down" ? "http-5xx" : null,
    }),
  );

const get = async (path: string): Promise<Json> => {
  const res = await app.request(path);
  expect(res.status, path).toBe(200);
  return res.json();
};

beforeAll(async () => {
  served = await openServerHub({
    now: T0 + 120_000,
    vantages: ["probe/v0", "probe/v1", "probe/v2"],
    incidents: [
      {
        ...incident("inc-open", T0, null, "aws/us-east-1"),
        history: [
          { at: T0, epicenter: [{ component: "aws/us-east-1/ec2", confidence: 0.4 }] },
          { at: T0 + 60_000, epicenter: [{ component: "aws/us-east-1", confidence: 0.9 }] },
        ],
      },
      incident("inc-old", T0 - 86_400_000, T0 - 80_000_000, "fastly/cdn"),
    ],
  });
  app = createApp({ hub: served.hub, auth: { anonymousRead: false }, now: () => served.now, webRoot: null });
  // A person's public update (POST …/updates) is an incident update of the same shape as the localizer's.
  await served.store.incidentUpdates.addIncidentUpdate({
    id: "upd-shape",
    incidentId: "inc-open",
    at: T0 + 90_000,
    status: "monitoring",
    message: "A fix is rolled out; we are watching.",
    public: true,
    author: "ops",
  });
  // Partly down (one vantage of three) and slow, nothing down for most vantages.
  await served.ingest([
    ...seen("acme/checkout", ["down", "up", "up"]),
    ...seen("acme/web", ["degraded", "up"]),
    ...seen("acme/search", ["up", "up"]),
  ]);
});

afterAll(async () => {
  await served?.close();
});

describe.skipIf(missing !== null)(
  `the captured Statuspage pages${missing ? ` (skipped: ${missing})` : ""}`,
  () => {
    const real = missing === null ? captures() : [];

    it("derive their indicator from their components exactly as status-indicator.ts does, on all 51", () => {
      expect(real).toHaveLength(51);
      for (const { label, summary, status } of real) {
        const leaves = summary.components.filter((c: Json) => !c.group).map((c: Json) => c.status);
        expect(pageStatus(leaves), label).toEqual(summary.status);
        expect(status.status.indicator, label).toBe(summary.status.indicator);
      }
      // The rule reads components, not incidents: open critical incidents under every indicator but critical.
      const underCritical = new Set(
        real
          .filter((r) => r.summary.incidents.some((i: Json) => i.impact === "critical"))
          .map((r) => r.summary.status.indicator),
      );
      expect([...underCritical].sort()).toEqual(["major", "minor"]);
    });

    it("use the status words Epicenter writes", () => {
      for (const { label, summary } of real) {
        for (const c of summary.components) expect(COMPONENT_WORDS, label).toContain(c.status);
        expect(INDICATORS, label).toContain(summary.status.indicator);
        for (const i of summary.incidents) {
          expect(INCIDENT_WORDS, label).toContain(i.status);
          expect(INDICATORS, label).toContain(i.impact);
        }
      }
    });

    it("have every key of our summary.json, with the same JSON types, and we omit only what is documented", async () => {
      const theirs = new Map<string, Set<string>>();
      for (const { summary } of real) keyPaths(summary, theirs);
      const ours = keyPaths(await get("/status/api/v2/summary.json"));
      expect(
        [...ours.keys()].filter((k) => k.startsWith(".incidents[].incident_updates[]")),
      ).not.toHaveLength(0);
      const extra = [...ours.keys()].filter((k) => !theirs.has(k));
      expect(extra).toEqual([]);
      const lacking = [...theirs.keys()].filter((k) => !ours.has(k) && !OMITTED.some((re) => re.test(k)));
      expect(lacking).toEqual([]);
      const retyped = [...ours].filter(([k, types]) => [...types].some((t) => !theirs.get(k)?.has(t)));
      expect(retyped.map(([k, t]) => `${k}: ${[...t]}`)).toEqual([]);
      // incidents.json lists the same incident objects, resolved ones too.
      const listed = keyPaths({ incidents: (await get("/status/api/v2/incidents.json")).incidents });
      const inSummary = [...ours.keys()].filter((k) => k.startsWith(".incidents"));
      expect([...listed.keys()].sort()).toEqual(inSummary.sort());
    });
  },
);

describe("our indicator", () => {
  it("is minor, not major, when a service is only partly down: the real pages' rule", async () => {
    const summary = await get("/status/api/v2/summary.json");
    const checkout = summary.components.find((c: Json) => c.id === "acme/checkout");
    expect(checkout.status).toBe("partial_outage");
    expect(summary.status).toEqual({ indicator: "minor", description: "Minor Service Outage" });
    const leaves = summary.components.filter((c: Json) => !c.group).map((c: Json) => c.status);
    expect(summary.status).toEqual(pageStatus(leaves));
    expect((await get("/status/api/v2/status.json")).status).toEqual(summary.status);
  });
});

describe("statuspage.io (npm) reading our status page over a socket", () => {
  it("parses the summary, status, components and incidents, open and all", async () => {
    await served.ingest(seen("acme/api", ["down", "down", "up"], T0 + 60_000));
    const running = await listen(app, { port: 0, host: "127.0.0.1" });
    try {
      const client = new Statuspage("epicenter");
      client.setApiUrl(`${running.url}/status`);
      const summary = await client.api.getSummary();
      expect(summary.status).toEqual({ indicator: "major", description: "Partial System Outage" });
      const api = summary.components.find((c) => c.id === "acme/api");
      expect(api).toMatchObject({ status: "major_outage", group: false, group_id: "group:acme" });
      expect(summary.incidents.map((i) => i.id)).toEqual(["inc-open"]);
      // The client's Incident type has no components (real pages send them); read them as its Component.
      const [open] = summary.incidents as (Incident & { components: Component[] })[];
      expect(open!.components.map((c) => [c.id, c.status])).toEqual([
        ["acme/api", "major_outage"],
        ["acme/checkout", "partial_outage"],
      ]);
      // Newest first: the person's public update, then the localizer's two.
      expect(open!.incident_updates.map((u) => u.status)).toEqual([
        "monitoring",
        "identified",
        "investigating",
      ]);
      expect(open!.incident_updates[0]!.body).toBe("A fix is rolled out; we are watching.");
      expect(open!.status).toBe("monitoring");
      expect((await client.api.getStatus()).status.indicator).toBe("major");
      const components = await client.api.getComponents();
      expect(components.components.map((c) => c.id)).toEqual(summary.components.map((c) => c.id));
      const all = await client.api.incidents.getAll();
      expect(all.incidents.map((i) => [i.id, i.status, i.resolved_at !== null])).toEqual([
        ["inc-open", "monitoring", false],
        ["inc-old", "resolved", true],
      ]);
      const unresolved = await client.api.incidents.getUnresolved();
      expect(unresolved.incidents.map((i) => i.id)).toEqual(["inc-open"]);
      expect(unresolved.page.url).toBe(`${running.url}/status`);
    } finally {
      await running.close();
    }
  });
});
