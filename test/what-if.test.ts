import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../src/config/scenario-file.js";
import { compileGraph, type Graph } from "../src/model/graph.js";
import type { ComponentSpec, RequireItem } from "../src/model/model-types.js";
import { propagateAll, STATUS_NAMES } from "../src/model/propagate.js";
import { chainOf, type ImpactSummary, summarizeImpact, WhatIf, whatIf } from "../src/whatif/what-if.js";

const AWS = fileURLToPath(new URL("../../shared/scenarios/aws-us-east-1-2021-12-07.yaml", import.meta.url));
const world = compileGraph(loadScenarioFile(AWS).model, { includeHidden: true });

function fail(g: Graph, ...ids: string[]): ImpactSummary {
  return summarizeImpact(
    g,
    whatIf(
      g,
      ids.map((id) => g.index.get(id)!),
    ),
  );
}
const pathOf = (s: ImpactSummary, id: string) => s.entries.find((e) => e.id === id)?.path;

describe("what-if on the 2021-12-07 us-east-1 world", () => {
  it("failing the internal network takes down disneyplus and degrades netflix, which fails over", () => {
    const s = fail(world, "aws/us-east-1/internal-network");
    expect(s.failed).toEqual(["aws/us-east-1/internal-network"]);
    expect(s.down).toContain("aws/us-east-1/internal-network");
    expect(s.down).toContain("disneyplus");
    expect(s.down).toContain("aws/health-dashboard");
    expect(s.degraded).toEqual(["netflix", "prime-video", "slack"]);
    // Running instances and S3 kept serving: the sites on them stay up.
    for (const up of [
      "app-on-running-instances",
      "static-site",
      "aws/us-east-1/ec2",
      "aws/us-east-1/s3",
      "reddit",
    ])
      expect([...s.down, ...s.degraded]).not.toContain(up);
  });

  it("explains disneyplus through the API Gateway", () => {
    const s = fail(world, "aws/us-east-1/internal-network");
    expect(pathOf(s, "disneyplus")).toEqual([
      "disneyplus",
      "aws/us-east-1/api-gateway",
      "aws/us-east-1/internal-network",
    ]);
    expect(pathOf(s, "netflix")).toEqual(["netflix", "aws/us-east-1/sts", "aws/us-east-1/internal-network"]);
    expect(pathOf(s, "aws/us-east-1/internal-network")).toEqual(["aws/us-east-1/internal-network"]);
  });

  it("failing the region takes down the app on running instances, and netflix survives degraded", () => {
    const s = fail(world, "aws/us-east-1");
    expect(s.down).toContain("app-on-running-instances");
    expect(s.down).toContain("static-site");
    expect(s.degraded).toContain("netflix");
    expect(pathOf(s, "app-on-running-instances")).toEqual([
      "app-on-running-instances",
      "aws/us-east-1/ec2",
      "aws/us-east-1",
    ]);
  });

  it("lists ids sorted, failed components under down, and agrees with full propagation", () => {
    const s = fail(world, "cloudflare/cdn", "aws/us-west-2");
    expect(s.failed).toEqual(["aws/us-west-2", "cloudflare/cdn"]);
    expect(s.down).toEqual([...s.down].sort());
    expect(s.degraded).toEqual([...s.degraded].sort());
    const state = new Uint8Array(world.size);
    for (const id of s.failed) state[world.index.get(id)!] = 2;
    const truth = propagateAll(world, { state });
    const expected = (name: string) => world.ids.filter((_, c) => STATUS_NAMES[truth[c]!] === name).sort();
    expect(s.down).toEqual(expected("down"));
    expect(s.degraded).toEqual(expected("degraded"));
    expect(s.down).toContain("shopify");
    expect(s.down).toContain("reddit");
  });

  it("every path is a chain of impaired dependencies ending at a failed component", () => {
    const impact = whatIf(world, [world.index.get("aws/us-east-1/internal-network")!]);
    const impaired = new Set(impact.components);
    for (let i = 0; i < impact.components.length; i++) {
      const chain = chainOf(impact, i);
      expect(impact.failed).toContain(chain[chain.length - 1]);
      for (let h = 0; h + 1 < chain.length; h++) {
        expect(impaired.has(chain[h + 1]!)).toBe(true);
        const deps = world.members.subarray(
          world.memberStart[world.itemStart[chain[h]!]!]!,
          world.memberStart[world.itemStart[chain[h]! + 1]!]!,
        );
        expect([...deps]).toContain(chain[h + 1]);
      }
    }
  });
});

describe("what-if engine", () => {
  const hard = (id: string): RequireItem => ({ type: "hard", id, hidden: false });
  const soft = (id: string): RequireItem => ({ type: "soft", id, hidden: false });
  const comp = (id: string, ...requires: RequireItem[]): ComponentSpec => ({
    id,
    kind: "x",
    observed: false,
    requires,
  });

  it("takes down a component first reached as degraded, and what depends on it", () => {
    // c is reached through its soft dependency long before the hard chain f → a → a2 → b takes it down.
    const g = compileGraph(
      {
        components: [
          comp("f"),
          comp("a", hard("f")),
          comp("a2", hard("a")),
          comp("b", hard("a2")),
          comp("c", soft("f"), hard("b")),
          comp("d", hard("c")),
          comp("e", hard("d")),
          comp("z", soft("e")),
        ],
      },
      { includeHidden: true },
    );
    const s = fail(g, "f");
    expect(s.down).toEqual(["a", "a2", "b", "c", "d", "e", "f"]);
    expect(s.degraded).toEqual(["z"]);
    expect(pathOf(s, "c")).toEqual(["c", "b", "a2", "a", "f"]);
    expect(pathOf(s, "e")).toEqual(["e", "d", "c", "b", "a2", "a", "f"]);
  });

  it("leaves nothing behind between runs, and ignores duplicate failures", () => {
    const engine = new WhatIf(world);
    const ids = (ids: string[]) => ids.map((id) => world.index.get(id)!);
    const first = summarizeImpact(world, engine.run(ids(["aws/us-east-1"])));
    engine.run(ids(["aws", "gcp", "aws"]));
    expect(summarizeImpact(world, engine.run(ids(["aws/us-east-1"])))).toEqual(first);
    expect(engine.run(ids(["gcp", "gcp"])).failed).toEqual(ids(["gcp"]));
  });

  it("rejects an index outside the graph", () => {
    expect(() => whatIf(world, [world.size])).toThrow(RangeError);
  });
});
