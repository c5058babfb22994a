/** `status.subscriptions` in epicenter.yaml: off without it, defaults filled in, errors naming file, line and key. */
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

describe("status.subscriptions in epicenter.yaml", () => {
  it("is off without the block", () => {
    expect(parseConfig("epicenter.yaml", "catalog: false\n").subscriptions).toBeNull();
  });

  it("takes smtp and from (port 587 with STARTTLS by default), webhooks, and a bound; the password from the environment", () => {
    const config = parseConfig(
      "epicenter.yaml",
      [
        "catalog: false",
        "status:",
        "  subscriptions:",
        "    smtp: { host: smtp.example.com, user: status, pass: '${SMTP_PASS}' }",
        "    from: status@example.com",
        "    webhooks: true",
        "    max: 500",
      ].join("\n"),
      { env: { SMTP_PASS: "pw" } },
    );
    expect(config.subscriptions).toEqual({
      email: {
        smtp: { host: "smtp.example.com", port: 587, secure: false, user: "status", pass: "pw" },
        from: "status@example.com",
      },
      webhooks: true,
      max: 500,
    });
  });

  it("names the file, line and key of a mistake", () => {
    const issues = issuesOf(
      ["catalog: false", "status:", "  subscriptions:", "    smtp: { host: smtp.example.com }"].join("\n"),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^epicenter\.yaml:4 status\.subscriptions\.from: from is needed/),
    ]);
    const none = issuesOf(["catalog: false", "status:", "  subscriptions: { max: 3 }"].join("\n"));
    expect(none).toEqual([
      expect.stringMatching(/^epicenter\.yaml:3 status\.subscriptions: give smtp and from/),
    ]);
    const typo = issuesOf(["catalog: false", "status:", "  subscriptions: { webhook: true }"].join("\n"));
    expect(typo[0]).toMatch(/^epicenter\.yaml:3 status\.subscriptions/);
  });
});
