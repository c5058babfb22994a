import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChaosEvent,
  type ChaosTimer,
  chaosPlan,
  chaosTargets,
  formatDuration,
  startChaos,
} from "../src/demo/demo-chaos.js";
import { DEMO_VANTAGES, demoComponents } from "../src/demo/demo-model.js";
import { type DemoWorld, startDemoWorld } from "../src/demo/demo-world.js";
import { compileGraph } from "../src/model/graph.js";
import { propagateAll } from "../src/model/propagate.js";

/** A clock that moves only when told, firing due callbacks in time order. */
class ManualTimer implements ChaosTimer {
  #now = 0;
  #next = 0;
  readonly #due = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const handle = this.#next++;
    this.#due.set(handle, { at: this.#now + ms, fn });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.#due.delete(handle as number);
  }
  get pending(): number {
    return this.#due.size;
  }
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#due)
        if (entry[1].at <= until && (!first || entry[1].at < first[1].at)) first = entry;
      if (!first) break;
      this.#due.delete(first[0]);
      this.#now = first[1].at;
      first[1].fn();
    }
    this.#now = until;
  }
}

const components = demoComponents();
const vantageIds = DEMO_VANTAGES.map((v) => v.id);
const targets = chaosTargets(components, vantageIds);

describe("chaos targets", () => {
  it("cover every kind, the story's region first among them", () => {
    const ids = targets.map((t) => t.id);
    for (const id of ["aws/us-east-1", "aws/us-east-1/dynamodb", "cloudflare/cdn", "fastly/cdn", "dyn/dns"])
      expect(ids).toContain(id);
    for (const v of vantageIds) expect(targets).toContainEqual({ id: v, kind: "vantage" });
    expect(new Set(targets.map((t) => t.kind))).toEqual(
      new Set(["region", "cloud-service", "cdn", "dns", "vantage"]),
    );
    expect(ids).not.toContain("aws/eu-west-1/rds"); // it takes down one service only
  });

  it("each leave a different mark on the observed services, so the truth can be told from outside", () => {
    const g = compileGraph({ components }, { includeHidden: true });
    const marks = new Map<string, string>();
    for (const t of targets.filter((t) => t.kind !== "vantage")) {
      const state = new Uint8Array(g.size);
      state[g.index.get(t.id)!] = 2;
      const status = propagateAll(g, { state });
      const mark = [...status].filter((_, c) => g.observed[c]).join("");
      expect(marks.get(mark), `${t.id} looks like ${marks.get(mark)}`).toBeUndefined();
      marks.set(mark, t.id);
    }
  });
});

describe("the chaos plan", () => {
  const take = (seed: number, n: number) => [...iterate(chaosPlan(targets, { seed }), n)];
  function* iterate<T>(it: Iterator<T>, n: number) {
    for (let i = 0; i < n; i++) {
      const r = it.next();
      if (r.done) return;
      yield r.value;
    }
  }

  it("starts with aws/us-east-1 a minute in, then cycles region, cloud service, CDN, DNS, and a vantage", () => {
    const steps = take(1, 18);
    expect(steps[0]).toMatchObject({ id: "aws/us-east-1", kind: "region", startMs: 60_000 });
    expect(steps.map((s) => s.kind).slice(0, 10)).toEqual([
      "region",
      "cloud-service",
      "cdn",
      "dns",
      "region",
      "cloud-service",
      "cdn",
      "dns",
      "vantage",
      "region",
    ]);
  });

  it("is the same for a seed and differs between seeds", () => {
    expect(take(7, 30)).toEqual(take(7, 30));
    expect(take(7, 30)).not.toEqual(take(8, 30));
  });

  test.prop([fc.integer({ min: 0, max: 2 ** 31 })])(
    "faults last 2 to 4 minutes and never overlap",
    (seed) => {
      const steps = take(seed, 40);
      expect(steps).toHaveLength(40);
      for (let i = 0; i < steps.length; i++) {
        const s = steps[i]!;
        expect(s.durationMs).toBeGreaterThanOrEqual(120_000);
        expect(s.durationMs).toBeLessThanOrEqual(240_000);
        expect(s.durationMs % 1000).toBe(0);
        const next = steps[i + 1];
        if (!next) continue;
        const gap = next.startMs - (s.startMs + s.durationMs);
        expect(gap).toBeGreaterThanOrEqual(60_000);
        expect(gap).toBeLessThanOrEqual(180_000);
        // The same target never twice in a row within a kind that has several.
        const previousOfKind = steps.slice(0, i + 1).findLast((p) => p.kind === next.kind);
        if (previousOfKind && targets.filter((t) => t.kind === next.kind).length > 1)
          expect(next.id).not.toBe(previousOfKind.id);
      }
    },
  );
});

