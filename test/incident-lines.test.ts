import { describe, expect, it } from "vitest";
import { formatSpan, incidentLine } from "../src/cli/incident-lines.js";
import type { StoredIncident } from "../src/store/store.js";

const T = Date.UTC(2021, 11, 7, 15, 35, 0);
const incident = (over: Partial<StoredIncident> = {}): StoredIncident => ({
  id: "inc-1",
  openedAt: T,
  resolvedAt: null,
  epicenter: [
    { component: "aws/us-east-1", confidence: 0.93 },
    { component: "aws/us-east-1/dynamodb", confidence: 0.05 },
  ],
  affected: Array.from({ length: 14 }, (_, i) => `demo/s${i}`),
  history: [],
  vantage: false,
  acknowledgedAt: null,
  acknowledgedBy: null,
  updatedAt: T,
  ...over,
});

describe("incident lines", () => {
  it("says what opened, how sure, and how wide", () => {
    expect(incidentLine({ type: "opened", incident: incident() }, T)).toBe(
      "15:35:00  ● incident inc-1 opened: aws/us-east-1 likely failing, confidence 0.93, 14 services affected (or: aws/us-east-1/dynamodb 0.05)",
    );
  });

  it("says how long a resolved incident lasted", () => {
    const line = incidentLine(
      { type: "resolved", incident: incident({ resolvedAt: T + 250_000 }) },
      T + 260_000,
    );
    expect(line).toBe("15:39:20  ✓ incident inc-1 resolved after 4m 10s: aws/us-east-1");
  });

  it("tells a blind watcher from a failing world", () => {
    const line = incidentLine(
      {
        type: "opened",
        incident: incident({
          vantage: true,
          epicenter: [{ component: "vantage/b", confidence: 0.95 }],
          affected: [],
        }),
      },
      T,
    );
    expect(line).toContain("vantage/b cannot see the world");
    expect(line).not.toContain("services affected");
  });

  it("spans read as people say them", () => {
    expect([formatSpan(12_000), formatSpan(61_000), formatSpan(3_723_000)]).toEqual([
      "12s",
      "1m 01s",
      "1h 02m",
    ]);
  });
});
