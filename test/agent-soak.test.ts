/**
 * Issue 13's soak, short: the same run as bench:agent-soak (a real hub, a real agent child with anchors and
 * checks every second, a proxy cutting answers after the hub committed, stalling and refusing, and a hub
 * restart halfway) for one cycle of its faults. Every observation the agent produced arrives, once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runAgentSoak } from "../bench/agent-soak-run.js";
import { compileServe } from "./serve-child.js";

const dir = mkdtempSync(join(tmpdir(), "epicenter-agent-soak-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("an agent through a flaky network and a hub restart", () => {
  it("delivers every observation it produced exactly once", { timeout: 240_000 }, async () => {
    const entry = compileServe("epicenter-agent-soak");
    const lines: string[] = [];
    const r = await runAgentSoak({
      dataDir: dir,
      durationMs: 55_000,
      cli: [process.execPath, entry],
      progressMs: 15_000,
      onLine: (l) => lines.push(l),
    });
    console.log(`agent soak (55 s): ${JSON.stringify(r)}\n${lines.join("\n")}`);
    expect(r.agentExit, r.finalLine).toBe(0);
    // The faults happened: answers were cut after the hub committed, and the hub restarted.
    expect(r.cutAnswers).toBeGreaterThan(0);
    expect(r.hubRestarts).toBe(1);
    expect(r.produced).toBeGreaterThan(200);
    expect(r).toMatchObject({ lost: 0, duplicatesStored: 0, duplicatesTaken: 0, dropped: 0, kept: 0 });
    expect(r.delivered).toBe(r.produced);
    // Counted apart from the publishing: every check run the agent made is a row of the hub.
    expect(r.deliveredChecks).toBe(r.checksRun);
  });
});
