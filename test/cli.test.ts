import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { captureIo } from "./capture-io.js";
import { SHARED_SCENARIOS } from "./shared-paths.js";

const capture = captureIo;

describe("epicenter CLI", () => {
  it("replay --json prints exactly one JSON object in the spec's shape", async () => {
    const { io, out, err } = capture();
    const code = await run(["replay", `${SHARED_SCENARIOS}aws-us-east-1-2021-12-07.yaml`, "--json"], io);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    const parsed = JSON.parse(out[0]!);
    expect(Object.keys(parsed).sort()).toEqual(["incidents", "observations", "scenario"]);
    expect(parsed.incidents[0].epicenter[0].component).toBe("aws/us-east-1/internal-network");
    expect(Object.keys(parsed.incidents[0]).sort()).toEqual([
      "affected",
      "epicenter",
      "history",
      "id",
      "openedAt",
      "resolvedAt",
    ]);
  });

  it("replay without --json prints a timeline and the verdict", async () => {
    const { io, out } = capture();
    expect(await run(["replay", `${SHARED_SCENARIOS}quiet-day-300.yaml`], io)).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("Verdict: PASS");
    expect(text).toContain("probe/v0");
  });

  it("rejects an invalid scenario with file, line and key path, exit 1, and nothing on stdout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "epicenter-cli-"));
    writeFileSync(
      join(dir, "bad.yaml"),
      "version: 1\nname: bad\nseed: 1\nduration: 1h\ninterval: 30x\nvantages: [p]\ncomponents: []\n",
    );
    const { io, out, err } = capture(dir);
    expect(await run(["replay", "bad.yaml", "--json"], io)).toBe(1);
    expect(out).toEqual([]);
    expect(err.join("\n")).toMatch(/bad\.yaml:5 interval: invalid duration "30x"/);
  });

  it("reports a missing file clearly", async () => {
    const { io, err } = capture();
    expect(await run(["replay", "/nonexistent/scenario.yaml"], io)).toBe(1);
    expect(err.join("\n")).toContain("file not found");
  });

  it("validate reports every error of every file and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "epicenter-cli-"));
    writeFileSync(
      join(dir, "epicenter.yaml"),
      "components:\n  - { id: a, requires: [aws/us-east-7] }\n  - { id: a }\n",
    );
    const { io, err } = capture(dir);
    expect(await run(["validate", "epicenter.yaml"], io)).toBe(1);
    expect(err).toContain(
      'epicenter.yaml:2 components[0].requires[0]: unknown component "aws/us-east-7"; did you mean "aws/us-east-1"?',
    );
    expect(err).toContain('epicenter.yaml:3 components[1].id: duplicate id "a" (first declared at [0])');
  });

  it("schema prints a JSON Schema that knows the component keys", async () => {
    const { io, out } = capture();
    expect(await run(["schema"], io)).toBe(0);
    const schema = JSON.parse(out.join("\n"));
    const component = schema.properties.components.items;
    expect(Object.keys(component.properties)).toEqual(
      expect.arrayContaining(["id", "kind", "observed", "requires"]),
    );
    expect(component.additionalProperties).toBe(false);
  });

  it("unknown commands and bad options are usage errors (exit 2)", async () => {
    const a = capture();
    expect(await run(["frobnicate"], a.io)).toBe(2);
    expect(a.err.join("\n")).toContain('unknown command "frobnicate"');
    const b = capture();
    expect(await run(["replay", "--bogus", "x.yaml"], b.io)).toBe(2);
    const c = capture();
    expect(await run(["replay"], c.io)).toBe(2);
  });

  it("a name Object.prototype has is an unknown command too, not a crash", async () => {
    for (const name of ["constructor", "toString", "__proto__"]) {
      const { io, err } = capture();
      expect(await run([name], io)).toBe(2);
      expect(err.join("\n")).toContain(`unknown command "${name}"`);
    }
  });

  it("runs the command table it is given: no global registry", async () => {
    const { io, out } = capture();
    const hello = () => {
      io.out("hi");
      return 0;
    };
    const commands = { hello: { run: hello, summary: "says hi" } };
    expect(await run(["hello"], io, commands)).toBe(0);
    expect(await run(["--help"], io, commands)).toBe(0);
    expect(out[0]).toBe("hi");
    expect(out[1]).toMatch(/hello {2}says hi/);
    expect(out[1]).not.toMatch(/serve/);
    expect(await run(["serve"], io, commands)).toBe(2);
  });

  it("demo shows a what-if and a passing replay of the bundled outage", async () => {
    const { io, out } = capture();
    expect(await run(["demo"], io)).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("what if aws/us-east-1 fails?");
    expect(text).toMatch(/acme\/api/);
    expect(text).toContain("aws/us-east-1/internal-network");
    expect(text).toContain("Verdict: PASS");
  });
});
