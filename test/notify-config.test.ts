import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/config-load.js";
import { resolveEnvRefs } from "../src/model/env-refs.js";
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

const VAR = "EPICENTER_TEST_SLACK_URL";

describe("notifications in epicenter.yaml", () => {
  it("loads every channel type with defaults filled in and environment references resolved", () => {
    const env = { [VAR]: "https://hooks.slack.com/services/T0/B0/xyz" };
    const config = parseConfig(
      "epicenter.yaml",
      [
        "catalog: false",
        "notifications:",
        "  - { name: ops-slack, type: slack, url: '${" + VAR + "}', events: [opened, resolved] }",
        "  - { name: hook, type: webhook, url: 'https://example.com/hook', secret: s3cret, headers: { X-Team: sre } }",
        "  - { name: chat, type: discord, url: 'https://discord.com/api/webhooks/1/a', minConfidence: 0.8 }",
        "  - { name: teams, type: teams, url: 'https://example.webhook.office.com/x' }",
        "  - name: mail",
        "    type: email",
        "    smtp: { host: smtp.example.com }",
        "    from: epicenter@example.com",
        "    to: [oncall@example.com]",
        "    template: { title: '[{{event}}] {{epicenter}}' }",
        "  - { name: phone, type: ntfy, url: 'https://ntfy.sh/acme', priority: 5 }",
        "  - { name: pd, type: pagerduty, routingKey: abc123 }",
      ].join("\n"),
      { env },
    );
    const byName = new Map(config.notifications.map((c) => [c.name, c]));
    expect(byName.get("ops-slack")).toMatchObject({
      type: "slack",
      url: "https://hooks.slack.com/services/T0/B0/xyz",
      events: ["opened", "resolved"],
      minConfidence: 0,
    });
    expect(byName.get("chat")).toMatchObject({
      minConfidence: 0.8,
      events: ["opened", "changed", "resolved"],
    });
    expect(byName.get("mail")).toMatchObject({
      smtp: { host: "smtp.example.com", port: 587, secure: false },
    });
    expect(byName.get("pd")).toMatchObject({ url: "https://events.pagerduty.com/v2/enqueue" });
    expect(config.notifications).toHaveLength(7);
  });

  it("names the file, line and path of a bad channel, an unset variable and an unknown placeholder", () => {
    const issues = issuesOf(
      [
        "catalog: false",
        "notifications:",
        "  - { name: a, type: slack, url: 'ftp://x' }",
        "  - { name: b, type: webhook, url: 'https://x.example/${" + VAR + "}', secret: k }",
        "  - name: c",
        "    type: ntfy",
        "    url: https://ntfy.sh/t",
        "    template: { body: 'down: {{epicentre}}' }",
        "  - { name: a, type: pagerduty, routingKey: k, colour: red }",
      ].join("\n"),
    );
    expect(issues).toContain("epicenter.yaml:3 notifications[0].url: must be an http:// or https:// URL");
    expect(issues).toContain(`epicenter.yaml:4 notifications[1].url: environment variable ${VAR} is not set`);
    expect(
      issues.some((i) =>
        i.startsWith("epicenter.yaml:8 notifications[2].template.body: unknown placeholder {{epicentre}}"),
      ),
    ).toBe(true);
    expect(issues).toContain('epicenter.yaml:9 notifications[3].colour: unknown key "colour"');
  });

  it("refuses plain http for hosted APIs, whose URL is the credential, except to loopback", () => {
    const issues = issuesOf(
      "catalog: false\nnotifications:\n  - { name: s, type: slack, url: 'http://hooks.slack.com/x' }\n  - { name: l, type: discord, url: 'http://127.0.0.1:9/x' }\n",
    );
    expect(issues).toEqual([
      "epicenter.yaml:3 notifications[0].url: must be an https:// URL (http:// only to a loopback address)",
    ]);
  });

  it("reports a duplicate channel name once the entries themselves are valid", () => {
    const issues = issuesOf(
      "catalog: false\nnotifications:\n  - { name: a, type: slack, url: 'https://x' }\n  - { name: a, type: discord, url: 'https://y' }\n",
    );
    expect(issues).toEqual(['epicenter.yaml:4 notifications[1].name: duplicate channel name "a"']);
  });

  it("resolves references inside longer strings and lists the unset ones", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${NAME} syntax is what is tested
    expect(resolveEnvRefs("https://ntfy.sh/${TOPIC}?x=${NOPE}", { TOPIC: "acme" })).toEqual({
      value: "https://ntfy.sh/acme?x=",
      missing: ["NOPE"],
    });
  });
});
