/**
 * `npm run bench:agent-soak [-- --minutes N]` (issue 13's "a remote agent with anchors runs for 10 minutes
 * against a real hub and every observation arrives"): a real hub, a real `epicenter agent` child with
 * anchors and five HTTP checks every second, and a TCP proxy between them that cuts the hub's answers after
 * it committed, stalls, and refuses connections on a 45-second cycle, with one hub restart halfway
 * (bench/agent-soak-run.ts). Prints progress every 30 s, then what the agent produced against what the hub
 * stored, beside the goals: lost 0 and duplicates 0. Exits 1 when one is missed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runAgentSoak, SOAK_CYCLE } from "./agent-soak-run.js";

const { values } = parseArgs({ options: { minutes: { type: "string", default: "10" } } });
const minutes = Number(values.minutes);
if (!(minutes > 0)) {
  console.error("usage: agent-soak [--minutes N (> 0)]");
  process.exit(2);
}
// dist/bench/agent-soak.js -> bin/epicenter.js, the installed command (it runs dist/src/cli/main.js).
const entry = fileURLToPath(new URL("../../bin/epicenter.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "epicenter-agent-soak-"));
console.log(
  `bench:agent-soak: ${minutes} min, 5 HTTP checks every 1 s + 2 anchors, proxy cycle ` +
    `${SOAK_CYCLE.map((p) => `${p.mode} ${p.seconds}s`).join(", ")}, one hub restart halfway; ` +
    `Node ${process.version}, ${cpus().length} CPUs`,
);
const t0 = Date.now();
try {
  const r = await runAgentSoak({
    dataDir: dir,
    durationMs: minutes * 60_000,
    cli: [process.execPath, entry],
    onLine: (line) => console.log(`  +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s  ${line}`),
  });
  const expected = Math.round((r.durationMs / 1000) * 5);
  console.log("");
  console.log(`agent's final line: ${r.finalLine} (exit ${r.agentExit})`);
  console.log(
    `observations produced        ${r.produced} (baseline: 5 checks/s for the run, ~${expected} + anchors)`,
  );
  console.log(`delivered (stored by the hub) ${r.delivered}`);
  console.log(`check runs / their rows      ${r.checksRun} / ${r.deliveredChecks} (anchors aside)`);
  console.log(`dead-lettered                ${r.deadLettered}`);
  console.log(`kept in the spool at stop    ${r.kept}`);
  console.log(`dropped by the agent         ${r.dropped}`);
  console.log(`lost                         ${r.lost} (goal 0)`);
  console.log(`duplicates stored            ${r.duplicatesStored} (goal 0)`);
  console.log(`duplicates taken by the hub  ${r.duplicatesTaken} (goal 0; checks_run over stored)`);
  console.log(`answers cut after commit     ${r.cutAnswers}; hub restarts ${r.hubRestarts}`);
  console.log(
    `delivery delay               max ${(r.maxDelayMs / 1000).toFixed(1)} s, p99 ${(r.p99DelayMs / 1000).toFixed(1)} s (1 s polling)`,
  );
  console.log(
    `agent RSS                    ${Math.round(r.rssStartKb / 1024)} MB at 5 s, ${Math.round(r.rssEndKb / 1024)} MB at the end`,
  );
  const ok =
    r.lost === 0 &&
    r.duplicatesStored === 0 &&
    r.duplicatesTaken === 0 &&
    r.dropped === 0 &&
    r.agentExit === 0;
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
