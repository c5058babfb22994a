import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../src/config/scenario-file.js";
import { formatIssue, SourceError } from "../src/model/model-errors.js";
import { judge } from "../src/replay/judge.js";
import { replay } from "../src/replay/replay.js";

const SCENARIO = `version: 1
name: recorded
seed: 1
duration: 20m
interval: 30s
vantages: [p/a, p/b]
components:
  - { id: net }
  - { id: s1, observed: true, requires: [net] }
  - { id: s2, observed: true, requires: [net] }
  - { id: s3, observed: true }
faults:
  - { component: net, at: 5m, for: 5m }
expect:
  incidents:
    - { epicenter: net }
observations: obs.jsonl
`;

function write(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "epicenter-recorded-"));
  writeFileSync(join(dir, "s.yaml"), SCENARIO);
  writeFileSync(join(dir, "obs.jsonl"), `${lines.join("\n")}\n`);
  return join(dir, "s.yaml");
}

describe("recorded observations", () => {
  it("feeds exactly the file's lines to the localizer, bypassing the simulator", () => {
    const lines: string[] = [];
    for (let t = 0; t < 1200; t += 30)
      for (const vantage of ["p/a", "p/b"])
        for (const component of ["s1", "s2", "s3"]) {
          const down = t >= 300 && t < 600 && component !== "s3";
          lines.push(JSON.stringify({ t, vantage, component, status: down ? "down" : "up" }));
        }
    const scenario = loadScenarioFile(write(lines));
    const run = replay(scenario);
    expect(run.output.observations).toBe(lines.length);
    expect(run.output.incidents.map((i) => i.epicenter[0]?.component)).toEqual(["net"]);
    expect(judge(scenario, run.truth, run.output).passed).toBe(true);
  });

  it("names the line of every malformed observation", () => {
    const scenario = loadScenarioFile(
      write([
        '{"t": 0, "vantage": "p/a", "component": "s1", "status": "up"}',
        '{"t": 0, "vantage": "p/z", "component": "s1", "status": "up"}',
        "not json",
        '{"t": 30, "vantage": "p/a", "component": "s1", "status": "sideways"}',
        '{"t": 10, "vantage": "p/a", "component": "s1", "status": "up"}',
      ]),
    );
    let issues: string[] = [];
    try {
      replay(scenario);
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      issues = error.issues.map((i) => formatIssue({ ...i, file: "obs.jsonl" }));
    }
    expect(issues).toEqual([
      'obs.jsonl:2 vantage: unknown vantage "p/z"',
      "obs.jsonl:3: not valid JSON",
      'obs.jsonl:4 status: status must be up, degraded or down, not "sideways"',
      "obs.jsonl:5 t: t 10 is before the previous line's 30; lines must be in time order",
    ]);
  });
});
