/** Shared deadlines: attempts of one timeout in one millisecond share a signal; each still times out on its own terms. */
import { describe, expect, it } from "vitest";
import { SharedDeadlines } from "../src/probe/shared-deadlines.js";

const clock = () => performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("shared deadlines", () => {
  it("shares one signal within a millisecond and a timeout, not across them", () => {
    const d = new SharedDeadlines<string>(clock, () => {});
    const a = d.join("a", 5000, 100.2);
    const b = d.join("b", 5000, 100.7);
    const c = d.join("c", 5000, 101.5);
    const e = d.join("e", 4000, 100.7);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(e).not.toBe(a);
    expect(a.at).toBeGreaterThanOrEqual(100.7 + 5000);
    for (const [deadline, m] of [
      [a, "a"],
      [b, "b"],
      [c, "c"],
      [e, "e"],
    ] as const)
      d.leave(deadline, m);
  });

  it("aborts with a TimeoutError and reports only members still in; an emptied deadline never fires", async () => {
    const expired: string[] = [];
    const d = new SharedDeadlines<string>(clock, (m) => expired.push(m));
    const now = clock();
    const shared = d.join("done", 20, now);
    d.join("hangs", 20, now);
    d.leave(shared, "done");
    const alone = d.join("left", 30, now);
    d.leave(alone, "left");
    await sleep(80);
    expect(expired).toEqual(["hangs"]);
    expect(shared.controller.signal.aborted).toBe(true);
    expect((shared.controller.signal.reason as DOMException).name).toBe("TimeoutError");
    expect(alone.controller.signal.aborted).toBe(false);
  });

  it("takes any number of listeners on one signal without a leak warning", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    const d = new SharedDeadlines<number>(clock, () => {});
    const now = clock();
    for (let i = 0; i < 50; i++) d.join(i, 10_000, now).controller.signal.addEventListener("abort", () => {});
    await sleep(10);
    process.off("warning", onWarning);
    const deadline = d.join(50, 10_000, now);
    for (let i = 0; i <= 50; i++) d.leave(deadline, i);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });
});
