/**
 * A prober that is itself held up (its event loop busy, its CPU starved) must not blame the target: a check
 * whose attempt overlapped a stall is checked again at once before a failure is reported. The stall log's
 * arithmetic is checked on made-up times (with properties for any ticks), the re-run with a real HTTP
 * server, the real runner, the scheduler and the stall meter, the stall made by blocking the event loop.
 */
import http from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, HttpCheck } from "../src/probe/check-types.js";
import { HttpAgents } from "../src/probe/http-agent.js";
import { runCheck } from "../src/probe/run-check.js";
import { Scheduler } from "../src/probe/scheduler.js";
import { StallLog } from "../src/probe/stall-log.js";
import { startStallMeter } from "../src/probe/stall-meter.js";
import { close, listen, silentTcp } from "./probe-fixtures.js";
import { httpCheck } from "./schedule-fixtures.js";

describe("the stall log", () => {
  it("records a late tick as the span it was late by, and sums the overlap of a window", () => {
    const log = new StallLog({ tickMs: 20, minStallMs: 50, keepMs: 10_000 });
    for (const t of [0, 20, 40, 60]) log.tick(t);
    log.tick(400); // due at 80: stalled 80..400
    log.tick(420);
    log.tick(445); // 5 ms late: jitter
    expect(log.count).toBe(1);
    expect(log.stalledMs(0, 1000)).toBe(320);
    expect(log.stalledMs(100, 200)).toBe(100);
    expect(log.stalledMs(0, 80)).toBe(0);
    expect(log.stalledMs(400, 1000)).toBe(0);
  });

  it("forgets stalls older than keepMs, and ignores a clock that steps back", () => {
    const log = new StallLog({ tickMs: 10, minStallMs: 20, keepMs: 1000 });
    let t = 0;
    for (let i = 0; i < 100; i++) {
      t += 100; // every tick 90 ms late
      log.tick(t);
    }
    expect(log.count).toBeLessThan(99);
    expect(log.stalledMs(t - 500, t)).toBe(450);
    log.tick(t - 5000);
    log.tick(t - 4990);
    expect(log.stalledMs(t - 6000, t)).toBeGreaterThan(0);
  });

  it("never counts more than the window, and adds up over a split window", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        (gaps, a, b, c) => {
          const log = new StallLog({ tickMs: 20, minStallMs: 50, keepMs: 1e9 });
          let t = 0;
          log.tick(t);
          for (const g of gaps) {
            t += g;
            log.tick(t);
          }
          const [from, mid, to] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
          const whole = log.stalledMs(from, to);
          expect(whole).toBeGreaterThanOrEqual(0);
          expect(whole).toBeLessThanOrEqual(to - from);
          expect(log.stalledMs(from, mid) + log.stalledMs(mid, to)).toBeCloseTo(whole, 6);
          // Every gap of 70 ms or more (20 due + 50) is a stall of gap − 20.
          const expected = gaps.filter((g) => g - 20 >= 50).reduce((s, g) => s + g - 20, 0);
          expect(log.stalledMs(0, t)).toBe(expected);
        },
      ),
    );
  });
});

/** Holds this process's event loop for `ms`: what a long evaluation or a starved CPU does to a prober. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

describe("a failure seen while the prober was stalled", () => {
  let port = 0;
  let slowMs = 0;
  const server = http.createServer((req, res) => {
    const answer = () => res.end("ok");
    if (req.url?.startsWith("/slow")) setTimeout(answer, slowMs);
    else answer();
  });
  let silent: Awaited<ReturnType<typeof silentTcp>>;
  beforeAll(async () => {
    port = await listen(server);
    silent = await silentTcp();
  });
  afterAll(async () => {
    await silent.close();
    await close(server);
  });

  /** Runs `check` once through a scheduler with a real stall meter; `stallMs` blocks the loop on `stalled` attempts. */
  async function runOnce(check: HttpCheck, stallMs: number, stalled: (attempt: number) => boolean) {
    const agents = new HttpAgents();
    const now = () => performance.timeOrigin + performance.now();
    const stalls = startStallMeter(now);
    const results: CheckResult[] = [];
    const result = await new Promise<CheckResult>((resolve) => {
      const scheduler = new Scheduler({
        now,
        stalls,
        runner: (c, ctx) => {
          const attempt = results.length + 1;
          const running = runCheck(c, { ...ctx, http: agents });
          // The request is out; the loop is held before its answer can be read.
          if (stallMs > 0 && stalled(attempt)) setTimeout(() => block(stallMs), 30);
          return running.then((r) => {
            results.push(r);
            return r;
          });
        },
        onResult: (r) => void scheduler.stop(0).then(() => resolve(r.result)),
      });
      scheduler.start([check]);
    });
    stalls.stop();
    await agents.close();
    return { result, results };
  }

  it("re-checks a timeout the stall caused and reports the target up", async () => {
    slowMs = 100; // answers well within the timeout, after the stall began
    const check = httpCheck("acme/api#1", `http://127.0.0.1:${port}/slow`, {
      timeoutMs: 300,
      intervalMs: 60_000,
    });
    const run = await runOnce(check, 700, (n) => n === 1);
    // Before the fix, the first attempt's result was reported: the deadline fired before the answer was read.
    expect(run.results[0]).toMatchObject({ status: "down" });
    expect(run.result.status).toBe("up");
    expect(run.results).toHaveLength(2);
  });

  it("re-checks a slow answer whose slowness was the stall's, and reports it up", async () => {
    slowMs = 100; // answers within degradedOver, after the stall began
    const check = httpCheck("acme/api#1", `http://127.0.0.1:${port}/slow`, {
      timeoutMs: 5000,
      degradedOverMs: 300,
      intervalMs: 60_000,
    });
    const run = await runOnce(check, 600, (n) => n === 1);
    expect(run.results[0]).toMatchObject({ status: "degraded" });
    expect(run.result.status).toBe("up");
    expect(run.results).toHaveLength(2);
  });

  it("still reports a target that is slow of its own, without a stall, as degraded", async () => {
    slowMs = 600;
    const check = httpCheck("acme/api#1", `http://127.0.0.1:${port}/slow`, {
      timeoutMs: 5000,
      degradedOverMs: 300,
      intervalMs: 60_000,
    });
    const run = await runOnce(check, 0, () => false);
    expect(run.result.status).toBe("degraded");
    expect(run.result.latencyMs).toBeGreaterThanOrEqual(600);
  });

  it("re-checks only once: a target that never answers, under a stall that does not end, is reported down", async () => {
    const check = httpCheck("acme/api#1", `http://127.0.0.1:${silent.port}/`, {
      timeoutMs: 300,
      intervalMs: 60_000,
    });
    // Every attempt stalls: the prober is starved for good, and must still report.
    const run = await runOnce(check, 400, () => true);
    expect(run.result).toMatchObject({ status: "down" });
    expect(run.results).toHaveLength(2);
  });
});
