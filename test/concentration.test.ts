import { fileURLToPath } from "node:url";
import { test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../src/config/scenario-file.js";
import { compileGraph, type Graph } from "../src/model/graph.js";
import type { ComponentSpec, RequireItem } from "../src/model/model-types.js";
import { propagateAll } from "../src/model/propagate.js";
import { concentration } from "../src/whatif/concentration.js";
import { modelArbitrary } from "./model-arbitrary.js";

const AWS = fileURLToPath(new URL("../../shared/scenarios/aws-us-east-1-2021-12-07.yaml", import.meta.url));
const world = compileGraph(loadScenarioFile(AWS).model, { includeHidden: true });

/** Observed components other than c down (degraded) when c alone fails, by full propagation. */
function bruteForce(g: Graph, c: number): { down: number; degraded: number } {
  const state = new Uint8Array(g.size);
  state[c] = 2;
  const status = propagateAll(g, { state });
  let down = 0;
  let degraded = 0;
  for (let x = 0; x < g.size; x++) {
    if (x === c || g.observed[x] !== 1) continue;
    if (status[x] === 2) down++;
    if (status[x] === 1) degraded++;
  }
  return { down, degraded };
}

const hard = (id: string): RequireItem => ({ type: "hard", id, hidden: false });
const comp = (id: string, kind: string, observed: boolean, ...requires: RequireItem[]): ComponentSpec => ({
  id,
  kind,
  observed,
  requires,
});

describe("concentration on the 2021-12-07 us-east-1 world", () => {
  const report = concentration(world);
  const row = (id: string) => report.candidates.find((c) => c.id === id);

  it("counts the observed components each shared component takes down, largest first", () => {
    expect(report.observed).toBe(26);
    expect(report.candidates[0]).toEqual({ id: "aws", kind: "provider", down: 21, degraded: 0 });
    expect(row("aws/us-east-1/internal-network")).toMatchObject({ down: 15, degraded: 3 });
    expect(row("aws/us-east-1")).toMatchObject({ down: 18, degraded: 2 });
    // netflix and prime-video fail over to other regions: us-west-2's EC2 only degrades them.
    expect(row("aws/us-west-2/ec2")).toMatchObject({ down: 1, degraded: 2 });
    const downs = report.candidates.map((c) => c.down);
    expect(downs).toEqual([...downs].sort((a, b) => b - a));
  });

  it("takes services as candidates never, every other kind always", () => {
    expect(report.candidates.some((c) => c.kind === "service")).toBe(false);
    expect(report.candidateCount).toBe(world.kind.filter((k) => k !== "service").length);
    expect(row("aws/health-dashboard")).toMatchObject({ kind: "saas", down: 0 });
  });

  it("agrees with a full propagation per candidate", () => {
    for (const c of report.candidates)
      expect(bruteForce(world, world.index.get(c.id)!)).toEqual({ down: c.down, degraded: c.degraded });
  });

  it("names as SPOFs exactly the candidates that take an observed component down alone", () => {
    expect(report.spofs.map((s) => s.id)).toEqual(
      report.candidates.filter((c) => c.down > 0).map((c) => c.id),
    );
    expect(report.spofs.map((s) => s.id)).not.toContain("aws/eu-west-1");
    const network = report.spofs.find((s) => s.id === "aws/us-east-1/internal-network")!;
    expect(network.examples).toHaveLength(5);
    expect(network.examples).toEqual([...network.examples].sort());
  });

  it("computes the HHI of hosting from providers' shares", () => {
    const { hhi, providers, hosted, unhosted } = report.hosting;
    expect(hosted + unhosted).toBe(26);
    const total = providers.reduce((sum, p) => sum + p.share, 0);
    expect(total).toBeCloseTo(1, 10);
    expect(hhi).toBeCloseTo(10_000 * providers.reduce((sum, p) => sum + p.share ** 2, 0), 8);
    expect(providers[0]!.id).toBe("aws");
    expect(hhi).toBeGreaterThan(2500);
  });
});

describe("concentration definitions", () => {
  it("splits each observed component equally among its providers", () => {
    const g = compileGraph(
      {
        components: [
          comp("p", "provider", false),
          comp("q", "provider", false),
          comp("p/r", "region", false, hard("p")),
          comp("a", "service", true, hard("p/r")),
          comp("b", "service", true, hard("p/r"), { type: "soft", id: "q", hidden: false }),
          comp("c", "service", true),
        ],
      },
      { includeHidden: true },
    );
    const { hosting, spofs } = concentration(g);
    // a: all p; b: half p, half q; c: no provider. Shares p 0.75, q 0.25 → HHI 10,000 × (0.5625 + 0.0625).
    expect(hosting.providers).toEqual([
      { id: "p", share: 0.75, observed: 2 },
      { id: "q", share: 0.25, observed: 1 },
    ]);
    expect(hosting.hhi).toBeCloseTo(6250, 8);
    expect(hosting.unhosted).toBe(1);
    // q only degrades b: not a SPOF.
    expect(spofs.map((s) => s.id)).toEqual(["p", "p/r"]);
  });

  it("can evaluate only the busiest candidates and still measure hosting over every provider", () => {
    const full = concentration(world);
    const top = concentration(world, { limit: 3 });
    expect(top.candidates).toHaveLength(3);
    expect(top.candidateCount).toBe(full.candidateCount);
    expect(top.hosting).toEqual(full.hosting);
  });

  it("counts the observed components some one candidate takes down, in all and per candidate kind", () => {
    const anyOf = (...of: string[]): RequireItem => ({ type: "anyOf", of, hidden: false });
    const g = compileGraph(
      {
        components: [
          comp("d1", "dns", false),
          comp("d2", "dns", false),
          comp("c1", "cdn", false, hard("d2")),
          comp("a", "service", true, hard("d1")),
          comp("b", "service", true, anyOf("d1", "d2")),
          comp("c", "service", true, hard("c1")),
          comp("e", "service", true),
        ],
      },
      { includeHidden: true },
    );
    const report = concentration(g);
    // a on d1; c on c1 and, through it, on d2; b is redundant; e depends on nothing.
    expect(report.critical).toBe(2);
    expect(report.criticalByKind).toEqual({ cdn: 1, dns: 2 });
  });

  test.prop([modelArbitrary()], { numRuns: 200 })(
    "agrees with a full propagation per candidate on any model",
    (components) => {
      const g = compileGraph({ components }, { includeHidden: true });
      for (const c of concentration(g).candidates)
        expect(bruteForce(g, g.index.get(c.id)!)).toEqual({ down: c.down, degraded: c.degraded });
    },
  );
});
