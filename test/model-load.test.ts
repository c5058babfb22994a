import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/config-load.js";
import { formatIssue, SourceError } from "../src/model/model-errors.js";

function issuesOf(text: string): string[] {
  try {
    parseConfig("epicenter.yaml", text);
  } catch (error) {
    if (error instanceof SourceError) return error.issues.map(formatIssue);
    throw error;
  }
  return [];
}

describe("config loading", () => {
  it("merges the catalog so users can require provider components without declaring them", () => {
    const config = parseConfig(
      "epicenter.yaml",
      "components:\n  - id: shop\n    observed: true\n    requires: [aws/us-east-1/dynamodb, { id: saas/stripe, soft: true }]\n",
    );
    const shop = config.model.components.find((c) => c.id === "shop");
    expect(shop?.requires).toEqual([
      { type: "hard", id: "aws/us-east-1/dynamodb", hidden: false },
      { type: "soft", id: "saas/stripe", hidden: false },
    ]);
    expect(config.model.components.some((c) => c.id === "aws/us-east-1")).toBe(true);
    expect(config.userComponents).toBe(1);
  });

  it("lets the user's file override a catalog entry", () => {
    const config = parseConfig(
      "epicenter.yaml",
      "components:\n  - { id: saas/stripe, kind: saas, requires: [aws/us-west-2] }\n",
    );
    const stripe = config.model.components.filter((c) => c.id === "saas/stripe");
    expect(stripe).toHaveLength(1);
    expect(stripe[0]?.requires).toEqual([{ type: "hard", id: "aws/us-west-2", hidden: false }]);
  });

  it("can leave the catalog out", () => {
    const config = parseConfig("epicenter.yaml", "catalog: false\ncomponents:\n  - { id: a }\n");
    expect(config.model.components.map((c) => c.id)).toEqual(["a"]);
  });

  it("names file, line and key path for an unknown component, with a suggestion", () => {
    const issues = issuesOf(
      "components:\n  - id: a\n  - id: b\n  - id: c\n  - id: shop\n    requires:\n      - a\n      - aws/us-east-7\n",
    );
    expect(issues).toEqual([
      'epicenter.yaml:8 components[3].requires[1]: unknown component "aws/us-east-7"; did you mean "aws/us-east-1"?',
    ]);
  });

  it("reports every error at once: duplicate, bad id, unknown key, bad quorum", () => {
    const issues = issuesOf(
      [
        "components:",
        "  - id: a",
        "  - id: a",
        "  - id: Bad_Id",
        "  - id: c",
        "    colour: red",
        "  - id: d",
        "    requires: [{ atLeast: 3, of: [a, c] }]",
      ].join("\n"),
    );
    expect(issues).toContain(
      "epicenter.yaml:4 components[2].id: invalid id \"Bad_Id\": one or more '/'-separated segments of [a-z0-9._-]+, e.g. aws/us-east-1/ec2",
    );
    expect(issues).toContain('epicenter.yaml:6 components[3].colour: unknown key "colour"');
    expect(issues.length).toBe(2);
    // Semantic checks run once the syntax is right.
    const semantic = issuesOf(
      [
        "components:",
        "  - id: a",
        "  - id: a",
        "  - id: c",
        "  - id: d",
        "    requires: [{ atLeast: 3, of: [a, c] }]",
      ].join("\n"),
    );
    expect(semantic).toEqual([
      'epicenter.yaml:3 components[1].id: duplicate id "a" (first declared at [0])',
      "epicenter.yaml:6 components[3].requires[0].atLeast: atLeast 3 of 2 members can never hold; k must be between 1 and 2",
    ]);
  });

  it("prints the cycle", () => {
    const issues = issuesOf(
      "catalog: false\ncomponents:\n  - { id: a, requires: [b] }\n  - { id: b, requires: [{ anyOf: [x, c] }] }\n  - { id: c, requires: [a] }\n  - { id: x }\n",
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/dependency cycle: (a → b → c → a|b → c → a → b|c → a → b → c)/);
  });

  it("explains a malformed requires item by the shape the user meant", () => {
    const issues = issuesOf("catalog: false\ncomponents:\n  - id: a\n    requires:\n      - { anyOf: b }\n");
    expect(issues).toEqual([
      "epicenter.yaml:5 components[0].requires[0].anyOf: expected array, received string",
    ]);
  });

  it("reports YAML syntax errors with their line", () => {
    const issues = issuesOf("components:\n  - id: a\n   bad: [\n");
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatch(/^epicenter\.yaml:\d+: YAML syntax/);
  });
});

describe("storage.retention", () => {
  it("takes durations, defaults the rest, and refuses less than an hour with its line", () => {
    const config = parseConfig(
      "epicenter.yaml",
      "storage:\n  retention: { raw: 12h, hour: 90d }\ncomponents: []\n",
    );
    expect(config.retention).toEqual({
      rawMs: 12 * 3_600_000,
      minuteMs: 3 * 86_400_000,
      hourMs: 90 * 86_400_000,
    });
    expect(() =>
      parseConfig("epicenter.yaml", "storage:\n  retention:\n    minute: 10m\ncomponents: []\n"),
    ).toThrow(/epicenter\.yaml:3 storage\.retention\.minute: must be at least 1h, not "10m"/);
  });
});
