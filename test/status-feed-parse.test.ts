/** Cloud status feeds read and mapped onto catalog ids: AWS data.json, GCP incidents.json, Azure RSS. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { catalogIndex, mapReport } from "../src/probe/feed-catalog.js";
import { awsKey, detectFormat, parseStatusFeed } from "../src/probe/status-feed-parse.js";
import { realDataMissing, SHARED_REAL_DATA } from "./shared-paths.js";

const index = catalogIndex();
const real = (path: string) => {
  const bytes = readFileSync(SHARED_REAL_DATA + path);
  return (path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
};

/**
 * No capture of Azure's feed exists: this one is written here after its public shape (RSS 2.0 at
 * azure.status.microsoft/en-us/status/feed/, channel "Azure Status", one item per active event, the
 * services and regions named in the title and HTML description; an empty channel when all is well).
 */
const azureFeed = (items: string) => `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Azure Status</title><link>https://azure.status.microsoft/en-us/status/</link>
<description>Azure Status</description><language>en-us</language>${items}</channel></rss>`;
const azureItem = `<item><guid isPermaLink="false">VLN1-2Q8</guid><title>Azure Virtual Machines - East US 2 - Investigating</title>
<link>https://azure.status.microsoft/en-us/status/</link><pubDate>Wed, 02 Dec 2026 10:05:00 GMT</pubDate>
<description><![CDATA[<p><strong>Impact Statement:</strong> Starting at 09:40 UTC, customers using Virtual Machines and Azure Storage in East US 2 may see failures.</p>]]></description></item>`;

