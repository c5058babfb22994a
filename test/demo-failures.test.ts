/**
 * The demo world's faults fail the way they do for real (issue 14): per kind of fault, which error classes
 * the real probes see on the services it takes down, over HTTPS with names from the world's name server.
 * And the pure choice of failure mode: degraded is always slow, one fault's services show its whole family.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failureMode } from "../src/demo/demo-failure-modes.js";
import { type DemoWorld, startDemoWorld } from "../src/demo/demo-world.js";
import type { CheckResult } from "../src/probe/check-types.js";
import { HttpAgents } from "../src/probe/http-agent.js";
import { runCheck } from "../src/probe/run-check.js";

describe("failure modes", () => {
  it("degraded is slow, down follows the fault's kind, and a kind with no family is a 503", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("region", "cloud-service", "cdn", "dns", "saas", undefined),
        fc.nat(),
        (kind, i) => {
          expect(failureMode(kind, "degraded", i)).toBe("slow");
          const down = failureMode(kind, "down", i);
          if (kind === "dns") expect(["dns-servfail", "dns-timeout"]).toContain(down);
          if (kind === "saas" || kind === undefined) expect(down).toBe("http-503");
          expect(down).not.toBe("slow");
        },
      ),
    );
    const region = new Set(Array.from({ length: 6 }, (_, i) => failureMode("region", "down", i)));
    expect(region).toEqual(new Set(["blackhole", "reset", "http-503"]));
  });
});

describe("the demo world fails like the real internet", () => {
  let world: DemoWorld;
  const http = new HttpAgents();
  beforeAll(async () => {
    world = await startDemoWorld();
  });
  afterAll(async () => {
    await world.close();
    await http.close();
  });

  /** Every check once from vantage A, a few at a time; the results of services down now. */
  async function downResults(): Promise<CheckResult[]> {
    const down = new Set(world.impact().down);
    const jobs = world.checks.filter((c) => down.has(c.component));
    const out: CheckResult[] = [];
    const worker = async () => {
      for (let check = jobs.shift(); check; check = jobs.shift())
        out.push(
          await runCheck(
            { ...check, timeoutMs: 2500 },
            {
              signal: new AbortController().signal,
              localAddress: "127.0.0.2",
              http,
              ...world.probeContext(),
            },
          ),
        );
    };
    await Promise.all(Array.from({ length: 10 }, worker));
    return out;
  }

  const cases: [string, string[], RegExp][] = [
    ["aws/us-east-1", ["connect-timeout", "connect-refused", "http-5xx"], /HTTP 503|timed out|ECONNRESET/],
    ["dyn/dns", ["dns"], /^(SERVFAIL|TIMEOUT)/],
    ["cloudflare/cdn", ["http-5xx", "tls"], /HTTP 50[23]|certificate|altnames|expired/i],
  ];
  for (const [fault, classes, message] of cases)
    it(`${fault}: every service it takes down fails as ${classes.join(", ")}`, async () => {
      world.inject({ id: fault });
      try {
        const results = await downResults();
        expect(results.length).toBeGreaterThan(1);
        for (const r of results) {
          expect(r.status).toBe("down");
          expect(classes).toContain(r.errorClass);
          expect(r.message).toMatch(message);
        }
        if (fault !== "cloudflare/cdn")
          expect(new Set(results.map((r) => r.errorClass)).size).toBe(classes.length);
      } finally {
        world.clear(fault);
      }
    });

  it("answers again, by name and over HTTPS, once the fault ends", async () => {
    const check = world.checks[0]!;
    expect(check.url).toMatch(/^https:\/\/[a-z-]+\.demo\.test:\d+\/health$/);
    const result = await runCheck(check, {
      signal: new AbortController().signal,
      localAddress: "127.0.0.2",
      http,
      ...world.probeContext(),
    });
    expect(result).toMatchObject({ status: "up", errorClass: null });
    expect(result.phases.dns).toBeGreaterThan(0);
    expect(result.phases.tls).toBeGreaterThan(0);
  });
});
