/**
 * `bench:replay -- --recorded N`: replays a recorded observations file of N lines (default 8.5 million, about
 * 700 MB: a day of a mid-sized deployment) through `epicenter replay`'s pipeline in a fresh process, and, as
 * the ceiling in the same run, reads the same file line by line with a bare JSON.parse per line. Prints lines,
 * seconds, lines/s and peak RSS of each; goal: the replay's peak RSS under 1 GiB. The file is written to a
 * temporary folder and removed afterwards.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { simulate } from "../src/simulate/simulator.js";
import { Truth } from "../src/simulate/truth.js";
import { generateScenario, scenarioToYaml } from "./world-generator.js";

interface ChildResult {
  mode: string;
  lines: number;
  incidents: number;
  seconds: number;
  maxRssBytes: number;
}

export function runRecordedBench(lines: number, services: number): void {
  const vantages = 5;
  const rounds = Math.ceil(lines / (services * vantages * 0.95));
  const scenario = generateScenario({
    seed: 11,
    services,
    vantages,
    faults: 1,
    targets: ["aws/us-east-1"],
    vantageFault: false,
    // At least two hours, so the generated fault fits; lines past N are not written.
    duration: Math.max(rounds, 240) * 30,
    name: "replay-recorded-bench",
  });
  const dir = mkdtempSync(join(tmpdir(), "epicenter-replay-recorded-"));
  try {
    const obs = join(dir, "obs.jsonl");
    const ids = scenario.model.components.map((c) => c.id);
    const status = ["up", "degraded", "down"];
    const fd = openSync(obs, "w");
    let written = 0;
    let chunk: string[] = [];
    const began = performance.now();
    simulate(new Truth(scenario), (t, v, c, s) => {
      if (written >= lines) return;
      chunk.push(
        `{"t":${t},"vantage":"${scenario.vantages[v]}","component":"${ids[c]}","status":"${status[s]}"}`,
      );
      written++;
      if (chunk.length === 50_000) {
        writeSync(fd, `${chunk.join("\n")}\n`);
        chunk = [];
        if (written % 1_000_000 < 50_000) process.stderr.write(`  wrote ${written} lines\n`);
      }
    });
    if (chunk.length > 0) writeSync(fd, `${chunk.join("\n")}\n`);
    closeSync(fd);
    const file = join(dir, "scenario.yaml");
    writeFileSync(file, `${scenarioToYaml(scenario)}observations: obs.jsonl\n`);
    console.log(
      `bench:replay --recorded: ${written} lines (${services} sites x ${vantages} vantages, ${rounds} rounds), ` +
        `written in ${((performance.now() - began) / 1000).toFixed(0)} s`,
    );
    const child = fileURLToPath(new URL("./replay-recorded-child.js", import.meta.url));
    const measure = (mode: string): ChildResult => {
      const out = spawnSync(process.execPath, [child, mode, mode === "replay" ? file : obs], {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      if (out.status !== 0) throw new Error(`${mode} child failed: ${out.stderr}`);
      return JSON.parse(out.stdout.trim().split("\n").at(-1)!) as ChildResult;
    };
    const parse = measure("parse");
    const run = measure("replay");
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    console.log("\n| run | lines | seconds | lines/s | peak RSS |\n|---|---:|---:|---:|---:|");
    for (const [label, r] of [
      ["readline + JSON.parse per line (ceiling)", parse],
      [`replay (validate, then feed the localizer; ${run.incidents} incidents)`, run],
    ] as const)
      console.log(
        `| ${label} | ${r.lines} | ${r.seconds.toFixed(1)} | ${(r.lines / r.seconds / 1e6).toFixed(2)}M | ${mb(r.maxRssBytes)} |`,
      );
    console.log(`\ngoal: replay peak RSS under 1 GiB: ${run.maxRssBytes < 2 ** 30 ? "met" : "not met"}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
