import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Localizer } from "../src/localize/localizer.js";
import { localizerView, replay } from "../src/replay/replay.js";
import { parseScenario } from "../src/simulate/scenario-load.js";

/** A small world: two regions with networks and services, sites on them, a CDN, and 3 vantages. */
function world(extra: string): string {
  return `version: 1
name: loc
seed: 7
duration: 1h
interval: 30s
vantages: [probe/a, probe/b, probe/c]
components:
  - { id: cloud }
  - { id: cloud/r1, requires: [cloud] }
  - { id: cloud/r1/net, requires: [cloud/r1] }
  - { id: cloud/r1/vm, requires: [cloud/r1/net] }
  - { id: cloud/r1/db, requires: [cloud/r1/net] }
  - { id: cloud/r1/disk, requires: [cloud/r1] }
  - { id: cloud/r2, requires: [cloud] }
  - { id: cloud/r2/vm, requires: [cloud/r2] }
  - { id: cdn }
${Array.from({ length: 6 }, (_, i) => `  - { id: a${i}, observed: true, requires: [cloud/r1/${i % 2 ? "vm" : "db"}] }`).join("\n")}
${Array.from({ length: 3 }, (_, i) => `  - { id: d${i}, observed: true, requires: [cloud/r1/disk] }`).join("\n")}
${Array.from({ length: 4 }, (_, i) => `  - { id: b${i}, observed: true, requires: [cloud/r2/vm${i < 2 ? ", cdn" : ""}] }`).join("\n")}
${extra}`;
}

function run(extra: string) {
  return replay(parseScenario("loc.yaml", world(extra))).output;
}

describe("localizer", () => {
  it("names an unobserved network from its dependents, and not its region (whose other dependents are fine)", () => {
    const out = run("faults:\n  - { component: cloud/r1/net, at: 10m, for: 20m }\nnoise: { flip: 0.01 }\n");
    expect(out.incidents).toHaveLength(1);
    const inc = out.incidents[0]!;
    expect(inc.epicenter[0]?.component).toBe("cloud/r1/net");
    expect(inc.epicenter[0]?.confidence).toBeGreaterThan(0.5);
    expect(inc.openedAt).toBeGreaterThanOrEqual(600);
    expect(inc.openedAt).toBeLessThanOrEqual(600 + 90);
    expect(inc.resolvedAt).not.toBeNull();
    expect(inc.resolvedAt!).toBeLessThanOrEqual(1800 + 180);
    expect(inc.affected).toEqual(["a0", "a1", "a2", "a3", "a4", "a5"]);
  });

  it("names the region when all of it fails", () => {
    const out = run("faults:\n  - { component: cloud/r1, at: 10m, for: 20m }\n");
    expect(out.incidents.map((i) => i.epicenter[0]?.component)).toEqual(["cloud/r1"]);
  });

  it("explains partial impact: a network whose failure spares some dependents", () => {
    const out = run("faults:\n  - { component: cloud/r2, at: 10m, for: 20m, impact: 0.6 }\n");
    const tops = out.incidents.map((i) => i.epicenter[0]?.component);
    expect(tops).toEqual(["cloud/r2"]);
  });

  it("opens no incident for a single flaky check and stays quiet on noise", () => {
    const out = run("noise: { flip: 0.03, missing: 0.05 }\n");
    expect(out.incidents).toEqual([]);
  });

  it("blames a blind vantage, not the world", () => {
    const out = run("faults:\n  - { vantage: probe/b, at: 10m, for: 5m }\n");
    expect(out.incidents.map((i) => i.epicenter[0]?.component)).toEqual(["probe/b"]);
  });

  it("opens separate incidents for separate concurrent causes", () => {
    const out = run(
      "faults:\n  - { component: cloud/r1/net, at: 10m, for: 20m }\n  - { component: cdn, at: 15m, for: 20m }\n",
    );
    expect(out.incidents.map((i) => i.epicenter[0]?.component).sort()).toEqual(["cdn", "cloud/r1/net"]);
  });

  it("keeps a fault it holds and names a later one under the same provider separately", () => {
    const out = run(
      "faults:\n  - { component: cloud/r1/net, at: 10m, for: 30m }\n  - { component: cloud/r2/vm, at: 20m, for: 30m }\n",
    );
    // cloud/r2's only dependent is cloud/r2/vm: the two are indistinguishable and tie in first place.
    const first = (i: { epicenter: { component: string; confidence: number }[] }) =>
      i.epicenter.filter((r) => r.confidence === i.epicenter[0]?.confidence).map((r) => r.component);
    expect(out.incidents.map((i) => [first(i), i.openedAt])).toEqual([
      [["cloud/r1/net"], 630],
      [["cloud/r2", "cloud/r2/vm"], 1230],
    ]);
  });

  it("ties components no observation can tell apart", () => {
    // disk has only d0..d2 below it, and nothing else tells disk from... nothing: make a chain.
    const out = replay(
      parseScenario(
        "tie.yaml",
        `version: 1
name: tie
seed: 1
duration: 30m
interval: 30s
vantages: [p/a, p/b]
components:
  - { id: top }
  - { id: mid, requires: [top] }
  - { id: s1, observed: true, requires: [mid] }
  - { id: s2, observed: true, requires: [mid] }
faults:
  - { component: mid, at: 5m, for: 10m }
`,
      ),
    ).output;
    expect(out.incidents).toHaveLength(1);
    const [first, second] = out.incidents[0]!.epicenter;
    expect(new Set([first?.component, second?.component])).toEqual(new Set(["top", "mid"]));
    expect(first?.confidence).toBe(second?.confidence);
  });

  test.prop([fc.integer({ min: 0, max: 1000 })], { numRuns: 20 })(
    "does not depend on the order of observations within a round",
    (seed) => {
      const scenario = parseScenario(
        "loc.yaml",
        world("faults:\n  - { component: cloud/r1/net, at: 5m, for: 10m }\n"),
      );
      const view = localizerView(scenario);
      const rows: [number, number, number, number][] = [];
      const sites = scenario.model.components.flatMap((c, i) => (c.observed ? [i] : []));
      for (let t = 0; t < 1800; t += 30)
        for (let v = 0; v < 3; v++)
          for (const c of sites) {
            const down = t >= 300 && t < 900 && scenario.model.components[c]!.id.startsWith("a");
            rows.push([t, v, c, down ? 2 : 0]);
          }
      const shuffled = [...rows];
      let x = seed + 1;
      for (let i = shuffled.length - 1; i > 0; i--) {
        x = (x * 1103515245 + 12345) % 2147483648;
        const j = x % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      shuffled.sort((a, b) => a[0] - b[0]); // time order kept; order within a round shuffled
      const a = new Localizer(view);
      const b = new Localizer(view);
      for (const r of rows) a.observe(...r);
      for (const r of shuffled) b.observe(...r);
      a.finish();
      b.finish();
      expect(b.incidents).toEqual(a.incidents);
      expect(a.incidents.length).toBe(1);
    },
  );
});
