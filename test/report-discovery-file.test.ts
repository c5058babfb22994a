/**
 * `report concentration --discovery FILE` on files it did not make itself: `discover --json` output (whose
 * domains carry no components list: the declarations are top-level), hand-made files, a cache with a bad
 * line. Usable files are read; others exit 1 naming the file, line (for JSON lines) and JSON path.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { captureIo } from "./capture-io.js";

const dir = mkdtempSync(join(tmpdir(), "epicenter-report-discovery-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function report(name: string, content: string) {
  writeFileSync(join(dir, name), content);
  const { io, out, err } = captureIo(dir);
  const status = await run(["report", "concentration", "--discovery", name, "--json"], io);
  return { status, out: out.join("\n"), err: err.join("\n") };
}

// What `epicenter discover --json` prints: no `components` or `providers` inside the domains.
const output = {
  domains: [
    { domain: "a.test", requires: ["aws/route53", "aws/us-east-1/ec2"], evidence: [] },
    { domain: "b.test", requires: ["vercel/hosting"], evidence: [] },
    { domain: "c.test", requires: [{ anyOf: ["cloudflare/dns", "ns1/dns"] }], evidence: [] },
    { domain: "d.test", requires: [{ id: "saas/datadog", soft: true }], evidence: [] },
  ],
  components: [{ id: "vercel/hosting", kind: "provider", name: "Vercel", requires: ["aws/us-east-1/ec2"] }],
};

describe("report concentration --discovery", () => {
  it("reads discover --json output, whose domains have no components list", async () => {
    const r = await report("output.json", JSON.stringify(output));
    expect(r.err).toBe("");
    expect(r.status).toBe(0);
    const parsed = JSON.parse(r.out) as { observed: number; candidates: { id: string; down: number }[] };
    expect(parsed.observed).toBe(4);
    expect(parsed.candidates.find((c) => c.id === "aws/us-east-1")?.down).toBe(2);
  });

  it("exits 1 naming the file and the JSON path of what is missing or wrong", async () => {
    const broken = structuredClone(output) as { domains: Record<string, unknown>[] };
    delete broken.domains[3]!.requires;
    broken.domains[1]!.requires = "vercel/hosting";
    const r = await report("broken.json", JSON.stringify(broken, null, 2));
    expect(r.status).toBe(1);
    expect(r.err).toContain(
      "broken.json domains[1].requires: expected a list of requires (component ids, {id, soft}, {anyOf})",
    );
    expect(r.err).toContain("broken.json domains[3].requires: missing");
    const noDomains = await report("empty.json", "{}");
    expect(noDomains.status).toBe(1);
    expect(noDomains.err).toContain("empty.json domains: missing");
    const notJson = await report("junk.json", "{ not json");
    expect(notJson.status).toBe(1);
    expect(notJson.err).toMatch(/junk\.json: not JSON/);
  });

  it("names the line of a bad cache entry, and skips a torn last line without writing to the file", async () => {
    const entry = (domain: string, results: unknown) => JSON.stringify({ domain, results });
    const good = entry("a.test", [{ domain: "a.test", requires: ["aws/us-east-1/ec2"], evidence: [] }]);
    const torn = `${good}\n${entry("b.test", [{ domain: "b.test", requires: [] }]).slice(0, 20)}`;
    const ok = await report("torn.jsonl", torn);
    expect(ok.status).toBe(0);
    expect(readFileSync(join(dir, "torn.jsonl"), "utf8")).toBe(torn);
    const bad = await report(
      "bad.jsonl",
      `${good}\n${entry("b.test", [{ domain: "b.test", requires: 7 }])}\n`,
    );
    expect(bad.status).toBe(1);
    expect(bad.err).toContain("bad.jsonl:2 results[0].requires: expected a list of requires");
  });

  test.prop([fc.jsonValue()], { numRuns: 50 })(
    "any JSON is a report (exit 0) or errors naming the file (exit 1)",
    async (value) => {
      const r = await report("any.json", JSON.stringify({ domains: value }));
      expect([0, 1]).toContain(r.status);
      if (r.status === 1) expect(r.err).toMatch(/^any\.json/);
    },
  );
});
