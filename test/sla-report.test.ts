/**
 * SLA reports (issue 16) on a real hub and its SQLite store, with rollups made from known observations:
 * `epicenter report sla` and GET /api/v1/reports/sla give the availability a hand computation gives (an hour
 * counts by the share of its checks that answered, averaged over the vantages that saw it; a blind hour is
 * unknown and left out of the denominator), the incidents that overlap the window, excluded intervals
 * (the maintenance seam) left out; bad dates are refused with a reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import type { Observation } from "../src/model/observation.js";
import { createApp } from "../src/server/server-app.js";
import { slaReport } from "../src/server/sla-report.js";
import { slaResponse } from "../src/server/sla-routes.js";
import type { StoredIncident } from "../src/store/store.js";
import { captureIo } from "./capture-io.js";
import { incident, observation, openServerHub, type ServerHub } from "./server-hub.js";

const HOUR = 3_600_000;
const NOV1 = Date.parse("2026-11-01T00:00:00Z");
const NOV2 = NOV1 + 24 * HOUR;
const NOV3 = NOV2 + 24 * HOUR;
const NOV4 = NOV3 + 24 * HOUR;
const NOW = Date.parse("2026-11-10T12:00:00Z");

// The hand computation for acme/api over [Nov 1, Nov 4), 72 hours:
//   Nov 1, 00-23: both vantages up                        24 seen, 24 up
//   Nov 2, 00-05: us-east down, eu-west up (share 1/2)     6 seen,  3 up
//   Nov 2, 06-11: no vantage saw it                        6 unknown
//   Nov 2, 12-23: eu-west alone, up                       12 seen, 12 up
//   Nov 3, 00-01: both down                                2 seen,  0 up
//   Nov 3, 02:    us-east alone: up, degraded, down        1 seen, 2/3 up (degraded answered)
//   Nov 3, 03-23: no vantage saw it                       21 unknown
// seen 45, up 39 2/3, unknown 27, availability 39.667/45 = 88.148%, downtime 5.333 h = 320 min.
const SEEN = 45;
const UP = 24 + 3 + 12 + 0 + 2 / 3;

let served: ServerHub;
let dir: string;

const inc4: StoredIncident = {
  ...incident("inc-4", NOV3 + 5 * HOUR, NOV3 + 6 * HOUR, "acme/web"),
  affected: ["acme/web"],
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-sla-"));
  served = await openServerHub({
    dir,
    now: NOW,
    incidents: [
      incident("inc-2", NOV1 - 2 * HOUR, NOV1 + HOUR), // began before the window: 60 min of it inside
      incident("inc-1", NOV2, NOV2 + 6 * HOUR), // the half-down morning: 360 min
      incident("inc-3", NOV4 + 24 * HOUR, NOV4 + 25 * HOUR), // after the window
      inc4, // another component's
    ],
  });
  const batch: Observation[] = [];
  let n = 0;
  const add = (at: number, vantage: string, status: Observation["status"]) =>
    batch.push(
      observation(`o${n++}`, at, { vantage, status, errorClass: status === "down" ? "http-5xx" : null }),
    );
  for (let h = 0; h < 24; h++) {
    add(NOV1 + h * HOUR + 60_000, "probe/us-east", "up");
    add(NOV1 + h * HOUR + 60_000, "probe/eu-west", "up");
  }
  for (let h = 0; h < 6; h++) {
    add(NOV2 + h * HOUR + 60_000, "probe/us-east", "down");
    add(NOV2 + h * HOUR + 60_000, "probe/eu-west", "up");
  }
  for (let h = 12; h < 24; h++) add(NOV2 + h * HOUR + 60_000, "probe/eu-west", "up");
  for (let h = 0; h < 2; h++) {
    add(NOV3 + h * HOUR + 60_000, "probe/us-east", "down");
    add(NOV3 + h * HOUR + 60_000, "probe/eu-west", "down");
  }
  add(NOV3 + 2 * HOUR + 60_000, "probe/us-east", "up");
  add(NOV3 + 2 * HOUR + 120_000, "probe/us-east", "degraded");
  add(NOV3 + 2 * HOUR + 180_000, "probe/us-east", "down");
  // Outside the window on both sides: must not count.
  add(NOV1 - HOUR + 60_000, "probe/us-east", "down");
  add(NOV4 + 30 * 60_000, "probe/us-east", "down");
  await served.ingest(batch);
  await served.store.rollup(NOV1 - 2 * HOUR, NOV4 + 2 * HOUR);
});

afterAll(async () => {
  await served?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const source = () => ({
  rollups: served.store.queryRollups.bind(served.store),
  incidents: served.store.listIncidents.bind(served.store),
});
const api = () => served.hub.components().find((c) => c.id === "acme/api")!;

describe("slaReport over the store", () => {
  it("matches the hand computation: blind hours unknown and out of the denominator, incidents that overlap", async () => {
    const report = await slaReport(source(), {
      from: NOV1,
      to: NOV4,
      components: [api()],
      model: served.hub.components(),
      now: NOW,
    });
    const c = report.components[0]!;
    expect(c.hours).toBe(72);
    expect(c.seenHours).toBe(SEEN);
    expect(c.upHours).toBeCloseTo(UP, 10);
    expect(c.unknownHours).toBe(27);
    expect(c.excludedHours).toBe(0);
    expect(c.availability).toBeCloseTo(UP / SEEN, 10);
    expect(c.downMinutes).toBe(320);
    expect(c.incidents.map((i) => [i.id, i.minutes])).toEqual([
      ["inc-2", 60],
      ["inc-1", 360],
    ]);
    expect(c.incidents[0]!.title).toBe("AWS US East (N. Virginia) (us-east-1) is likely failing");
  });

  it("leaves excluded intervals (maintenance) out of seen and unknown time, every hour they touch", async () => {
    // 00:00 to 05:30 on Nov 2 touches the six half-down hours; 07:00 to 08:00 two blind ones.
    const exclude = [
      { from: NOV2, to: NOV2 + 5.5 * HOUR },
      { from: NOV2 + 7 * HOUR, to: NOV2 + 8 * HOUR },
    ];
    const report = await slaReport(source(), {
      from: NOV1,
      to: NOV4,
      components: [api()],
      exclude,
      now: NOW,
    });
    const c = report.components[0]!;
    expect(c.excludedHours).toBe(7);
    expect(c.seenHours).toBe(SEEN - 6);
    expect(c.upHours).toBeCloseTo(UP - 3, 10);
    expect(c.unknownHours).toBe(26);
    expect(c.availability).toBeCloseTo((UP - 3) / (SEEN - 6), 10);
  });

  it("excludes a window only for the components it names", async () => {
    const exclude = [{ from: NOV2, to: NOV2 + 6 * HOUR, components: ["acme/web"] }];
    const report = await slaReport(source(), {
      from: NOV1,
      to: NOV4,
      components: [api()],
      exclude,
      now: NOW,
    });
    expect(report.components[0]).toMatchObject({ excludedHours: 0, seenHours: SEEN, unknownHours: 27 });
    expect(report.excluded).toEqual(exclude);
  });

  it("counts no hour after now, and a component no vantage saw is unknown, not 100%", async () => {
    const web = served.hub.components().find((x) => x.id === "acme/web")!;
    const report = await slaReport(source(), {
      from: NOV1,
      to: NOV4,
      components: [web],
      now: NOV1 + 10 * HOUR + 5 * 60_000,
    });
    const c = report.components[0]!;
    expect(report.to).toBe(NOV1 + 11 * HOUR);
    expect(c).toMatchObject({ availability: null, hours: 11, seenHours: 0, unknownHours: 11 });
  });
});

describe("epicenter report sla", () => {
  it("prints a table with the availability, downtime, unknown hours and the incidents that cost it", async () => {
    const { io, out } = captureIo(dir);
    const code = await run(
      [
        "report",
        "sla",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-04",
        "--component",
        "acme/api",
        "--data",
        dir,
      ],
      io,
    );
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("SLA 2026-11-01 00:00 to 2026-11-04 00:00 UTC");
    expect(text).toMatch(/acme\/api\s+88\.14%\s+5h20m\s+45h\s+27h\s+0h\s+2/);
    expect(text).toMatch(
      /acme\/api\s+2026-10-31 22:00\s+2026-11-01 01:00\s+1h00m\s+AWS US East .* is likely failing\s+inc-2/,
    );
    expect(text).toMatch(/acme\/api\s+2026-11-02 00:00\s+2026-11-02 06:00\s+6h00m\s+.*inc-1/);
  });

  it("gives the API's JSON with --json and a CSV row per observed component with --csv", async () => {
    const json = captureIo(dir);
    expect(
      await run(
        ["report", "sla", "--from", "2026-11-01", "--to", "2026-11-04", "--data", dir, "--json"],
        json.io,
      ),
    ).toBe(0);
    const body = slaResponse.parse(JSON.parse(json.out.join("")));
    const ids = body.components.map((c) => c.id);
    expect(ids).toContain("acme/api");
    expect(ids).not.toContain("aws/us-east-1"); // not observed
    const a = body.components.find((c) => c.id === "acme/api")!;
    expect(a.availability).toBeCloseTo(UP / SEEN, 10);
    const web = body.components.find((c) => c.id === "acme/web")!;
    expect(web).toMatchObject({ availability: null, unknownHours: 72 });
    expect(web.incidents.map((i) => i.id)).toEqual(["inc-4"]);
    const csv = captureIo(dir);
    expect(
      await run(
        ["report", "sla", "--from", "2026-11-01", "--to", "2026-11-04", "--data", dir, "--csv"],
        csv.io,
      ),
    ).toBe(0);
    const lines = csv.out.join("\n").split("\n");
    expect(lines[0]).toBe(
      "component,name,from,to,availability_percent,hours,seen_hours,unknown_hours,excluded_hours,down_minutes,incidents",
    );
    expect(lines).toContain(
      "acme/api,Public API,2026-11-01T00:00:00.000Z,2026-11-04T00:00:00.000Z,88.1481,72,45,27,0,320,inc-2 inc-1",
    );
    expect(lines.find((l) => l.startsWith("acme/web,"))).toMatch(/,,72,0,72,0,0,inc-4$/);
  });

  it("refuses bad dates and windows with a reason (exit 2)", async () => {
    for (const [args, reason] of [
      [["--from", "2026-13-01", "--to", "2026-12-01"], '--from: "2026-13-01" is not a date like 2026-11-01'],
      [["--from", "2026-02-30", "--to", "2026-03-01"], '"2026-02-30" is not a date'],
      [["--from", "2026-11-01T00:30:00Z", "--to", "2026-12-01"], "is not on the hour"],
      [["--from", "2026-12-01", "--to", "2026-11-01"], "to must be after from"],
      [["--to", "2026-11-01"], "report sla needs --from"],
    ] as const) {
      const { io, err } = captureIo(dir);
      expect(await run(["report", "sla", ...args, "--data", dir], io)).toBe(2);
      expect(err.join("\n")).toContain(reason);
    }
  });
});

describe("GET /api/v1/reports/sla", () => {
  const app = () =>
    createApp({ hub: served.hub, auth: { anonymousRead: true }, now: () => served.now, webRoot: null });

  it("answers the same report for a reader", async () => {
    const res = await app().request("/api/v1/reports/sla?from=2026-11-01&to=2026-11-04&component=acme/api");
    expect(res.status).toBe(200);
    const body = slaResponse.parse(await res.json());
    expect(body.from).toBe("2026-11-01T00:00:00.000Z");
    expect(body.components).toHaveLength(1);
    expect(body.components[0]).toMatchObject({
      id: "acme/api",
      seenHours: 45,
      unknownHours: 27,
      downMinutes: 320,
    });
    expect(body.components[0]!.incidents.map((i) => [i.id, i.openedAt, i.minutes])).toEqual([
      ["inc-2", "2026-10-31T22:00:00.000Z", 60],
      ["inc-1", "2026-11-02T00:00:00.000Z", 360],
    ]);
  });

  it("answers 400 with the reason on bad dates, 404 for an unknown component, 401 without a token when closed", async () => {
    for (const [query, path, reason] of [
      ["from=2026-11-31&to=2026-12-01", "from", '"2026-11-31" is not a date'],
      ["from=yesterday&to=2026-12-01", "from", "is not a date like 2026-11-01"],
      ["from=2026-11-01&to=2026-11-01T12:15:00Z", "to", "is not on the hour"],
      ["from=2026-12-01&to=2026-11-01", "to", "to must be after from"],
      ["from=2025-01-01&to=2026-12-01", "to", "a report spans at most 400 days"],
      ["to=2026-12-01", "from", ""],
    ] as const) {
      const res = await app().request(`/api/v1/reports/sla?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { message: string; path?: string } };
      expect(body.error.path, query).toBe(path);
      expect(body.error.message, query).toContain(reason);
    }
    const unknown = await app().request(
      "/api/v1/reports/sla?from=2026-11-01&to=2026-11-04&component=acme/apj",
    );
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe(
      'unknown component "acme/apj"; did you mean "acme/api"?',
    );
    const closed = createApp({
      hub: served.hub,
      auth: { anonymousRead: false },
      now: () => served.now,
      webRoot: null,
    });
    expect((await closed.request("/api/v1/reports/sla?from=2026-11-01&to=2026-11-04")).status).toBe(401);
  });
});

describe("maintenance windows in SLA reports", () => {
  // Last: the window made here stays in the store for what follows.
  it("leaves a component's own maintenance out, in the API and the CLI (store and --config windows)", async () => {
    await served.hub.maintenance.create({
      title: "Database failover drill",
      components: ["acme/api"],
      start: NOV2,
      end: NOV2 + 6 * HOUR,
      by: "test",
    });
    const app = createApp({
      hub: served.hub,
      auth: { anonymousRead: true },
      now: () => served.now,
      webRoot: null,
    });
    const res = await app.request("/api/v1/reports/sla?from=2026-11-01&to=2026-11-04");
    const body = slaResponse.parse(await res.json());
    const a = body.components.find((c) => c.id === "acme/api")!;
    expect(a).toMatchObject({ excludedHours: 6, seenHours: SEEN - 6, unknownHours: 27 });
    expect(a.availability).toBeCloseTo((UP - 3) / (SEEN - 6), 10);
    expect(body.components.find((c) => c.id === "acme/web")).toMatchObject({ excludedHours: 0 });
    expect(body.excluded).toMatchObject([
      { title: "Database failover drill", from: "2026-11-02T00:00:00.000Z", components: ["acme/api"] },
    ]);
    // The CLI reads the same stored window, and the config's own on top (Nov 3, 00:00-02:00: the down hours).
    writeFileSync(
      join(dir, "epicenter.yaml"),
      [
        "components:",
        "  - { id: acme/api, observed: true }",
        "maintenance:",
        "  - { id: restart, title: Planned restart, components: [acme/api],",
        '      start: "2026-11-03T00:00:00Z", end: "2026-11-03T02:00:00Z" }',
        "",
      ].join("\n"),
    );
    const { io, out } = captureIo(dir);
    const args = ["report", "sla", "--from", "2026-11-01", "--to", "2026-11-04", "--component", "acme/api"];
    expect(await run([...args, "--data", dir, "--config", "epicenter.yaml", "--json"], io)).toBe(0);
    const cli = slaResponse.parse(JSON.parse(out.join("")));
    expect(cli.components[0]).toMatchObject({ excludedHours: 8, seenHours: SEEN - 8, unknownHours: 27 });
    expect(cli.components[0]!.availability).toBeCloseTo((UP - 3) / (SEEN - 8), 10);
    expect(cli.excluded.map((x) => x.title)).toEqual(["Database failover drill", "Planned restart"]);
    const table = captureIo(dir);
    expect(await run([...args, "--data", dir], table.io)).toBe(0);
    expect(table.out.join("\n")).toMatch(
      /Maintenance excluded:\n\s+2026-11-02 00:00\s+2026-11-02 06:00\s+Database failover drill\s+acme\/api/,
    );
  });
});
