import { describe, expect, it } from "vitest";
import { catalogComponents } from "../src/catalog/catalog-data.js";
import { isValidId } from "../src/model/ids.js";
import { checkModel } from "../src/model/model-check.js";
import { type ComponentSpec, itemMembers } from "../src/model/model-types.js";

const AWS_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "ca-west-1",
  "sa-east-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "ap-east-1",
  "ap-south-1",
  "ap-south-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "me-south-1",
  "me-central-1",
  "il-central-1",
  "af-south-1",
  "mx-central-1",
];
const AWS_SERVICES = [
  "ec2",
  "s3",
  "dynamodb",
  "lambda",
  "api-gateway",
  "rds",
  "sqs",
  "sns",
  "sts",
  "cognito",
  "elb",
  "kinesis",
  "ecs",
  "eks",
  "cloudwatch",
  "ebs",
  "elasticache",
  "ec2-instance-connect",
];
const GCP_REGIONS = [
  "us-central1",
  "us-east1",
  "us-east4",
  "us-east5",
  "us-south1",
  "us-west1",
  "us-west2",
  "us-west3",
  "us-west4",
  "northamerica-northeast1",
  "northamerica-northeast2",
  "northamerica-south1",
  "southamerica-east1",
  "southamerica-west1",
  "europe-west1",
  "europe-west2",
  "europe-west3",
  "europe-west4",
  "europe-west6",
  "europe-west8",
  "europe-west9",
  "europe-west10",
  "europe-west12",
  "europe-north1",
  "europe-north2",
  "europe-central2",
  "europe-southwest1",
  "asia-east1",
  "asia-east2",
  "asia-northeast1",
  "asia-northeast2",
  "asia-northeast3",
  "asia-south1",
  "asia-south2",
  "asia-southeast1",
  "asia-southeast2",
  "australia-southeast1",
  "australia-southeast2",
  "me-west1",
  "me-central1",
  "me-central2",
  "africa-south1",
];
const GCP_SERVICES = ["gce", "gcs", "gke", "cloud-run", "cloud-sql", "cloud-functions", "pubsub"];
const AZURE_REGIONS = [
  "eastus",
  "eastus2",
  "centralus",
  "northcentralus",
  "southcentralus",
  "westcentralus",
  "westus",
  "westus2",
  "westus3",
  "canadacentral",
  "canadaeast",
  "brazilsouth",
  "northeurope",
  "westeurope",
  "uksouth",
  "ukwest",
  "francecentral",
  "germanywestcentral",
  "switzerlandnorth",
  "norwayeast",
  "swedencentral",
  "polandcentral",
  "italynorth",
  "spaincentral",
  "eastasia",
  "southeastasia",
  "japaneast",
  "japanwest",
  "koreacentral",
  "centralindia",
  "southindia",
  "australiaeast",
  "australiasoutheast",
  "uaenorth",
  "southafricanorth",
  "qatarcentral",
  "israelcentral",
  "mexicocentral",
];
const AZURE_SERVICES = ["vm", "storage", "sql", "aks", "app-service", "functions", "cosmosdb"];

/** [id, kind, required ids] for the catalog's non-regional contract ids. */
const SINGLES: [string, string, string[]][] = [
  ["aws", "provider", []],
  ["aws/cloudfront", "cdn", ["aws"]],
  ["aws/route53", "dns", ["aws"]],
  ["aws/iam", "cloud-service", ["aws"]],
  ["gcp", "provider", []],
  ["gcp/cloud-dns", "dns", ["gcp"]],
  ["gcp/cloud-cdn", "cdn", ["gcp"]],
  ["gcp/load-balancing", "network", ["gcp"]],
  ["azure", "provider", []],
  ["azure/dns", "dns", ["azure"]],
  ["azure/front-door", "cdn", ["azure"]],
  ["cloudflare", "provider", []],
  ["cloudflare/cdn", "cdn", ["cloudflare"]],
  ["cloudflare/dns", "dns", ["cloudflare"]],
  ["akamai", "provider", []],
  ["akamai/cdn", "cdn", ["akamai"]],
  ["akamai/dns", "dns", ["akamai"]],
  ["fastly", "provider", []],
  ["fastly/cdn", "cdn", ["fastly"]],
  ["ns1", "provider", []],
  ["ns1/dns", "dns", ["ns1"]],
  ["dyn", "provider", []],
  ["dyn/dns", "dns", ["dyn"]],
  ["saas/auth0", "saas", []],
  ["saas/okta", "saas", []],
  ["saas/stripe", "saas", []],
  ["saas/twilio", "saas", []],
  ["saas/datadog", "saas", []],
  ["saas/github", "saas", []],
];

