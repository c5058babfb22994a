/** The scheduler with real timers, the real HTTP runner and real local servers. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckRunner } from "../src/probe/check-attempts.js";
import type { Check } from "../src/probe/check-types.js";
import { runCheck } from "../src/probe/run-check.js";
import { assignPhases } from "../src/probe/schedule-plan.js";
import { Scheduler } from "../src/probe/scheduler.js";
import type { ScheduledResult, SchedulerOptions } from "../src/probe/scheduler-options.js";
import { type CountingServer, httpCheck, startCountingServer, until } from "./schedule-fixtures.js";

let a: CountingServer;
let b: CountingServer;

beforeAll(async () => {
  [a, b] = await Promise.all([startCountingServer(), startCountingServer()]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});

function scheduler(options: Partial<SchedulerOptions> = {}) {
  const results: ScheduledResult[] = [];
  const s = new Scheduler({ runner: runCheck, onResult: (r) => results.push(r), ...options });
  return { s, results, of: (id: string) => results.filter((r) => r.check.id === id) };
}

const clock = () => performance.timeOrigin + performance.now();

/** Starts `s` with one check whose first slot is due in 5 ms (t0 set back by the check's phase). */
function startNow(s: Scheduler, check: Check): void {
  s.start([check], clock() + 5 - assignPhases([check])[0]!.phaseMs);
}

