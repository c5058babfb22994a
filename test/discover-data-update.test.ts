/** `epicenter data update` against a local HTTP server serving good, truncated and malformed range files. */
import { mkdtempSync } from "node:fs";
import type http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { awsSource } from "../src/discover/range-sources.js";
import { bundledSnapshotPath, readSnapshot, writeSnapshot } from "../src/discover/snapshot-file.js";
import { captureIo } from "./capture-io.js";
import { close, httpServer, listen } from "./probe-fixtures.js";

const AWS = JSON.stringify({
  createDate: "2030-01-01-00-00-00",
  prefixes: [
    ...Array.from({ length: 120 }, (_, i) => ({
      ip_prefix: `3.${i}.0.0/16`,
      region: "us-east-1",
      service: "EC2",
    })),
    { ip_prefix: "198.51.100.0/24", region: "eu-west-1", service: "S3" },
  ],
  ipv6_prefixes: [],
});

let files: Record<string, string> = {};
let server: http.Server;
let base: string;
let dir: string;
/** The bundled snapshot with a small AWS list, so the test's AWS file is no shrink by half. */
let baseSnapshot: string;

beforeAll(async () => {
  server = httpServer((req, res) => {
    const body = files[(req.url ?? "").slice(1)];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" }).end(body);
  });
  base = `http://127.0.0.1:${await listen(server)}`;
  dir = mkdtempSync(join(tmpdir(), "epicenter-data-"));
  const bundled = readSnapshot(bundledSnapshotPath());
  const smallAws = { ...awsSource(JSON.parse(AWS)), asOf: "old" };
  baseSnapshot = join(dir, "base.json.gz");
  writeSnapshot(baseSnapshot, {
    ...bundled,
    sources: bundled.sources.map((s) => (s.id === "aws" ? smallAws : s)),
  });
});
afterAll(() => close(server));

async function update(out: string, snapshot = baseSnapshot) {
  const { io, out: lines, err } = captureIo(dir);
  const status = await run(
    ["data", "update", "--source-base", base, "--out", out, "--snapshot", snapshot],
    io,
  );
  return { status, lines, err };
}

describe("data update", () => {
  it("good files replace those providers' ranges; missing ones keep theirs (exit 1, reported)", async () => {
    files = {
      "aws-ip-ranges.json": AWS,
      "cloudflare-v4.txt": "104.16.0.0/13\n",
      "cloudflare-v6.txt": "2606:4700::/32\n",
    };
    const out = join(dir, "fresh.json.gz");
    const r = await update(out);
    expect(r.status).toBe(1);
    expect(r.lines).toContain("refreshed aws: 121 prefixes");
    expect(r.err.some((l) => l.startsWith("kept the previous gcp ranges:"))).toBe(true);
    const snapshot = readSnapshot(out);
    const aws = snapshot.sources.find((s) => s.id === "aws")!;
    expect(aws.asOf).toBe("2030-01-01-00-00-00");
    expect(snapshot.sources.find((s) => s.id === "gcp")!.v4.length).toBeGreaterThan(100);
  });

  it("a truncated or malformed download keeps the old ranges of that provider", async () => {
    const first = join(dir, "first.json.gz");
    files = { "aws-ip-ranges.json": AWS, "cloudflare-v4.txt": "104.16.0.0/13\n", "cloudflare-v6.txt": "" };
    await update(first);
    const second = join(dir, "second.json.gz");
    files = {
      "aws-ip-ranges.json": AWS.slice(0, AWS.length / 2),
      "cloudflare-v4.txt": "104.16.0.0/13\n104.24.0\n",
      "cloudflare-v6.txt": "",
      "gcp-cloud.json": JSON.stringify({ creationTime: "x", prefixes: [{ ipv4Prefix: "not-a-prefix" }] }),
    };
    const r = await update(second, first);
    expect(r.status).toBe(1);
    expect(r.err.join("\n")).toMatch(/kept the previous aws ranges: .*JSON/);
    expect(r.err.join("\n")).toMatch(/kept the previous cloudflare ranges: .*"104\.24\.0" is not a CIDR/);
    expect(r.err.join("\n")).toMatch(/kept the previous gcp ranges: .*not-a-prefix/);
    expect(r.err).toContain("no source was refreshed; the snapshot is unchanged");
  });

  it("a source that shrinks by half is refused as a likely broken download", async () => {
    files = { "cloudflare-v4.txt": "104.16.0.0/13\n", "cloudflare-v6.txt": "2606:4700::/32\n" };
    const r = await update(join(dir, "shrunk.json.gz"));
    expect(r.err.join("\n")).toMatch(
      /cloudflare ranges: .*2 prefixes where the snapshot has 22; refusing a shrink by half/,
    );
    expect(r.status).toBe(1);
  });

  it("refuses a base that is not an http URL (exit 2)", async () => {
    const { io } = captureIo(dir);
    expect(await run(["data", "update", "--source-base", "ftp://x"], io)).toBe(2);
  });
});
