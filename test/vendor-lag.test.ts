/**
 * How late the vendor said so. The rule (vendor-lag.ts) on small hand-made sightings, then the real thing:
 * the shared AWS 2021-12-07 scenario replayed through the real localizer names the epicenter, AWS's captured
 * Health Dashboard data.json snapshots (../shared/data/real/aws-health) are read by the real statuspage check
 * at their capture times and turned into observations as the agent does, both go into a real SQLite store as
 * the hub keeps them, and `epicenter report vendor-lag --json` reads the lead back from it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minutes, reportVendorLagCommand } from "../src/cli/report-vendor-lag.js";
import { loadScenarioFile } from "../src/config/scenario-file.js";
import { covers, summariseVendorLag, type VendorSighting, vendorLag } from "../src/hub/vendor-lag.js";
import type { Observation } from "../src/model/observation.js";
import { resultObservations } from "../src/probe/agent.js";
import type { StatuspageCheck } from "../src/probe/check-types.js";
import { runCheck } from "../src/probe/run-check.js";
import { replay } from "../src/replay/replay.js";
import { incidentResponse } from "../src/server/api-responses.js";
import { createApp } from "../src/server/server-app.js";
import { openStore } from "../src/store/open-store.js";
import { captureIo } from "./capture-io.js";
import { checkBase, close, httpServer, listen, probeCtx } from "./probe-fixtures.js";
import { incident, openServerHub, type ServerHub } from "./server-hub.js";
import { realDataMissing, SHARED_REAL_DATA, SHARED_SCENARIOS } from "./shared-paths.js";

const MIN = 60_000;
const T = Date.parse("2026-11-20T12:00:00Z");
const at = (
  m: number,
  component: string,
  status: VendorSighting["status"],
  source = "status.example.com",
) => ({
  at: T + m * MIN,
  component,
  status,
  source,
});
const opened = (resolvedAfter: number | null = 120) => ({
  openedAt: T,
  resolvedAt: resolvedAfter === null ? null : T + resolvedAfter * MIN,
  epicenter: [{ component: "aws/us-east-1/internal-network" }],
});

describe("the vendor lag rule", () => {
  it("covers the epicenter's provider region and its ancestors, not another region", () => {
    expect(covers("aws/us-east-1/internal-network", "aws/us-east-1/ec2")).toBe(true);
    expect(covers("aws/us-east-1/internal-network", "aws")).toBe(true);
    expect(covers("aws/us-east-1", "aws/us-east-1/dynamodb")).toBe(true);
    expect(covers("aws/us-east-1/internal-network", "aws/us-west-2/ec2")).toBe(false);
    expect(covers("cloudflare/cdn", "cloudflare/dns")).toBe(false);
  });

  it("times the first admission, the end of everything it named, and the lead; later trouble is not this end", () => {
    const lag = vendorLag(opened(), [
      at(-200, "aws/us-east-1/ec2", "degraded"), // an older notice, before the window
      at(-100, "aws/us-east-1/ec2", "up"),
      at(30, "aws/us-east-1/ec2", "degraded"),
      at(45, "aws/us-east-1/dynamodb", "degraded"),
      at(45, "aws/us-west-2/ec2", "down"), // another region: not this incident
      at(150, "aws/us-east-1/ec2", "up"),
      at(170, "aws/us-east-1/ecs", "degraded"), // first named after Epicenter's end
      at(180, "aws/us-east-1/dynamodb", "up"),
    ]);
    expect(lag).toEqual({
      source: "status.example.com",
      admittedAt: T + 30 * MIN,
      resolvedAt: T + 180 * MIN,
      leadMs: 30 * MIN,
    });
  });

  it("gives a negative lead to a vendor that said so first, and none to one that never did", () => {
    expect(vendorLag(opened(), [at(-10, "aws/us-east-1/ec2", "down")])?.leadMs).toBe(-10 * MIN);
    expect(
      vendorLag(opened(), [at(5, "aws/us-east-1/ec2", "up"), at(300, "aws/us-east-1/ec2", "up")]),
    ).toEqual({
      source: "status.example.com",
      admittedAt: null,
      resolvedAt: null,
      leadMs: null,
    });
    expect(vendorLag(opened(), [at(5, "gcp/us-central1/gce", "down")])).toBeNull();
  });

  it("takes the feed that admitted it first, and summarises per vendor", () => {
    const lag = vendorLag(opened(null), [
      at(40, "aws/us-east-1/ec2", "degraded", "status.aws.amazon.com"),
      at(20, "aws", "degraded", "aggregator.example"),
    ]);
    expect(lag).toMatchObject({ source: "aggregator.example", leadMs: 20 * MIN, resolvedAt: null });
    const rows = summariseVendorLag([
      { source: "a", admittedAt: 1, resolvedAt: null, leadMs: 10 * MIN },
      { source: "a", admittedAt: 1, resolvedAt: null, leadMs: 30 * MIN },
      { source: "a", admittedAt: null, resolvedAt: null, leadMs: null },
    ]);
    expect(rows.get("a")).toEqual({
      incidents: 3,
      admitted: 2,
      neverSaid: 1,
      medianLeadMs: 20 * MIN,
      p90LeadMs: 28 * MIN,
    });
    expect(minutes(6_512_000)).toBe("+109 min");
    expect(minutes(-3 * MIN)).toBe("-3 min");
  });
});

const AWS = "aws-health/2021-12-07";
const missing = realDataMissing(AWS);

/** Offset 0 of the shared scenario: "The story starts at 15:00 UTC". */
const STORY_START = Date.parse("2021-12-07T15:00:00Z");

