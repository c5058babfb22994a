/**
 * `epicenter model suggest` against a store written by a real hub run (SQLite): the table, JSON, --min-score,
 * --config marking what the model has, and --write merging into a config with comments (and adding nothing
 * when run again).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { loadConfigFile } from "../src/config/config-load.js";
import { openStore } from "../src/store/open-store.js";
import { captureIo } from "./capture-io.js";
import { LONE, outage, startSuspectedHub } from "./suspected-fixture.js";

let dir: string;
const clock = { now: Date.parse("2026-03-02T10:00:00Z") };

const CONFIG = `# Our sites and where they run.
version: 1
vantages: [vantage/x, vantage/y]
components:
  - id: cloud/r1   # the big region
    kind: region
  - id: cloud/r2
    kind: region
  # The blog: we thought it ran in r2 only.
  - id: ${LONE}
    kind: service
    observed: true
    requires:
      - cloud/r2   # hosting
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-suggest-"));
  const store = await openStore({ dataDir: join(dir, "data") });
  const hub = await startSuspectedHub(store, clock);
  await outage(hub, clock);
  await hub.stop();
  // A weaker pair: seen once, its incident still open (score 0.5).
  await store.saveSuspectedEvidence([
    {
      component: "news/site",
      cause: "cloud/r1",
      incident: "inc-x",
      firstSeen: 1,
      lastSeen: 2,
      recovered: null,
    },
  ]);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function suggest(...args: string[]) {
  const { io, out, err } = captureIo(dir);
  const code = await run(["model", "suggest", ...args], io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("epicenter model suggest", () => {
  it("prints what the hub learned, scoring at least 0.75 unless told otherwise", async () => {
    const { code, out } = await suggest();
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`${LONE}\\s+probably requires\\s+cloud/r1\\s+0\\.750\\s+1`));
    expect(out).not.toContain("news/site");
    expect(out).toContain("1 more below score 0.75");
    expect((await suggest("--min-score", "0")).out).toMatch(
      /news\/site\s+probably requires\s+cloud\/r1\s+0\.500/,
    );
  });

  it("prints JSON in the API's shape", async () => {
    const { code, out } = await suggest("--json", "--min-score", "0.5");
    expect(code).toBe(0);
    const body = JSON.parse(out);
    expect(body.suspected.map((p: { component: string }) => p.component)).toEqual([LONE, "news/site"]);
    expect(body.suspected[0]).toMatchObject({
      cause: "cloud/r1",
      onsets: 1,
      recoveries: 1,
      score: 0.75,
      inModel: false,
    });
    expect(body.suspected[0].firstSeen).toMatch(/^2026-03-02T/);
  });

  it("merges the accepted ones into a config, keeping its comments, and adds nothing the second time", async () => {
    const file = join(dir, "epicenter.yaml");
    writeFileSync(file, CONFIG);
    const first = await suggest("--config", "epicenter.yaml", "--write", "epicenter.yaml");
    expect(first.code).toBe(0);
    expect(first.err).toContain("1 components gained requires");
    const written = readFileSync(file, "utf8");
    for (const comment of [
      "# Our sites and where they run.",
      "# the big region",
      "# The blog: we thought",
      "# hosting",
    ])
      expect(written).toContain(comment);
    const blog = loadConfigFile(file).model.components.find((c) => c.id === LONE);
    expect(blog?.requires.map((r) => (r.type === "hard" ? r.id : r.type))).toEqual(["cloud/r2", "cloud/r1"]);
    // news/site scores under 0.75: not written.
    expect(written).not.toContain("news/site");

    const again = await suggest("--config", "epicenter.yaml", "--write", "epicenter.yaml");
    expect(again.code).toBe(0);
    expect(again.err).toContain("nothing to add");
    expect(readFileSync(file, "utf8")).toBe(written);
    // The model has it now.
    expect((await suggest("--config", "epicenter.yaml")).out).toContain("(already in the model)");
  });

  it("adds a component the config lacks, with the edge", async () => {
    const file = join(dir, "other.yaml");
    writeFileSync(file, CONFIG.slice(0, CONFIG.indexOf("  # The blog")));
    const { code } = await suggest("--config", "other.yaml", "--min-score", "0.5", "--write", "other.yaml");
    expect(code).toBe(0);
    const config = loadConfigFile(file);
    const byId = new Map(config.model.components.map((c) => [c.id, c]));
    // The hub's model snapshot gives the blog its kind; news/site is unknown to it: a service.
    expect(byId.get(LONE)).toMatchObject({ kind: "service", requires: [{ type: "hard", id: "cloud/r1" }] });
    expect(byId.get("news/site")).toMatchObject({
      kind: "service",
      requires: [{ type: "hard", id: "cloud/r1" }],
    });
    expect(readFileSync(file, "utf8")).toContain("# suggested by epicenter model suggest");
  });

  it("refuses a bad --min-score and an unknown action with the reason (exit 2)", async () => {
    for (const bad of ["2", "-0.1", "high", ""]) {
      const r = await suggest(`--min-score=${bad}`);
      expect(r.code, bad).toBe(2);
      expect(r.err).toContain("give a number from 0 to 1");
    }
    const { io, err } = captureIo(dir);
    expect(await run(["model", "sugest"], io)).toBe(2);
    expect(err.join("\n")).toContain('unknown action "sugest"');
  });

  it("says where a config with YAML errors is wrong instead of writing it (exit 1)", async () => {
    const file = join(dir, "broken.yaml");
    writeFileSync(file, "components: [\n");
    const r = await suggest("--write", "broken.yaml");
    expect(r.code).toBe(1);
    expect(r.err).toContain("broken.yaml");
    expect(readFileSync(file, "utf8")).toBe("components: [\n");
  });

  it("reads a data directory and never makes one: a mistyped --data is an error naming it (exit 3)", async () => {
    const r = await suggest("--data", "dat");
    expect(r.code).toBe(3);
    expect(r.err).toContain(join(dir, "dat"));
    expect(r.err).toContain("--data");
    expect(existsSync(join(dir, "dat"))).toBe(false);
  });
});
