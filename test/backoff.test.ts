/** The one backoff rule (model/backoff.ts) the notifier and the agent's batcher wait by. */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/model/backoff.js";
import { DEFAULT_BACKOFF } from "../src/notify/channel-delivery.js";

const policy = fc
  .record({ firstMs: fc.integer({ min: 0, max: 100_000 }), spanMs: fc.integer({ min: 0, max: 10_000_000 }) })
  .map(({ firstMs, spanMs }) => ({ firstMs, maxMs: firstMs + spanMs }));
const failures = fc.integer({ min: 1, max: 5000 });
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe("backoffDelay", () => {
  it("doubles from the first wait up to the longest (the notifier's default: 1, 2, 4, 8, 16 s)", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, DEFAULT_BACKOFF))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect([1, 2, 5, 6, 100].map((n) => backoffDelay(n, { firstMs: 500, maxMs: 10_000 }))).toEqual([
      500, 1000, 8000, 10_000, 10_000,
    ]);
  });

  test.prop([policy, failures])(
    "stays within [first, longest] and is a number, however many failures",
    (p, n) => {
      const wait = backoffDelay(n, p);
      expect(Number.isFinite(wait)).toBe(true);
      expect(wait).toBeGreaterThanOrEqual(Math.min(p.firstMs, p.maxMs));
      expect(wait).toBeLessThanOrEqual(p.maxMs);
    },
  );

  test.prop([policy, failures])("never shrinks as failures go on", (p, n) => {
    expect(backoffDelay(n + 1, p)).toBeGreaterThanOrEqual(backoffDelay(n, p));
  });

  test.prop([policy, failures, fc.double({ min: 0, max: 1, noNaN: true }), unit])(
    "jitter takes off at most its fraction of the wait",
    (p, n, jitter, r) => {
      const plain = backoffDelay(n, p);
      const jittered = backoffDelay(n, { ...p, jitter }, () => r);
      expect(jittered).toBeLessThanOrEqual(plain);
      expect(jittered).toBeGreaterThanOrEqual(plain * (1 - jitter) - 1e-9);
    },
  );

  it("without jitter never asks the random source", () => {
    expect(
      backoffDelay(3, { firstMs: 100, maxMs: 1000 }, () => {
        throw new Error("asked");
      }),
    ).toBe(400);
  });
});
