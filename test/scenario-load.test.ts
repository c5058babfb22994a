import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../src/config/scenario-file.js";
import { parseDuration } from "../src/model/duration.js";
import { formatIssue, SourceError } from "../src/model/model-errors.js";
import { parseScenario } from "../src/simulate/scenario-load.js";
import { SHARED_SCENARIOS } from "./shared-paths.js";

function issuesOf(text: string): string[] {
  try {
    parseScenario("s.yaml", text);
  } catch (error) {
    if (error instanceof SourceError) return error.issues.map(formatIssue);
    throw error;
  }
  return [];
}

const BASE = `version: 1
name: tiny
seed: 1
duration: 1h
interval: 30s
vantages: [probe/a, probe/b]
components:
  - { id: net, kind: network }
  - { id: site, observed: true, requires: [net] }
`;

describe("durations", () => {
  it("reads every unit and plain seconds", () => {
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("250ms")).toBe(0.25);
    expect(parseDuration("2d")).toBe(172800);
    expect(parseDuration(45)).toBe(45);
    expect(parseDuration("45")).toBe(45);
    expect(parseDuration("1.5h")).toBeUndefined();
    expect(parseDuration("10 minutes")).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
  });
});

describe("scenario loading", () => {
  it("loads every shared example", () => {
    const files = readdirSync(SHARED_SCENARIOS).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const s = loadScenarioFile(SHARED_SCENARIOS + f);
      expect(s.vantages.length).toBeGreaterThan(0);
      expect(s.model.components.some((c) => c.observed)).toBe(true);
    }
  });

  it("normalises faults and expectations with the spec's defaults", () => {
    const s = parseScenario(
      "s.yaml",
      `${BASE}faults:\n  - { component: net, at: 10m, for: 5m, impact: 0.5 }\n  - { vantage: probe/b, at: 20m }\nexpect:\n  incidents:\n    - { epicenter: net }\n`,
    );
    expect(s.faults).toEqual([
      { index: 0, target: "component", id: "net", at: 600, end: 900, state: "down", impact: 0.5 },
      { index: 1, target: "vantage", id: "probe/b", at: 1200, end: 3600, state: "down", impact: 1 },
    ]);
    expect(s.expect.incidents).toEqual([{ epicenter: "net", accept: [], within: 300, resolveWithin: 900 }]);
    expect(s.noise).toEqual({ missing: 0, flip: 0 });
  });

  it("rejects unknown keys, bad durations and bad references with lines and paths", () => {
    const issues = issuesOf(`${BASE}faults:\n  - { component: nett, at: soon }\nextra: 1\n`);
    expect(issues).toContain(
      's.yaml:11 faults[0].at: invalid duration "soon": a duration like 90s, 1h30m, 250ms, or a plain number of seconds',
    );
    expect(issues).toContain('s.yaml:12 extra: unknown key "extra"');
    const semantic = issuesOf(
      `${BASE}faults:\n  - { component: nett, at: 1m }\n  - { vantage: probe/z, at: 1m, impact: 0.5 }\n`,
    );
    expect(semantic).toEqual([
      's.yaml:11 faults[0].component: unknown component "nett"',
      's.yaml:12 faults[1].vantage: unknown vantage "probe/z"',
      "s.yaml:12 faults[1].impact: impact applies to component faults only",
    ]);
  });

  it("keeps component and vantage ids in one namespace", () => {
    const issues = issuesOf(
      BASE.replace("- { id: net, kind: network }", "- { id: probe/a, kind: network }").replace(
        "[net]",
        "[probe/a]",
      ),
    );
    expect(issues[0]).toMatch(/components\[0\]\.id: id "probe\/a" is already a vantage/);
  });

  it("requires the spec's top-level keys", () => {
    const issues = issuesOf("version: 1\nname: x\n");
    expect(issues.some((i) => i.includes("seed"))).toBe(true);
    expect(issues.some((i) => i.includes("vantages"))).toBe(true);
  });
});
