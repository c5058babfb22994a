import { describe, expect, it } from "vitest";
import { catalogComponents } from "../src/catalog/catalog-data.js";
import {
  DEMO_CHECK_TIMING,
  DEMO_VANTAGES,
  demoAddresses,
  demoCheck,
  demoComponents,
} from "../src/demo/demo-model.js";
import { compileGraph } from "../src/model/graph.js";
import { checkModel } from "../src/model/model-check.js";

describe("the demo model", () => {
  const components = demoComponents();
  const observed = components.filter((c) => c.observed);

  it("validates and compiles, vantage ids included in the namespace", () => {
    expect(
      checkModel(
        components,
        DEMO_VANTAGES.map((v) => v.id),
      ),
    ).toEqual([]);
    const g = compileGraph({ components }, { includeHidden: true });
    expect(g.size).toBe(components.length);
  });

  it("has thirty observed services under demo/, and nothing else observed", () => {
    expect(observed).toHaveLength(30);
    for (const c of observed) expect(c.id).toMatch(/^demo\/[a-z0-9-]+$/);
    for (const c of components.filter((c) => !c.observed)) expect(c.id.startsWith("demo/")).toBe(false);
  });

  it("takes every provider component from the catalog unchanged, so ids and edges are the real ones", () => {
    const catalog = new Map(catalogComponents().map((c) => [c.id, c]));
    for (const c of components.filter((c) => !c.id.startsWith("demo/"))) expect(c).toEqual(catalog.get(c.id));
    for (const id of ["aws/us-east-1", "aws/us-east-1/dynamodb", "cloudflare/cdn", "fastly/cdn", "dyn/dns"])
      expect(components.some((c) => c.id === id)).toBe(true);
  });

  it("uses every kind of dependency", () => {
    const types = new Set(observed.flatMap((c) => c.requires.map((r) => r.type)));
    expect([...types].sort()).toEqual(["anyOf", "atLeast", "hard", "soft"]);
  });

  it("gives each service its own 127.0.1.N address and each vantage a different source address", () => {
    const addresses = demoAddresses(components);
    expect([...addresses.keys()]).toEqual(observed.map((c) => c.id));
    expect(new Set(addresses.values()).size).toBe(30);
    for (const a of addresses.values())
      expect(a).toMatch(/^127\.0\.1\.([1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])$/);
    const sources = DEMO_VANTAGES.map((v) => v.localAddress);
    expect(new Set(sources).size).toBe(DEMO_VANTAGES.length);
    for (const s of sources) expect([...addresses.values()]).not.toContain(s);
  });

  it("checks quickly enough for a fault to show within a minute: every 10 s, 3 s timeout, slow above 1 s", () => {
    const check = demoCheck("demo/dating", "http://127.0.1.4:8080/health");
    expect(check).toMatchObject({ id: "demo/dating#1", type: "http", intervalMs: 10_000, timeoutMs: 3_000 });
    expect(check.vantages).toEqual([]);
    expect(DEMO_CHECK_TIMING.degradedOverMs).toBeLessThan(DEMO_CHECK_TIMING.timeoutMs);
  });
});