function byId(): Map<string, ComponentSpec> {
  return new Map(catalogComponents().map((c) => [c.id, c]));
}

function requiredIds(c: ComponentSpec): string[] {
  return c.requires.flatMap(itemMembers);
}

describe("catalogComponents", () => {
  const catalog = catalogComponents();
  const index = byId();

  it("has unique, valid ids", () => {
    const ids = catalog.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(isValidId(id), id).toBe(true);
  });

  it("marks every component unobserved with a kind, a name and normalised hard requires", () => {
    for (const c of catalog) {
      expect(c.observed, c.id).toBe(false);
      expect(c.kind.length, c.id).toBeGreaterThan(0);
      expect(c.name?.length ?? 0, c.id).toBeGreaterThan(0);
      for (const item of c.requires) {
        expect(item, c.id).toEqual({ type: "hard", id: expect.any(String), hidden: false });
      }
    }
  });

  it("requires only ids that exist in the catalog", () => {
    for (const c of catalog) {
      for (const id of requiredIds(c)) expect(index.has(id), `${c.id} requires ${id}`).toBe(true);
    }
  });

  it("passes the model checker (no duplicates, unknown ids or cycles)", () => {
    expect(checkModel(catalog)).toEqual([]);
  });

  it("contains the global, CDN, DNS and SaaS contract ids with their kinds and requires", () => {
    for (const [id, kind, requires] of SINGLES) {
      const c = index.get(id);
      expect(c, id).toBeDefined();
      expect(c?.kind, id).toBe(kind);
      expect(requiredIds(c!), id).toEqual(requires);
    }
    expect(index.get("dyn")?.name).toBe("Dyn (Oracle)");
    const entra = index.get("azure/entra-id");
    expect(["saas", "cloud-service"]).toContain(entra?.kind);
  });

  it.each([
    ["aws", AWS_REGIONS, AWS_SERVICES],
    ["gcp", GCP_REGIONS, GCP_SERVICES],
    ["azure", AZURE_REGIONS, AZURE_SERVICES],
  ])("contains every %s region and regional service", (provider, regions, services) => {
    for (const region of regions) {
      const regionId = `${provider}/${region}`;
      const r = index.get(regionId);
      expect(r?.kind, regionId).toBe("region");
      expect(requiredIds(r!), regionId).toEqual([provider]);
      for (const service of services) {
        const id = `${regionId}/${service}`;
        const s = index.get(id);
        expect(s?.kind, id).toBe("cloud-service");
        expect(requiredIds(s!), id).toEqual([regionId]);
      }
    }
    const catalogRegions = catalog.filter((c) => c.kind === "region" && c.id.startsWith(`${provider}/`));
    expect(catalogRegions.map((c) => c.id).sort()).toEqual(regions.map((r) => `${provider}/${r}`).sort());
  });

  it("spot-checks well-known ids", () => {
    expect(index.get("aws/us-east-1/dynamodb")?.requires).toEqual([
      { type: "hard", id: "aws/us-east-1", hidden: false },
    ]);
    expect(index.get("aws/route53")?.kind).toBe("dns");
    expect(index.has("aws/us-east-1/iam")).toBe(false);
    expect(index.has("gcp/us-central1/gce")).toBe(true);
    expect(index.has("azure/eastus/vm")).toBe(true);
    expect(index.get("cloudflare/cdn")?.kind).toBe("cdn");
    expect(index.get("ns1/dns")?.kind).toBe("dns");
    expect(index.get("dyn/dns")?.kind).toBe("dns");
    expect(index.get("saas/stripe")).toMatchObject({ kind: "saas", requires: [] });
  });

  it("returns fresh objects on each call", () => {
    const first = catalogComponents();
    const second = catalogComponents();
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    const dynamo = first.find((c) => c.id === "aws/us-east-1/dynamodb")!;
    dynamo.name = "changed";
    dynamo.requires.push({ type: "hard", id: "saas/stripe", hidden: false });
    dynamo.requires[0]!.hidden = true;
    first.pop();
    const third = catalogComponents();
    expect(third).toEqual(second);
    const fresh = third.find((c) => c.id === "aws/us-east-1/dynamodb")!;
    expect(fresh.requires).toEqual([{ type: "hard", id: "aws/us-east-1", hidden: false }]);
  });
});