describe("cloud status feeds", () => {
  it("detects each format from the body, never the URL", () => {
    expect(detectFormat('{"page":{},"components":[]}')).toBe("statuspage");
    expect(detectFormat('{"archive":[],"current":[]}')).toBe("aws-health");
    expect(detectFormat('[{"id":"x","affected_products":[]}]')).toBe("gcp-incidents");
    expect(detectFormat("<rss><channel><title>Vendor</title></channel></rss>")).toBe("rss");
    expect(detectFormat(azureFeed(""))).toBe("azure-rss");
    expect(() => detectFormat('{"hello":1}')).toThrow(expect.objectContaining({ code: "E_STATUS_FEED" }));
  });

  it("splits AWS service keys into service and region, a key with no region being global", () => {
    expect(awsKey("ec2-us-east-1")).toEqual({ service: "ec2", region: "us-east-1" });
    expect(awsKey("ec2-instance-connect-eu-west-2")).toEqual({
      service: "ec2-instance-connect",
      region: "eu-west-2",
    });
    expect(awsKey("management-console-us-gov-west-1")).toEqual({
      service: "management-console",
      region: "us-gov-west-1",
    });
    expect(awsKey("s3-us-standard")).toEqual({ service: "s3", region: "us-east-1" });
    expect(awsKey("route53")).toEqual({ service: "route53" });
  });

  it("maps AWS keys onto catalog ids from the catalog itself, with an alias only where names differ", () => {
    const body = JSON.stringify({
      archive: [],
      current: [
        "ec2-us-east-1",
        "apigateway-eu-west-1",
        "route53",
        "management-console",
        "ec2-xx-nowhere-9",
      ].map((service, i) => ({
        service,
        service_name: service,
        summary: "x",
        date: String(1638895771 + i),
        status: "2",
        description: "",
      })),
    });
    const mapped = mapReport(parseStatusFeed(body, "auto", 0), {}, index);
    expect(mapped.map((c) => c.id)).toEqual([
      "aws/us-east-1/ec2",
      "aws/eu-west-1/api-gateway",
      "aws/route53",
      null,
      null,
    ]);
    // A check's own mapping wins over the catalog's.
    expect(
      mapReport(parseStatusFeed(body, "aws-health", 0), { "EC2-us-east-1": "acme/ec2" }, index)[0]?.id,
    ).toBe("acme/ec2");
  });

  it("reads Azure's feed (written here, see above): services × regions its prose names, longest names first", () => {
    const report = parseStatusFeed(azureFeed(azureItem), "auto", Date.parse("2026-12-02T10:30:00Z"));
    expect(report.format).toBe("azure-rss");
    const mapped = mapReport(report, {}, index);
    expect(mapped).toEqual([
      { name: "Azure Virtual Machines (East US 2)", id: "azure/eastus2/vm", status: "degraded" },
      { name: "Azure Storage (East US 2)", id: "azure/eastus2/storage", status: "degraded" },
    ]);
    expect(report.incidents[0]).toMatchObject({
      title: "Azure Virtual Machines - East US 2 - Investigating",
      status: "investigating",
      components: ["Azure Virtual Machines (East US 2)", "Azure Storage (East US 2)"],
      updatedAt: Date.parse("2026-12-02T10:05:00Z"),
    });
    const quiet = parseStatusFeed(azureFeed(""), "azure-rss", Date.now());
    expect(quiet).toEqual({ format: "azure-rss", components: [], incidents: [] });
  });

  it("refuses a JSON feed over 4 MiB and an XML feed over 1 MiB", () => {
    const json = `{"archive":[],"current":[],"pad":"${" ".repeat(4 * 1024 * 1024)}"}`;
    expect(() => parseStatusFeed(json, "auto", 0)).toThrow(/larger than 4096 KiB/);
    const xml = `<rss><channel>${" ".repeat(1024 * 1024)}</channel></rss>`;
    expect(() => parseStatusFeed(xml, "rss", 0)).toThrow(/larger than 1024 KiB/);
  });

  const gcp = "gcp-status/2025-06-12/2025-06-12T19-08-14Z.incidents.json.gz";
  const gcpMissing = realDataMissing(gcp);
  it.skipIf(gcpMissing !== null)(
    `maps GCP's real first post of 2025-06-12 by product and location${gcpMissing ? ` (skipped: ${gcpMissing})` : ""}`,
    () => {
      const report = parseStatusFeed(real(gcp), "auto", Date.parse("2025-06-12T19:08:14Z"));
      expect(report.format).toBe("gcp-incidents");
      // 110 incidents of the year have ended long before; only the one open incident speaks.
      expect(report.incidents).toHaveLength(1);
      expect(report.incidents[0]).toMatchObject({
        title:
          "Multiple GCP products are experiencing impact due to Identity and Access Management Service Issue",
        status: "investigating",
        impact: "critical",
        startedAt: Date.parse("2025-06-12T19:00:00Z"),
        updatedAt: Date.parse("2025-06-12T19:01:51Z"),
      });
      const mapped = mapReport(report, {}, index).filter((c) => c.id !== null);
      // Of its 14 products only "Google Cloud Storage" is in the catalog (gcs); 48 locations, 42 catalog regions.
      expect(new Set(mapped.map((c) => c.id!.split("/")[2]))).toEqual(new Set(["gcs"]));
      expect(mapped).toHaveLength(42);
      expect(mapped.every((c) => c.status === "down")).toBe(true);
      expect(mapped.map((c) => c.id)).toContain("gcp/us-central1/gcs");
    },
  );

  const rss = "aws-health/rss/ec2-us-east-1.rss";
  const rssMissing = realDataMissing(rss);
  it.skipIf(rssMissing !== null)(
    `maps AWS's real EC2 RSS onto aws/us-east-1/ec2 by its guids${rssMissing ? ` (skipped: ${rssMissing})` : ""}`,
    () => {
      const xml = real(rss);
      const at = (iso: string) => mapReport(parseStatusFeed(xml, "auto", Date.parse(iso)), {}, index);
      // Noon PST on 2021-12-07: "Service degradation" (08:49:31 PST) is the latest item so far.
      expect(at("2021-12-07T20:00:00Z")).toEqual([
        { name: "ec2-us-east-1", id: "aws/us-east-1/ec2", status: "degraded" },
      ]);
      // After "Service is operating normally" at 15:31 PST.
      expect(at("2021-12-08T00:00:00Z")).toEqual([
        { name: "ec2-us-east-1", id: "aws/us-east-1/ec2", status: "up" },
      ]);
      // The 2021-12-22 power event: 13 items in the day before its last, which says operating normally.
      const report = parseStatusFeed(xml, "rss", Date.parse("2021-12-23T00:30:00Z"));
      expect(report.incidents).toHaveLength(13);
      expect(report.components).toMatchObject([{ name: "ec2-us-east-1", status: "up" }]);
    },
  );

  const aws = "aws-health/2021-12-07/2021-12-07T17-19-02Z.data.json.gz";
  const awsMissing = realDataMissing(aws);
  it.skipIf(awsMissing !== null)(
    `dates AWS's updates from their Pacific wall times${awsMissing ? ` (skipped: ${awsMissing})` : ""}`,
    () => {
      const report = parseStatusFeed(real(aws), "auto", 0);
      const connect = report.incidents.find((i) => i.components[0] === "connect-us-east-1");
      // First post 1638896019 (16:53:39Z); its last update " 9:08 AM PST" is 17:08Z.
      expect(connect).toMatchObject({
        startedAt: 1638896019_000,
        updatedAt: Date.parse("2021-12-07T17:08:00Z"),
        impact: "major",
        status: "investigating",
      });
    },
  );
});
