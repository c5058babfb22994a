/** `epicenter agent`: a real config, real checks against a local server, observations on stdout. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentCommand, anchorCheck, statusLine } from "../src/cli/agent-command.js";
import { run } from "../src/cli/run.js";
import type { Observation } from "../src/model/observation.js";
import type { AgentStats } from "../src/probe/agent.js";
import { captureIo } from "./capture-io.js";
import { type CountingServer, startCountingServer, until } from "./schedule-fixtures.js";

let server: CountingServer;
let dir: string;

beforeAll(async () => {
  server = await startCountingServer();
  dir = mkdtempSync(join(tmpdir(), "epicenter-agent-"));
  writeFileSync(
    join(dir, "epicenter.yaml"),
    [
      "catalog: false",
      "vantages: [probe/a, probe/b]",
      "components:",
      "  - id: acme/api",
      "    checks:",
      `      - http: ${server.url}/ok?cli`,
      "        interval: 1s",
      "        timeout: 1s",
      "  - id: acme/web",
      "    checks:",
      `      - http: ${server.url}/ok?web`,
      "        interval: 1s",
      "        timeout: 1s",
      "        vantages: [probe/b]",
      "",
    ].join("\n"),
  );
});
afterAll(() => server.close());

describe("epicenter agent", () => {
  it("without --hub prints this vantage's observations as JSON lines and status on stderr", async () => {
    const { io, out, err } = captureIo(dir);
    const lines = () => out.map((l) => JSON.parse(l) as Observation);
    const code = await agentCommand(
      ["--vantage", "probe/a", "--status-every", "0"],
      io,
      until(() => out.length >= 2),
    );
    expect(code).toBe(0);
    const first = lines()[0]!;
    expect(first).toMatchObject({
      vantage: "probe/a",
      component: "acme/api",
      check: "acme/api#1",
      status: "up",
    });
    expect(lines().every((o) => o.component === "acme/api")).toBe(true);
    expect(err[0]).toMatch(/agent probe\/a: 1 of 2 checks .*observations on stdout/);
    expect(err.at(-1)).toMatch(/stopped after \d+ checks/);
  });

  it("refuses what cannot work, with exit status 2", async () => {
    const cases: [string[], RegExp][] = [
      [["agent"], /--vantage NAME is required/],
      [["agent", "--vantage", "probe/zz"], /not in the config's vantages \(probe\/a, probe\/b\)/],
      [["agent", "--vantage", "probe/a", "--hub", "http://127.0.0.1:1"], /--hub needs --token/],
      [
        ["agent", "--vantage", "probe/a", "--anchor", "ftp://x"],
        /must be an http\(s\):\/\/ URL or tcp:\/\/host:port/,
      ],
    ];
    for (const [argv, message] of cases) {
      const { io, err } = captureIo(dir);
      expect(await run(argv, io)).toBe(2);
      expect(err.join("\n")).toMatch(message);
    }
    const { io, out } = captureIo(dir);
    expect(await run(["agent", "--help"], io)).toBe(0);
    expect(out.join("\n")).toMatch(/JSON lines/);
  });

  it("anchors and the status line", () => {
    expect(anchorCheck("tcp://1.1.1.1:53", 0)).toMatchObject({
      type: "tcp",
      host: "1.1.1.1",
      port: 53,
      id: "anchor#1",
    });
    expect(anchorCheck("https://example.com/", 1)).toMatchObject({
      type: "http",
      expectStatus: [[100, 599]],
    });
    const stats = (checksRun: number, failures: number): AgentStats => ({
      vantage: "probe/a",
      checks: 10,
      checksRun,
      failures,
      skipped: 0,
      observationsPublished: checksRun,
      observationsBuffered: 0,
      dropped: 0,
      refused: 0,
      kept: 0,
      publishErrors: 0,
      lastPublishError: null,
      lastPublishStatus: null,
      publishFailingSince: null,
      lagP50Ms: 1,
      lagP99Ms: 12.4,
      health: "up",
    });
    expect(statusLine({ at: 0, stats: stats(0, 0) }, { at: 10_000, stats: stats(50, 2) })).toBe(
      "agent probe/a: 5.0 checks/s, lag p99 12 ms, 2 failures in 10 s, published 50, vantage up",
    );
  });
});
