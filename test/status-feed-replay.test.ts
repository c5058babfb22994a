/**
 * Real status feeds replayed through the real statuspage check: a local HTTP server serves each captured
 * snapshot in time order (../shared/data/real, read with zlib), and the check, format auto, runs once per
 * snapshot. What it yields is asserted against what the captures say (their README's tables).
 */
import { readdirSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Status } from "../src/model/model-types.js";
import type { StatuspageCheck } from "../src/probe/check-types.js";
import { runCheck } from "../src/probe/run-check.js";
import { readStatusFeed } from "../src/probe/status-feed-read.js";
import { checkBase, close, httpServer, listen, probeCtx } from "./probe-fixtures.js";
import { realDataMissing, SHARED_REAL_DATA } from "./shared-paths.js";

/** Each snapshot of a folder whose name has `kind`, oldest first, with its capture time. */
function snapshots(folder: string, kind: string): { at: number; label: string; body: string }[] {
  const dir = `${SHARED_REAL_DATA}${folder}/`;
  return readdirSync(dir)
    .filter((f) => f.includes(`.${kind}.`))
    .sort()
    .map((f) => {
      const bytes = readFileSync(dir + f);
      const label = f.slice(0, 20).replace(/T(\d\d)-(\d\d)-(\d\d)Z/, "T$1:$2:$3Z");
      return {
        at: Date.parse(label),
        label: label.slice(11, 19),
        body: (f.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"),
      };
    });
}

// The server answers with whatever snapshot the test has put up.
let current = "";
const server = httpServer((_req, res) => res.setHeader("content-type", "application/json").end(current));
let url = "";
beforeAll(async () => {
  url = `http://127.0.0.1:${await listen(server)}/feed`;
});
afterAll(() => close(server));

const check = (component: string, components: Record<string, string> = {}): StatuspageCheck => ({
  ...checkBase(component),
  type: "statuspage",
  url,
  format: "auto",
  components,
});

/** The check's components that are not up, per snapshot: `{ "17:19:02": { "aws/us-east-1/ec2": "degraded" } }`. */
async function replay(folder: string, kind: string, c: StatuspageCheck) {
  const seen: Record<string, Record<string, Status>> = {};
  const all: Record<string, Record<string, Status>> = {};
  for (const s of snapshots(folder, kind)) {
    current = s.body;
    const r = await runCheck(c, probeCtx());
    expect(r.errorClass === null || r.errorClass === "reported", `${s.label}: ${r.message}`).toBe(true);
    const states = Object.fromEntries((r.components ?? []).map((x) => [x.component, x.status]));
    all[s.label] = states;
    seen[s.label] = Object.fromEntries(Object.entries(states).filter(([, status]) => status !== "up"));
  }
  return { seen, all };
}

const suite = (folder: string) => {
  const missing = realDataMissing(folder);
  return describe.skipIf(missing !== null)(`${folder}${missing ? ` (skipped: ${missing})` : ""}`, () => {
    if (folder.startsWith("aws")) awsCases();
    else if (folder.startsWith("gcp")) gcpCases();
    else if (folder.includes("github")) githubCases();
    else cloudflareCases(folder);
  });
};

function awsCases() {
  const folder = "aws-health/2021-12-07";
  it("goes non-up on aws/us-east-1 ec2 and dynamodb at 17:19, and back as AWS resolved each", async () => {
    const { seen, all } = await replay(folder, "data", check("aws"));
    const ec2 = "aws/us-east-1/ec2";
    const ddb = "aws/us-east-1/dynamodb";
    const apigw = "aws/us-east-1/api-gateway";
    const ecs = "aws/us-east-1/ecs";
    const d = "degraded";
    expect(seen).toEqual({
      "08:10:52": {},
      // Only management-console so far: no catalog component, so nothing observed.
      "16:51:55": {},
      "17:19:02": { [ec2]: d, [ddb]: d },
      "17:44:49": { [ec2]: d, [ddb]: d },
      "18:53:41": { [ec2]: d, [ddb]: d },
      "22:08:38": { [ec2]: d, [ddb]: d },
      "23:09:01": { [ec2]: d, [ddb]: d },
      "23:28:52": { [ec2]: d, [ddb]: d, [apigw]: d },
      "23:39:40": { [ddb]: d, [apigw]: d, [ecs]: d },
      "23:47:45": { [apigw]: d, [ecs]: d },
      "00:32:51": { [apigw]: d, [ecs]: d },
      "01:46:27": { [ecs]: d },
    });
    // A resolved event stays in `current` with status 0: its component is reported up, not dropped.
    expect(all["23:39:40"]?.[ec2]).toBe("up");
    expect(all["01:46:27"]).toMatchObject({ [ec2]: "up", [ddb]: "up", [apigw]: "up" });
  });

  it("dates each event's first post and its resolution from the feed", async () => {
    const last = snapshots(folder, "data").at(-1)!;
    current = last.body;
    const view = await readStatusFeed(url, "auto", probeCtx(), {}, last.at);
    const byService = Object.fromEntries(view.incidents.map((i) => [i.components[0], i]));
    expect(byService["ec2-us-east-1"]).toMatchObject({
      status: "resolved",
      updatedAt: "2021-12-07T23:31:00.000Z",
    });
    expect(byService["dynamodb-us-east-1"]).toMatchObject({
      status: "resolved",
      updatedAt: "2021-12-07T23:40:00.000Z",
    });
    expect(byService["ecs-us-east-1"]).toMatchObject({
      status: "investigating",
      updatedAt: "2021-12-08T01:31:00.000Z",
    });
    expect(view.incidents.every((i) => i.updatedAt! <= "2021-12-08T01:46:27Z")).toBe(true);
  });
}

function gcpCases() {
  const folder = "gcp-status/2025-06-12";
  it("takes gcp/<region>/gcs down from the first post, the other services as products are added, then degraded", async () => {
    const { seen, all } = await replay(folder, "incidents", check("gcp"));
    const count = (label: string, status: Status) =>
      Object.values(all[label] ?? {}).filter((s) => s === status).length;
    // 2025-06-11: 110 incidents, all ended long before: nothing said.
    expect(all["03:38:03"]).toEqual({});
    // 19:08: of 14 products only Google Cloud Storage is a catalog service, in 42 of its 48 locations.
    expect(Object.keys(seen["19:08:14"]!).every((id) => id.endsWith("/gcs"))).toBe(true);
    expect(count("19:08:14", "down")).toBe(42);
    expect(seen["20:12:17"]).toMatchObject({ "gcp/us-central1/gce": "down", "gcp/cloud-dns": "down" });
    // 21:27: the 15 locations that moved to previously affected are all multi-regions (asia1, eur3 … nam9),
    // none a catalog region, so no component comes back up: the same states as at 20:49.
    expect(count("21:27:13", "up")).toBe(0);
    expect(all["21:27:13"]).toEqual(all["20:49:49"]);
    // 00:54: the latest update says SERVICE_DISRUPTION while status_impact stays SERVICE_OUTAGE.
    expect(count("00:54:55", "down")).toBe(0);
    expect(all["00:54:55"]?.["gcp/us-central1/gcs"]).toBe("degraded");
  });

  it("names the incident's start and last update", async () => {
    const first = snapshots(folder, "incidents")[1]!;
    current = first.body;
    const view = await readStatusFeed(url, "auto", probeCtx(), {}, first.at);
    expect(view.format).toBe("gcp-incidents");
    expect(view.incidents).toHaveLength(1);
    expect(view.incidents[0]).toMatchObject({
      status: "investigating",
      impact: "critical",
      updatedAt: "2025-06-12T19:01:51.000Z",
    });
  });
}

function cloudflareCases(folder: string) {
  const mapping = {
    Network: "cloudflare/network",
    "CDN/Cache": "cloudflare/cdn",
    "Cloudflare API": "cloudflare/api",
  };
  const incidentsOf = async () => {
    const out: Record<string, string[]> = {};
    for (const s of snapshots(folder, "summary")) {
      current = s.body;
      const view = await readStatusFeed(url, "auto", probeCtx());
      expect(view.format).toBe("statuspage");
      out[s.label] = view.incidents.map((i) => `${i.title} (${i.status})`);
    }
    return out;
  };
  if (folder.endsWith("2025-11-18"))
    it("has Network down 11:51 to 14:55, degraded until the incident resolves, and the incident's times", async () => {
      const { seen } = await replay(folder, "summary", check("cloudflare", mapping));
      expect(seen["11:39:14"]).toEqual({});
      for (const at of ["11:51:05", "12:45:50", "13:22:20", "13:48:02"])
        expect(seen[at], at).toEqual({ "cloudflare/network": "down" });
      for (const at of ["14:21:53", "14:44:52", "14:55:18"])
        expect(seen[at], at).toEqual({ "cloudflare/network": "down", "cloudflare/cdn": "degraded" });
      expect(seen["15:24:17"]).toEqual({ "cloudflare/network": "degraded", "cloudflare/cdn": "degraded" });
      expect(seen["19:18:04"]).toEqual({ "cloudflare/network": "degraded", "cloudflare/cdn": "degraded" });
      expect(seen["19:37:25"]).toEqual({});
      const incidents = await incidentsOf();
      const global = "Cloudflare Global Network experiencing issues";
      const open = Object.entries(incidents).filter(([, list]) => list.some((t) => t.startsWith(global)));
      expect(open.map(([at]) => at)[0]).toBe("11:51:05");
      expect(open.map(([at]) => at).at(-1)).toBe("19:18:04");
      expect(incidents["14:44:52"]).toContain(`${global} (monitoring)`);
    });
  if (folder.endsWith("2022-06-21"))
    it("has the Cloudflare API down at 06:48 and 07:17, with one incident open 06:48 to 08:01", async () => {
      const { seen } = await replay(folder, "summary", check("cloudflare", mapping));
      expect(seen).toEqual({
        "05:33:01": {},
        "05:51:16": {},
        "06:23:09": {},
        "06:48:52": { "cloudflare/api": "down" },
        "07:17:13": { "cloudflare/api": "down" },
        "07:41:33": {},
        "08:01:22": {},
        "08:36:09": {},
        "08:57:00": {},
        "09:23:46": {},
      });
      const incidents = await incidentsOf();
      expect(incidents["06:48:52"]).toEqual(["Cloudflare Service Issues (investigating)"]);
      expect(incidents["08:01:22"]).toEqual(["Cloudflare Service Issues (monitoring)"]);
      expect(incidents["08:36:09"]).toEqual([]);
    });
  if (folder.endsWith("quiet"))
    it("yields no incident and every mapped component up on a quiet day, though the indicator says minor", async () => {
      const { seen } = await replay(folder, "summary", check("cloudflare", mapping));
      expect(seen).toEqual({ "04:13:11": {}, "11:54:43": {}, "19:53:17": {} });
      expect(Object.values(await incidentsOf()).flat()).toEqual([]);
      // Unmapped, the check speaks for its own component from the indicator: ~30 re-routed PoPs make it minor.
      const unmapped = await replay(folder, "summary", check("cloudflare"));
      expect(unmapped.seen["04:13:11"]).toEqual({ cloudflare: "degraded" });
    });
}

function githubCases() {
  const folder = "statuspage/github-2026-08-17";
  const mapping = {
    "API Requests": "saas/github/api",
    Issues: "saas/github/issues",
    "Pull Requests": "saas/github/pulls",
    Actions: "saas/github/actions",
    Copilot: "saas/github/copilot",
    "Git Operations": "saas/github/git",
  };
  it("takes Copilot down from 14:33 to 21:10 and four more down 15:03 to 16:38", async () => {
    const { seen } = await replay(folder, "summary", check("saas/github", mapping));
    const down = (label: string) =>
      Object.entries(seen[label] ?? {})
        .filter(([, s]) => s === "down")
        .map(([id]) => id)
        .sort();
    expect(seen["13:01:01"]).toEqual({});
    expect(down("13:48:18")).toEqual([]);
    expect(seen["13:48:18"]).toEqual({
      "saas/github/api": "degraded",
      "saas/github/issues": "degraded",
      "saas/github/actions": "degraded",
    });
    expect(down("14:33:26")).toEqual(["saas/github/copilot"]);
    for (const at of ["15:03:08", "15:41:56", "16:00:19", "16:38:15"])
      expect(down(at), at).toEqual([
        "saas/github/actions",
        "saas/github/api",
        "saas/github/copilot",
        "saas/github/issues",
        "saas/github/pulls",
      ]);
    expect(down("17:07:20")).toEqual(["saas/github/copilot"]);
    expect(down("19:01:24")).toEqual(["saas/github/api", "saas/github/copilot"]);
    expect(down("21:10:43")).toEqual(["saas/github/copilot"]);
    expect(seen["21:42:00"]).toEqual({});
  });

  it("shows the incident from 13:48 to 21:10, its status left at investigating throughout", async () => {
    const open: string[] = [];
    for (const s of snapshots(folder, "summary")) {
      current = s.body;
      const view = await readStatusFeed(url, "auto", probeCtx());
      if (view.incidents.length === 0) continue;
      open.push(s.label);
      expect(view.incidents[0]).toMatchObject({
        title: "Incident with GitHub.com",
        status: "investigating",
        impact: "critical",
      });
    }
    expect(open[0]).toBe("13:48:18");
    expect(open.at(-1)).toBe("21:10:43");
    expect(open).toHaveLength(13);
  });
}

suite("aws-health/2021-12-07");
suite("gcp-status/2025-06-12");
suite("statuspage/cloudflare-2025-11-18");
suite("statuspage/cloudflare-2022-06-21");
suite("statuspage/cloudflare-quiet");
suite("statuspage/github-2026-08-17");
