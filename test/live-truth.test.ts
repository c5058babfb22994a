/**
 * Live truth: the real demo hub (serve's composition in-process: the loopback world, real probes from three
 * vantages, the hub and its chaos loop), with checks and rounds every 2 s and faults of 8 to 14 s so one of
 * each kind, a blind vantage included, fits in about four minutes. Every incident line is judged against the
 * chaos truth (src/demo/live-truth-judge.ts); `npm run bench:live-truth` runs the same for 20 faults or more.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { judgeRecord, renderSummary, renderTimeline } from "../bench/live-truth-report.js";
import { LIVE_TRUTH_TIMING, runLiveTruth } from "../bench/live-truth-run.js";

const dir = mkdtempSync(join(tmpdir(), "epicenter-live-truth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the demo, judged against its chaos", () => {
  // The plan's cycle after the first region: a cloud service, a CDN, a DNS provider, a region, a cloud
  // service, a CDN, a DNS provider, then a blind vantage: nine faults.
  it("names every fault, and every incident line is right", async () => {
    // The older world (quick 503s): with the real failure modes (blackholed connections timing out at
    // different moments) a loaded machine makes the localizer rename a region after its ec2 now and then,
    // with the localizer of before this session as with today's; demo-localize covers those modes.
    const record = await runLiveTruth({ dataDir: dir, events: 9, simple: true, ...LIVE_TRUTH_TIMING });
    const judged = judgeRecord(record);
    const report = [...renderTimeline(record, judged), ...renderSummary(record, judged)].join("\n");
    expect(record.chaos.length, report).toBeGreaterThanOrEqual(9);
    expect(new Set(record.chaos.map((s) => s.kind)), report).toEqual(
      new Set(["region", "cloud-service", "cdn", "dns", "vantage"]),
    );
    expect(
      record.log.filter((l) => l.startsWith("warning")),
      report,
    ).toEqual([]);
    expect(
      judged.wrong.map((v) => `${v.line.text}: ${v.reasons.join("; ")}`),
      report,
    ).toEqual([]);
    expect(judged.verdict.lingering, report).toEqual([]);
    const missed = judged.verdict.chaos.filter((c) => c.detectedAfterMs === null && c.span.end !== null);
    expect(
      missed.map((c) => c.span.target),
      report,
    ).toEqual([]);
  }, 420_000);
});
