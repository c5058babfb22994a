/**
 * `vantages:` in epicenter.yaml: plain ids as before, or with where they run (a catalog region or a point) for
 * the world map; a region without a known place, both at once, or a point off the globe is refused with the
 * file, line and key path.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/config-load.js";
import { SourceError } from "../src/model/model-errors.js";

const yaml = (vantages: string) => `components:
  - id: acme/api
    requires: [aws/eu-west-1/ec2]
vantages:
${vantages}`;

function errors(text: string): string[] {
  try {
    parseConfig("epicenter.yaml", text);
  } catch (error) {
    if (error instanceof SourceError) return error.message.split("\n");
    throw error;
  }
  return [];
}

describe("vantages in epicenter.yaml", () => {
  it("takes ids, and ids with a region or a location, keeping the ids in file order", () => {
    const config = parseConfig(
      "epicenter.yaml",
      yaml(`  - probe/local
  - { id: probe/dublin, region: aws/eu-west-1 }
  - id: probe/office
    location: { lat: 52.52, lon: 13.405 }`),
    );
    expect(config.vantages).toEqual(["probe/local", "probe/dublin", "probe/office"]);
    expect([...config.vantagePlaces]).toEqual([
      ["probe/dublin", { region: "aws/eu-west-1" }],
      ["probe/office", { place: { lat: 52.52, lon: 13.405 } }],
    ]);
  });

  it("refuses a region with no known place, both region and location, and a point off the globe", () => {
    const found = errors(
      yaml(`  - { id: probe/a, region: aws/us-east-9 }
  - { id: probe/b, region: aws/eu-west-1, location: { lat: 1, lon: 2 } }
  - { id: probe/c, location: { lat: 91, lon: 0 } }
  - { id: probe/d, location: { lat: 0, lon: -181 } }`),
    );
    expect(found.join("\n")).toMatch(
      /epicenter\.yaml:5.*vantages\[0\]\.region.*no place is known for region "aws\/us-east-9"/,
    );
    expect(found.join("\n")).toMatch(/epicenter\.yaml:6.*vantages\[1\].*give region or location, not both/);
    expect(found.join("\n")).toMatch(/epicenter\.yaml:7.*vantages\[2\]\.location\.lat/);
    expect(found.join("\n")).toMatch(/epicenter\.yaml:8.*vantages\[3\]\.location\.lon/);
  });

  it("still checks a check's vantages against the ids", () => {
    const found = errors(`components:
  - id: acme/api
    checks:
      - { http: "https://api.acme.test/", vantages: [probe/nowhere] }
vantages:
  - { id: probe/dublin, region: aws/eu-west-1 }`);
    expect(found.join("\n")).toContain("probe/nowhere");
  });
});
