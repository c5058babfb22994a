import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogComponents } from "../src/catalog/catalog-data.js";
import { whatifCommand } from "../src/cli/whatif-command.js";
import { itemMembers } from "../src/model/model-types.js";
import { captureIo } from "./capture-io.js";

/** `epicenter whatif IDS --json` over the built-in catalog (an empty directory: no epicenter.yaml). */
function whatif(...ids: string[]) {
  const { io, out, err } = captureIo(mkdtempSync(join(tmpdir(), "epicenter-cp-")));
  const code = whatifCommand([...ids, "--json"], io);
  expect(err.join("\n")).toBe("");
  expect(code).toBe(0);
  return JSON.parse(out.join("\n")) as {
    down: string[];
    degraded: string[];
    paths: Record<string, string[]>;
  };
}

const US_EAST_1_CONTROL_PLANES = [
  "aws/account-management",
  "aws/cloudfront/control-plane",
  "aws/iam/control-plane",
  "aws/organizations",
  "aws/route53/control-plane",
  "aws/signin",
  "aws/sts",
  "aws/support",
];

describe("control planes in the catalog", () => {
  it("whatif aws/us-east-1 takes the global control planes kept in us-east-1 with it", () => {
    const r = whatif("aws/us-east-1");
    for (const id of US_EAST_1_CONTROL_PLANES) expect(r.down, id).toContain(id);
    expect(r.paths["aws/route53/control-plane"]).toEqual(["aws/route53/control-plane", "aws/us-east-1"]);
  });

  it("whatif aws/us-east-1 leaves the data planes up: DNS answers, CDN serving, IAM authorizing elsewhere", () => {
    const r = whatif("aws/us-east-1");
    const impaired = new Set([...r.down, ...r.degraded]);
    for (const id of [
      "aws",
      "aws/route53",
      "aws/cloudfront",
      "aws/iam",
      "aws/us-west-2/sts",
      "aws/eu-west-1/ec2",
    ])
      expect(impaired.has(id), id).toBe(false);
    // Nothing outside us-east-1 and the control planes it hosts goes down.
    const elsewhere = r.down.filter(
      (id) =>
        id !== "aws/us-east-1" && !id.startsWith("aws/us-east-1/") && !US_EAST_1_CONTROL_PLANES.includes(id),
    );
    expect(elsewhere).toEqual([]);
  });

  it("another region takes none of them, and the Azure and GCP control planes are global", () => {
    const west = whatif("aws/us-west-2");
    for (const id of US_EAST_1_CONTROL_PLANES) expect(west.down, id).not.toContain(id);
    expect(whatif("azure/eastus").down).not.toContain("azure/resource-manager");
    expect(whatif("gcp/us-central1").down).not.toContain("gcp/compute-control-plane");
    expect(whatif("azure").down).toContain("azure/resource-manager");
  });

  it("no data plane requires a control plane, and each control plane is a shared cloud-service", () => {
    const catalog = catalogComponents();
    const controlPlanes = new Set([
      ...US_EAST_1_CONTROL_PLANES,
      "azure/resource-manager",
      "gcp/compute-control-plane",
    ]);
    for (const id of controlPlanes) expect(catalog.find((c) => c.id === id)?.kind, id).toBe("cloud-service");
    for (const c of catalog)
      for (const dep of c.requires.flatMap(itemMembers))
        expect(controlPlanes.has(dep), `${c.id} requires ${dep}`).toBe(false);
  });
});
