/** Discovery at scale: --from with a resumable --cache, --write into a commented config, and the concentration report over the result. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ZoneRecords, zoneServer } from "../bench/discovery-zones.js";
import { run } from "../src/cli/run.js";
import { parseConfig } from "../src/config/config-load.js";
import type { DiscoveryOutput } from "../src/discover/discovery-types.js";
import { captureIo } from "./capture-io.js";
import { silentUdp } from "./probe-fixtures.js";

const R53 = ["ns-1.awsdns-01.com"];
const zones: Record<string, ZoneRecords> = {};
// 6 sites on EC2 in us-east-1, 3 on Cloudflare, 1 self-hosted.
for (let i = 0; i < 6; i++) zones[`east${i}.test`] = { NS: R53, A: [`3.80.0.${i + 1}`] };
for (let i = 0; i < 3; i++) zones[`cf${i}.test`] = { NS: ["a.ns.cloudflare.com"], A: ["104.16.0.9"] };
zones["home.test"] = { NS: ["ns.home.test"], A: ["127.0.0.1"] };
const names = Object.keys(zones);

let dns: { server: string; close: () => Promise<void> };
let dir: string;
beforeAll(async () => {
  dns = await zoneServer(zones);
  dir = mkdtempSync(join(tmpdir(), "epicenter-discover-scale-"));
  writeFileSync(join(dir, "list.txt"), `# sites\n${names.join("\n")}\n`);
});
afterAll(() => dns.close());

describe("discover at scale", () => {
  it("--from with --cache, resumed: cached domains are not asked again (the second run has a dead resolver)", async () => {
    const cache = join(dir, "cache.jsonl");
    const first = captureIo(dir);
    const half = join(dir, "half.txt");
    writeFileSync(half, names.slice(0, 5).join("\n"));
    const args = ["--no-tls", "--depth", "0", "--cache", cache, "--json", "--concurrency", "3"];
    expect(await run(["discover", "--from", half, "--resolver", dns.server, ...args], first.io)).toBe(0);
    // A torn last line, as a killed run leaves it.
    writeFileSync(cache, `${readFileSync(cache, "utf8")}{"domain": "east5.te`);
    const resumed = captureIo(dir);
    expect(await run(["discover", "--from", "list.txt", "--resolver", dns.server, ...args], resumed.io)).toBe(
      0,
    );
    const lines = readFileSync(cache, "utf8").trim().split("\n");
    expect(lines.filter((l) => l.startsWith('{"domain"') && l.endsWith("}")).length).toBe(names.length);
    const silent = await silentUdp();
    try {
      const offline = captureIo(dir);
      const status = await run(
        ["discover", "--from", "list.txt", "--resolver", silent.server, "--timeout", "200", ...args],
        offline.io,
      );
      expect(status).toBe(0);
      const output = JSON.parse(offline.out.join("")) as DiscoveryOutput;
      expect(output.domains.map((d) => d.domain)).toEqual(names);
      expect(output.domains.find((d) => d.domain === "east0.test")?.requires).toEqual([
        "aws/route53",
        "aws/us-east-1/ec2",
      ]);
    } finally {
      silent.close();
    }
  });

  it("report concentration --discovery: the share of sites that go down with aws/us-east-1", async () => {
    const { io, out } = captureIo(dir);
    expect(await run(["report", "concentration", "--discovery", "cache.jsonl", "--json"], io)).toBe(0);
    const report = JSON.parse(out.join("")) as {
      observed: number;
      candidates: { id: string; down: number }[];
    };
    expect(report.observed).toBe(10);
    expect(report.candidates.find((c) => c.id === "aws/us-east-1")?.down).toBe(6);
    expect(report.candidates.find((c) => c.id === "cloudflare")?.down).toBe(3);
    const text = captureIo(dir);
    expect(await run(["report", "concentration", "--discovery", "cache.jsonl"], text.io)).toBe(0);
    expect(text.out.join("\n")).toMatch(/aws\/us-east-1\s+6\s+60\.0%/);
  });

  it("--write keeps the user's comments, order and entries, and only adds what is missing", async () => {
    const file = join(dir, "epicenter.yaml");
    const mine = [
      "# my services",
      "version: 1",
      "components:",
      "  - id: acme/api # the API",
      "    observed: true",
      "  - id: east0.test",
      "    kind: service",
      "    requires: [saas/datadog] # we know this one",
      "",
    ].join("\n");
    writeFileSync(file, mine);
    const args = ["discover", "east0.test", "cf0.test", "--resolver", dns.server, "--no-tls", "--depth", "0"];
    const first = captureIo(dir);
    expect(await run([...args, "--write", "epicenter.yaml"], first.io)).toBe(0);
    const after = readFileSync(file, "utf8");
    expect(after.startsWith("# my services\nversion: 1\ncomponents:\n  - id: acme/api # the API\n")).toBe(
      true,
    );
    expect(after).toContain("# we know this one");
    const config = parseConfig(file, after);
    const east = config.model.components.find((c) => c.id === "east0.test")!;
    expect(east.requires.map((r) => (r.type === "hard" ? r.id : r.type))).toEqual([
      "saas/datadog",
      "aws/route53",
      "aws/us-east-1/ec2",
    ]);
    expect(config.model.components.find((c) => c.id === "cf0.test")?.observed).toBe(true);
    // A second run changes nothing.
    const again = captureIo(dir);
    expect(await run([...args, "--write", "epicenter.yaml"], again.io)).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(after);
    expect(again.err).toEqual(["epicenter.yaml: 0 components added, 0 extended (existing entries kept)"]);
  });
});
