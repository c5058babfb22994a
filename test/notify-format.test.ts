import { describe, expect, it } from "vitest";
import {
  composeMessage,
  escapeDiscord,
  escapeHtml,
  escapeSlack,
  escapeTeams,
  formatDuration,
  messageFacts,
  renderTemplate,
  unknownPlaceholders,
} from "../src/notify/message-format.js";
import { incidentFixture, OPENED_AT } from "./notify-fixtures.js";

describe("message wording", () => {
  it("says where the quake started, how sure, and how wide", () => {
    const facts = messageFacts(
      "opened",
      incidentFixture(),
      OPENED_AT + 60_000,
      "https://epicenter.example/i/inc-1",
    );
    const m = composeMessage(facts, undefined);
    expect(m.title).toBe("aws/us-east-1 likely failing, confidence 0.93, 14 services affected");
    expect(m.body).toContain("Other hypotheses: aws/us-east-1/ec2 0.05.");
    expect(m.body).toContain("Affected (14): acme/service-01,");
    expect(m.body).toContain("and 4 more.");
    expect(m.body).toContain("https://epicenter.example/i/inc-1");
  });

  it("names the previous epicenter on a change and the duration on a resolve", () => {
    const moved = incidentFixture({
      epicenter: [{ component: "aws/us-east-1/dynamodb", confidence: 0.8 }],
      history: [
        { at: OPENED_AT, epicenter: [{ component: "aws/us-east-1", confidence: 0.93 }] },
        { at: OPENED_AT + 1, epicenter: [{ component: "aws/us-east-1/dynamodb", confidence: 0.8 }] },
      ],
    });
    const changed = composeMessage(messageFacts("changed", moved, OPENED_AT), undefined);
    expect(changed.title).toBe("Epicenter changed: aws/us-east-1/dynamodb likely failing, confidence 0.80");
    expect(changed.body).toContain("Was: aws/us-east-1.");
    const resolvedAt = OPENED_AT + (7 * 60 + 12) * 60_000;
    const resolved = composeMessage(
      messageFacts("resolved", incidentFixture({ resolvedAt }), resolvedAt),
      undefined,
    );
    expect(resolved.title).toBe("Resolved: aws/us-east-1, after 7 h 12 min");
  });

  it("formats durations", () => {
    expect(formatDuration(40_000)).toBe("40 s");
    expect(formatDuration(3 * 60_000)).toBe("3 min");
    expect(formatDuration(2 * 3_600_000)).toBe("2 h");
    expect(formatDuration(50 * 3_600_000)).toBe("2 d 2 h");
  });
});

describe("logic-less templates", () => {
  const facts = messageFacts("opened", incidentFixture(), OPENED_AT);

  it("substitutes placeholders and nothing else", () => {
    expect(renderTemplate("{{ epicenter }} ({{confidence}}) {{#each x}}", facts, (s) => s)).toBe(
      "aws/us-east-1 (0.93) {{#each x}}",
    );
    expect(renderTemplate("{{constructor}}{{__proto__}}", facts, (s) => s)).toBe(
      "{{constructor}}{{__proto__}}",
    );
  });

  it("lists unknown placeholders, including prototype names", () => {
    expect(unknownPlaceholders("{{epicenter}} {{epicentre}} {{constructor}}")).toEqual([
      "epicentre",
      "constructor",
    ]);
  });

  it("escapes substituted values, not the operator's template text", () => {
    const hostile = messageFacts(
      "opened",
      incidentFixture({ epicenter: [{ component: "<!channel> *x*", confidence: 1 }] }),
      0,
    );
    expect(composeMessage(hostile, { title: "*{{epicenter}}*" }, escapeSlack).title).toBe(
      "*&lt;!channel&gt; \u200b*x\u200b**",
    );
  });
});

describe("escapers", () => {
  it("keep third-party text from formatting, linking or mentioning", () => {
    expect(escapeSlack("a&b <@U1> _i_ `c` ~s~")).toBe(
      "a&amp;b &lt;@U1&gt; \u200b_i\u200b_ \u200b`c\u200b` \u200b~s\u200b~",
    );
    expect(escapeDiscord("@everyone **b** [x](http://e) us-east-1")).toBe(
      "\\@everyone \\*\\*b\\*\\* \\[x\\]\\(http://e\\) us-east-1",
    );
    expect(escapeTeams("**b** [x](y) us-east-1")).toBe("\\*\\*b\\*\\* \\[x\\]\\(y\\) us-east-1");
    expect(escapeHtml(`<script>"'&`)).toBe("&lt;script&gt;&quot;&#39;&amp;");
  });

  it("drop control characters but keep newlines", () => {
    expect(escapeHtml("a\u0000b\u001bc\nd")).toBe("abc\nd");
  });
});