describe("the chaos loop", () => {
  it("injects and clears the plan's faults on time, one at a time, and says so", () => {
    const timer = new ManualTimer();
    const calls: string[] = [];
    let held = 0;
    let most = 0;
    const world = {
      components,
      vantages: DEMO_VANTAGES,
      inject: (f: { id: string }) => {
        calls.push(`+${f.id}@${timer.now()}`);
        most = Math.max(most, ++held);
      },
      clear: (id: string) => {
        calls.push(`-${id}@${timer.now()}`);
        held--;
      },
    };
    const events: ChaosEvent[] = [];
    const chaos = startChaos(world, { seed: 3, timer, onChange: (e) => events.push(e) });
    timer.advance(59_999);
    expect(calls).toEqual([]);
    timer.advance(1);
    expect(calls).toEqual(["+aws/us-east-1@60000"]);
    expect(chaos.active?.id).toBe("aws/us-east-1");
    timer.advance(3 * 3600_000);

    const expected = [...iterateUntil(chaosPlan(targets, { seed: 3 }), 60_000 + 3 * 3600_000)];
    expect(calls.filter((c) => c.startsWith("+"))).toEqual(expected.map((s) => `+${s.id}@${s.startMs}`));
    expect(calls.filter((c) => c.startsWith("-"))).toEqual(
      expected
        .filter((s) => s.startMs + s.durationMs <= timer.now())
        .map((s) => `-${s.id}@${s.startMs + s.durationMs}`),
    );
    expect(most).toBe(1);
    expect(events.map((e) => e.type)).toEqual(calls.map((c) => (c.startsWith("+") ? "fail" : "restore")));
    const first = events[0]!;
    expect(first.line).toBe(
      `chaos: failing aws/us-east-1 (region) for ${formatDuration(first.durationMs)} (connections blackholed or reset, or HTTP 503)`,
    );
    expect(events[1]!.line).toBe(`chaos: aws/us-east-1 restored after ${formatDuration(first.durationMs)}`);
    const blind = events.find((e) => e.target.kind === "vantage" && e.type === "fail")!;
    expect(blind.line).toMatch(
      /^chaos: blinding vantage\/local-[abc] \(the watcher's own network fails\) for \d+m/,
    );

    const before = events.length;
    const active = chaos.active;
    chaos.stop();
    expect(timer.pending).toBe(0);
    if (active) expect(events.at(-1)!.line).toBe(`chaos: ${restored(active)} (chaos stopped)`);
    else expect(events).toHaveLength(before);
    timer.advance(3600_000);
    expect(events.length).toBe(before + (active ? 1 : 0));
  });

  function restored(t: { id: string; kind: string }): string {
    return t.kind === "vantage" ? `${t.id} can see again` : `${t.id} restored`;
  }

  function* iterateUntil<T extends { startMs: number }>(it: Iterator<T>, until: number) {
    for (;;) {
      const r = it.next();
      if (r.done || r.value.startMs > until) return;
      yield r.value;
    }
  }

  it("formats durations as people read them", () => {
    expect([formatDuration(180_000), formatDuration(161_000), formatDuration(45_000)]).toEqual([
      "3m",
      "2m41s",
      "45s",
    ]);
  });
});

describe("chaos on the real demo world", () => {
  let world: DemoWorld;
  beforeAll(async () => {
    world = await startDemoWorld();
  });
  afterAll(() => world.close());

  it("fails aws/us-east-1 in the world first, counts what it hits, and restores it", () => {
    const timer = new ManualTimer();
    const lines: string[] = [];
    const chaos = startChaos(world, { timer, onChange: (e) => lines.push(e.line) });
    timer.advance(60_000);
    expect(world.faults()).toEqual([{ id: "aws/us-east-1", target: "component", state: "down", impact: 1 }]);
    const { down, degraded } = world.impact();
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^chaos: failing aws/us-east-1 \\(region\\) for \\d+m(\\d+s)?: ${down.length} services down, ${degraded.length} degraded \\(connections blackholed or reset, or HTTP 503\\)$`,
        ),
      ),
    ]);
    timer.advance(chaos.active!.durationMs);
    expect(world.faults()).toEqual([]);
    expect(world.status("aws/us-east-1")).toBe("up");
    chaos.stop();
  });
});