describe.skipIf(missing !== null)(`AWS 2021-12-07${missing ? ` (skipped: ${missing})` : ""}`, () => {
  let current = "";
  const server = httpServer((_req, res) => res.setHeader("content-type", "application/json").end(current));
  const dir = mkdtempSync(join(tmpdir(), "epicenter-vendor-lag-"));
  let check: StatuspageCheck;

  beforeAll(async () => {
    const url = `http://127.0.0.1:${await listen(server)}/data.json`;
    // The check's address stands in for AWS's; the vendor is named by its host, so the test names it so.
    check = { ...checkBase("aws"), type: "statuspage", url, format: "auto", components: {} };
  });
  afterAll(async () => {
    await close(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows Epicenter ahead of AWS's own feed by 109 minutes (report vendor-lag over a real store)", async () => {
    const scenario = loadScenarioFile(`${SHARED_SCENARIOS}aws-us-east-1-2021-12-07.yaml`);
    const run = replay(scenario);
    const named = run.output.incidents.find(
      (i) => i.epicenter[0]?.component === "aws/us-east-1/internal-network",
    );
    expect(named).toBeDefined();
    const openedAt = STORY_START + named!.openedAt * 1000;
    expect(new Date(openedAt).toISOString()).toBe("2021-12-07T15:30:30.000Z");

    // Each capture read by the real check at its capture time, as the agent makes observations of it.
    const observations: Observation[] = [];
    const folder = `${SHARED_REAL_DATA}${AWS}/`;
    for (const f of readdirSync(folder).sort()) {
      current = gunzipSync(readFileSync(folder + f)).toString("utf8");
      const captured = Date.parse(f.slice(0, 20).replace(/T(\d\d)-(\d\d)-(\d\d)Z/, "T$1:$2:$3Z"));
      const result = await runCheck(check, probeCtx());
      observations.push(...resultObservations("probe/us-east", check, result, captured));
    }

    const store = await openStore({ dataDir: dir, env: {} });
    try {
      await store.saveModelSnapshot("aws-2021-12-07", scenario.model.components, STORY_START);
      await store.replaceChecks([
        { id: check.id, component: check.component, type: check.type, spec: check, updatedAt: STORY_START },
      ]);
      await store.insertObservations(observations);
      for (const i of run.output.incidents) {
        const ms = (s: number) => STORY_START + s * 1000;
        await store.saveIncident({
          id: i.id,
          openedAt: ms(i.openedAt),
          resolvedAt: i.resolvedAt === null ? null : ms(i.resolvedAt),
          epicenter: i.epicenter,
          affected: i.affected,
          history: i.history.map((h) => ({ at: ms(h.at), epicenter: h.epicenter })),
          vantage: i.epicenter[0]?.component.startsWith("probe/") === true,
          acknowledgedAt: null,
          acknowledgedBy: null,
          updatedAt: ms(i.resolvedAt ?? i.openedAt),
        });
      }
    } finally {
      await store.close();
    }

    const { io, out } = captureIo(dir);
    expect(
      await reportVendorLagCommand(["--data", dir, "--json"], io, Date.parse("2021-12-08T02:00:00Z")),
    ).toBe(0);
    const report = JSON.parse(out.join("\n"));
    const host = new URL(check.url).host;
    // Only the region's incident is covered: the vantage's own flap is not AWS's to admit.
    expect(report.incidents).toEqual([
      {
        id: named!.id,
        epicenter: "aws/us-east-1/internal-network",
        openedAt: "2021-12-07T15:30:30.000Z",
        resolvedAt: "2021-12-07T22:23:00.000Z",
        vendor: {
          source: host,
          // The first capture in which AWS's feed named a catalog service (EC2, DynamoDB) not up; the 16:51
          // capture named only the Management Console, which maps to no catalog component.
          admittedAt: "2021-12-07T17:19:02.000Z",
          // EC2 up in the 23:39:40 capture, DynamoDB in 23:47:45 (API Gateway and ECS were named only after
          // Epicenter's end, at 23:28 and 23:39).
          resolvedAt: "2021-12-07T23:47:45.000Z",
          leadMs: 6_512_000, // 1 h 48 min 32 s
        },
      },
    ]);
    expect(report.vendors).toEqual([
      {
        source: host,
        incidents: 1,
        admitted: 1,
        neverSaid: 0,
        medianLeadMs: 6_512_000,
        p90LeadMs: 6_512_000,
      },
    ]);

    // The same lead by AWS's own stamps, which run earlier than any capture showed them: its first post on a
    // catalog service (EC2, "8:49 AM PST") and its first post at all (the console, "8:22 AM PST").
    const first = JSON.parse(
      gunzipSync(readFileSync(`${folder}2021-12-07T17-19-02Z.data.json.gz`)).toString(),
    );
    const posted = (service: string) =>
      Number(first.current.find((x: { service: string }) => x.service === service).date) * 1000;
    expect(Math.round((posted("ec2-us-east-1") - openedAt) / MIN)).toBe(79);
    expect(Math.round((posted("management-console") - openedAt) / MIN)).toBe(52);

    const table = captureIo(dir);
    await reportVendorLagCommand(["--data", dir], table.io, Date.parse("2021-12-08T02:00:00Z"));
    expect(table.out.join("\n")).toMatch(/\+109 min/);
  });
});

describe("GET /api/v1/incidents/{id} on a real hub", () => {
  const T0 = Date.parse("2026-11-20T15:00:00Z");
  const feed: StatuspageCheck = {
    ...checkBase("aws"),
    id: "aws#status",
    type: "statuspage",
    url: "https://status.aws.amazon.com/data.json",
    format: "auto",
    components: {},
  };
  let served: ServerHub;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    served = await openServerHub({
      now: T0 + 40 * MIN,
      checks: [feed],
      incidents: [
        incident("inc-aws", T0, null, "aws/us-east-1"),
        incident("inc-fastly", T0, null, "fastly/cdn"),
      ],
    });
    app = createApp({ hub: served.hub, auth: { anonymousRead: true }, now: () => served.now, webRoot: null });
    // What the feed said, as the agent publishes a statuspage check's result: up, then EC2 degraded.
    const said = (m: number, status: "up" | "degraded") =>
      resultObservations(
        "probe/us-east",
        feed,
        {
          status: "up",
          latencyMs: 80,
          phases: { total: 80 },
          errorClass: null,
          components: [{ component: "aws/us-east-1/ec2", status }],
        },
        T0 + m * MIN,
      );
    await served.ingest([...said(5, "up"), ...said(25, "degraded")]);
  });
  afterAll(async () => {
    await served?.close();
  });

  it("carries the vendor block, and null where no feed covers the epicenter", async () => {
    const body = await (await app.request("/api/v1/incidents/inc-aws")).json();
    const parsed = incidentResponse.parse(body);
    expect(parsed.incident.vendor).toEqual({
      source: "status.aws.amazon.com",
      admittedAt: "2026-11-20T15:25:00.000Z",
      resolvedAt: null,
      leadMs: 25 * MIN,
    });
    const other = incidentResponse.parse(await (await app.request("/api/v1/incidents/inc-fastly")).json());
    expect(other.incident.vendor).toBeNull();
  });
});