describe("scheduler", () => {
  it("keeps running a fast check while a hanging host holds only its own slots", async () => {
    // 20 checks hang on server a until their 3 s timeout; 4 slots in all, 2 per host.
    const hanging = Array.from({ length: 20 }, (_, i) =>
      httpCheck(`hang/h${i}#1`, `${a.url}/hang`, { intervalMs: 500, timeoutMs: 3000 }),
    );
    const fast = httpCheck("fast/f#1", `${b.url}/ok`, { intervalMs: 100 });
    // Counted on our side: the server may see a timed-out request's socket close after the next one arrives.
    let hangingNow = 0;
    let hangingMax = 0;
    const runner: CheckRunner = async (check, ctx) => {
      if (!check.id.startsWith("hang/")) return runCheck(check, ctx);
      hangingMax = Math.max(hangingMax, ++hangingNow);
      try {
        return await runCheck(check, ctx);
      } finally {
        hangingNow--;
      }
    };
    const { s, results, of } = scheduler({ concurrency: 4, perHost: 2, runner });
    s.start([...hanging, fast]);
    await until(() => results.some((r) => r.check.id.startsWith("hang/")));
    const firstHang = results.findIndex((r) => r.check.id.startsWith("hang/"));
    const fastBefore = results.slice(0, firstHang).filter((r) => r.check.id === "fast/f#1");
    expect(fastBefore.length).toBeGreaterThanOrEqual(5);
    expect(fastBefore.every((r) => r.result.status === "up")).toBe(true);
    expect(results[firstHang]!.result).toMatchObject({ status: "down", errorClass: "timeout" });
    expect(hangingMax).toBe(2);
    const stats = await s.stop(0);
    expect(stats.inFlight).toBe(0);
    expect(stats.skipped).toBeGreaterThan(0); // hanging checks whose previous slot was still waiting
    expect(of("fast/f#1").every((r) => r.attempts === 1 && r.startedAt >= r.due - 1)).toBe(true);
  });

  it("never runs more than perHost requests at once against one host", async () => {
    // 30 checks every 300 ms answered after 400 ms would need about 40 connections at once.
    const checks = [
      ...Array.from({ length: 30 }, (_, i) =>
        httpCheck(`a/s${i}#1`, `${a.url}/slow/400`, { intervalMs: 300 }),
      ),
      ...Array.from({ length: 30 }, (_, i) =>
        httpCheck(`b/s${i}#1`, `${b.url}/slow/401`, { intervalMs: 300 }),
      ),
    ];
    const { s, results } = scheduler({ perHost: 3 });
    s.start(checks);
    await until(() => results.length >= 40);
    await s.stop(5000);
    expect(a.maxConcurrent.get("/slow/400")).toBe(3);
    expect(b.maxConcurrent.get("/slow/401")).toBe(3);
    expect(results.every((r) => r.result.status === "up")).toBe(true);
  });

  it("never runs one check twice at once: a slot whose previous run is still in flight is skipped", async () => {
    const { s, results } = scheduler();
    s.start([httpCheck("slow/one#1", `${a.url}/slow/350`, { intervalMs: 100 })]);
    await until(() => results.length >= 3);
    const stats = await s.stop(5000);
    expect(a.maxConcurrent.get("/slow/350")).toBe(1);
    expect(stats.skipped).toBeGreaterThanOrEqual(4);
  });

  it("re-runs a failure to confirm it: a flaky target is reported up, a down one after confirm + 1 attempts", async () => {
    const flaky = httpCheck("flaky/x#1", `${b.url}/flaky`, { intervalMs: 60_000, confirm: 1 });
    const down = httpCheck("down/x#1", `${b.url}/down`, { intervalMs: 60_000, confirm: 2 });
    const unconfirmed = httpCheck("down/y#1", `${a.url}/down`, { intervalMs: 60_000, confirm: 0 });
    const runs = [flaky, down, unconfirmed].map((check) => {
      const run = scheduler({ confirmDelayMs: 50 });
      startNow(run.s, check);
      return run;
    });
    await until(() => runs.every((r) => r.results.length === 1));
    await Promise.all(runs.map((r) => r.s.stop(1000)));
    const [f, d, u] = runs.map((r) => r.results[0]);
    expect(f).toMatchObject({ attempts: 2, result: { status: "up" } });
    expect(d).toMatchObject({ attempts: 3, result: { status: "down", errorClass: "http-5xx" } });
    expect(u).toMatchObject({ attempts: 1, result: { status: "down" } });
    expect(b.hits.get("/flaky")).toBe(2);
    expect(b.hits.get("/down")).toBe(3);
    expect(runs.map((r) => r.s.stats().confirmRuns)).toEqual([1, 2, 0]);
  });

  it("stop lets in-flight checks finish before the deadline and abandons the rest at it", async () => {
    const { s, results, of } = scheduler();
    s.start([
      // In flight 90% of the time (a slot while it runs is skipped).
      httpCheck("slow/fin#1", `${b.url}/slow/450`, { intervalMs: 500 }),
      httpCheck("hang/stop#1", `${b.url}/hang`, { intervalMs: 1000, timeoutMs: 30_000 }),
    ]);
    await until(() => s.stats().inFlight === 2);
    const finishedBefore = of("slow/fin#1").length;
    const began = performance.now();
    const stats = await s.stop(1500);
    // Well before the hanging check's own 30 s timeout: the deadline ended it.
    expect(performance.now() - began).toBeLessThan(15_000);
    expect(of("slow/fin#1")).toHaveLength(finishedBefore + 1);
    expect(of("hang/stop#1")).toHaveLength(0);
    expect(stats).toMatchObject({ inFlight: 0, abandoned: 1 });
    expect(results).toHaveLength(stats.reported);
  });

  it("setChecks drops removed checks, adds new ones and keeps unchanged phases", async () => {
    const keep = httpCheck("keep/k#1", `${a.url}/ok?keep`, { intervalMs: 100 });
    const gone = httpCheck("gone/g#1", `${a.url}/ok?gone`, { intervalMs: 100 });
    const { s, results, of } = scheduler();
    s.start([keep, gone]);
    await until(() => of("gone/g#1").length >= 2 && of("keep/k#1").length >= 2);
    const phase = (r: ScheduledResult) => (((r.due - of("keep/k#1")[0]!.due) % 100) + 100) % 100;
    s.setChecks([keep, httpCheck("new/n#1", `${a.url}/ok?new`, { intervalMs: 100 })]);
    const goneCount = of("gone/g#1").length;
    await until(() => of("new/n#1").length >= 3);
    const marker = results.length;
    await until(() => results.length >= marker + 6);
    await s.stop(1000);
    expect(of("gone/g#1").length).toBeLessThanOrEqual(goneCount + 1); // one may have been in flight
    expect(of("keep/k#1").every((r) => Math.min(phase(r), 100 - phase(r)) < 1e-6)).toBe(true);
    expect(s.stats().checks).toBe(2);
  });

  it("checks set before start are scheduled by start", async () => {
    const check = httpCheck("early/e#1", `${a.url}/ok?early`, { intervalMs: 100 });
    const { s, results } = scheduler();
    s.setChecks([check]);
    s.start([check]);
    await until(() => results.length >= 2);
    await s.stop(1000);
    expect(results.every((r) => r.check.id === "early/e#1" && r.result.status === "up")).toBe(true);
  });
});
