import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { captureIo } from "./capture-io.js";

const AWS = fileURLToPath(new URL("../../shared/scenarios/aws-us-east-1-2021-12-07.yaml", import.meta.url));

async function cli(argv: string[], cwd = mkdtempSync(join(tmpdir(), "epicenter-whatif-"))) {
  const { io, out, err } = captureIo(cwd);
  const code = await run(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("epicenter whatif", () => {
  it("--json prints one object: failed, down (failed included) and degraded, ids sorted", async () => {
    const r = await cli(["whatif", "aws/us-east-1/internal-network", "--config", AWS, "--json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as Record<string, unknown> & {
      failed: string[];
      down: string[];
      degraded: string[];
      paths: Record<string, string[]>;
    };
    expect(json.failed).toEqual(["aws/us-east-1/internal-network"]);
    expect(json.down).toContain("aws/us-east-1/internal-network");
    expect(json.down).toContain("disneyplus");
    expect(json.down).toEqual([...json.down].sort());
    expect(json.degraded).toEqual(["netflix", "prime-video", "slack"]);
    expect(json.paths.disneyplus).toEqual([
      "disneyplus",
      "aws/us-east-1/api-gateway",
      "aws/us-east-1/internal-network",
    ]);
  });

  it("takes several ids and a scenario's hidden dependencies (the world as it is)", async () => {
    const r = await cli(["whatif", "cloudflare/cdn", "aws/us-west-2", "--config", AWS, "--json"]);
    const json = JSON.parse(r.out) as { failed: string[]; down: string[] };
    expect(json.failed).toEqual(["aws/us-west-2", "cloudflare/cdn"]);
    // slack requires cloudflare/cdn only through a hidden dependency.
    expect(json.down).toContain("slack");
    expect(json.down).toContain("reddit");
  });

  it("prints a readable report grouped by kind, with the chain that explains each", async () => {
    const r = await cli(["whatif", "aws/us-east-1/internal-network", "--config", AWS]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Down: 23 components, 15 of them observed/);
    expect(r.out).toMatch(/^ {2}service \(14\)$/m);
    expect(r.out).toMatch(
      /\* disneyplus +→ aws\/us-east-1\/api-gateway → aws\/us-east-1\/internal-network$/m,
    );
    expect(r.out).toMatch(/aws\/us-east-1\/internal-network +\(failed\)/);
    expect(r.out).toMatch(/Degraded: 3 components/);
  });

  it("cuts long groups with a count", async () => {
    const r = await cli(["whatif", "aws/us-east-1/internal-network", "--config", AWS, "--limit", "2"]);
    expect(r.out).toMatch(/… and 12 more/);
  });

  it("rejects an unknown id with a suggestion and exit status 2", async () => {
    const r = await cli(["whatif", "aws/us-east-7", "--config", AWS]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown component "aws/us-east-7"; did you mean "aws/us-east-1"?');
    expect(r.out).toBe("");
  });

  it("needs at least one id (exit 2) and reports a broken config file (exit 1)", async () => {
    expect((await cli(["whatif"])).code).toBe(2);
    expect((await cli(["whatif", "aws", "--limit", "many"])).code).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), "epicenter-whatif-"));
    writeFileSync(join(dir, "bad.yaml"), "components:\n  - id: shop\n    requires: [aws/us-east-7]\n");
    const r = await cli(["whatif", "aws", "--config", "bad.yaml"], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.yaml:3 .*did you mean "aws\/us-east-1"/);
  });

  it("uses ./epicenter.yaml when present, else the built-in catalog", async () => {
    const dir = mkdtempSync(join(tmpdir(), "epicenter-whatif-"));
    const catalogOnly = JSON.parse((await cli(["whatif", "aws/us-east-1", "--json"], dir)).out) as {
      down: string[];
    };
    expect(catalogOnly.down).toContain("aws/us-east-1/dynamodb");
    expect((await cli(["whatif", "shop"], dir)).code).toBe(2);
    writeFileSync(
      join(dir, "epicenter.yaml"),
      "components:\n  - { id: shop, observed: true, requires: [aws/us-east-1/dynamodb, { id: saas/stripe, soft: true }] }\n",
    );
    const r = await cli(["whatif", "aws/us-east-1", "--json"], dir);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { down: string[] }).down).toContain("shop");
    const stripe = JSON.parse((await cli(["whatif", "saas/stripe", "--json"], dir)).out) as {
      degraded: string[];
    };
    expect(stripe.degraded).toEqual(["shop"]);
  });
});

describe("epicenter report concentration", () => {
  it("--json lists candidates by impact, the SPOFs and the HHI", async () => {
    const r = await cli(["report", "concentration", "--config", AWS, "--json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as {
      observed: number;
      candidates: { id: string; down: number }[];
      spofs: { id: string }[];
      hosting: { hhi: number; providers: { id: string; share: number }[] };
    };
    expect(json.observed).toBe(26);
    expect(json.candidates[0]).toMatchObject({ id: "aws", down: 21 });
    expect(json.spofs.map((s) => s.id)).toContain("aws/us-east-1/internal-network");
    expect(json.hosting.providers[0]?.id).toBe("aws");
    expect(json.hosting.hhi).toBeGreaterThan(2500);
  });

  it("prints readable tables", async () => {
    const r = await cli(["report", "concentration", "--config", AWS]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Providers \(5\)$/m);
    expect(r.out).toMatch(/^ {2}aws +21 +80\.8% +0$/m);
    expect(r.out).toMatch(/Single points of failure: 25/);
    expect(r.out).toMatch(/HHI [\d,]+ of 10,000 \(highly concentrated\)/);
  });

  it("knows one report only (exit 2 otherwise)", async () => {
    expect((await cli(["report"])).code).toBe(2);
    const r = await cli(["report", "concentrashun"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown report "concentrashun"');
  });

  it("says nothing is observed in the bare catalog", async () => {
    const r = await cli(["report", "concentration"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Nothing is observed/);
  });
});
