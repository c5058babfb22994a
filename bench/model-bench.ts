/**
 * `npm run bench:model`: loads a synthetic model of 1,000,000 components from JSON, runs a what-if of its
 * busiest region and the concentration report, against a bare breadth-first walk over the same arrays.
 * Options: --size N (default 1,000,000), --seed N (default 1), --runs N (default 7), --candidates N (evaluate
 * only the N busiest candidates in the concentration report; default all).
 */
import { parseArgs } from "node:util";
import { type ComponentInput, normaliseComponent } from "../src/model/component-schema.js";
import { compileGraph, type Graph } from "../src/model/graph.js";
import { checkModel } from "../src/model/model-check.js";
import type { Model } from "../src/model/model-types.js";
import { type FaultSet, Propagator } from "../src/model/propagate.js";
import { concentration } from "../src/whatif/concentration.js";
import { summarizeImpact, WhatIf } from "../src/whatif/what-if.js";
import { syntheticModel } from "./synthetic-model.js";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "1000000" },
    seed: { type: "string", default: "1" },
    runs: { type: "string", default: "7" },
    candidates: { type: "string" },
  },
});
const size = Number(values.size);
const seed = Number(values.seed);
const runs = Number(values.runs);
const candidateLimit = values.candidates === undefined ? undefined : Number(values.candidates);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
let peakRss = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const sampler = setInterval(sample, 20);

function time<T>(f: () => T): { value: T; ms: number } {
  const t0 = process.hrtime.bigint();
  const value = f();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  sample();
  return { value, ms };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** The baseline: every transitive dependent of `from`, by a breadth-first walk over the reverse-edge arrays. */
function bareWalk(g: Graph, from: number): number {
  const visited = new Uint8Array(g.size);
  const queue = new Int32Array(g.size);
  const { depStart, depSlots, slotItem, itemOwner } = g;
  let head = 0;
  let tail = 0;
  visited[from] = 1;
  queue[tail++] = from;
  while (head < tail) {
    const c = queue[head++]!;
    const end = depStart[c + 1]!;
    for (let d = depStart[c]!; d < end; d++) {
      const owner = itemOwner[slotItem[depSlots[d]!]!]!;
      if (visited[owner] === 0) {
        visited[owner] = 1;
        queue[tail++] = owner;
      }
    }
  }
  return tail;
}

const rows: string[][] = [];
const row = (step: string, ms: number | string, note = "") =>
  rows.push([step, typeof ms === "number" ? `${ms.toFixed(ms < 10 ? 2 : 0)} ms` : ms, note]);
const n = (x: number) => x.toLocaleString("en-US");

// 1. The model as a file would hold it. Generation is setup, not measured.
const generated = syntheticModel(size, seed);
const region = generated.busiestRegion;
let json: string | undefined = JSON.stringify({ components: generated.components });
generated.components.length = 0;
gc();
const jsonMiB = Buffer.byteLength(json) / 2 ** 20;

// 2. Loading: parse, normalise, check, compile.
const parsed = time(() => JSON.parse(json!) as { components: ComponentInput[] });
json = undefined;
row("JSON.parse", parsed.ms, `${jsonMiB.toFixed(0)} MiB of JSON`);
const normalised = time((): Model => ({ components: parsed.value.components.map(normaliseComponent) }));
parsed.value.components.length = 0;
row("normalise components", normalised.ms);
const checked = time(() => checkModel(normalised.value.components));
if (checked.value.length > 0) throw new Error(`bench model is invalid: ${checked.value[0]!.message}`);
row("checkModel (ids, references, cycles)", checked.ms);
const compiled = time(() => compileGraph(normalised.value, { includeHidden: true }));
const g = compiled.value;
row("compileGraph", compiled.ms, `${n(g.size)} components, ${n(g.members.length)} dependency edges`);
normalised.value.components.length = 0;
gc();

// 3. What-if of the busiest region against the bare walk over the same graph.
const from = g.index.get(region)!;
const walks: number[] = [];
let visited = 0;
for (let i = 0; i <= runs; i++) {
  const t = time(() => bareWalk(g, from));
  visited = t.value;
  walks.push(t.ms);
}
const walkCold = walks.shift()!;
const engine = time(() => new WhatIf(g));
const whatifs: number[] = [];
const cold = time(() => engine.value.run([from]));
let impact = cold.value;
for (let i = 0; i < runs; i++) {
  const t = time(() => engine.value.run([from]));
  impact = t.value;
  whatifs.push(t.ms);
}
let down = 0;
for (const s of impact.state) if (s === 2) down++;
if (impact.components.length !== visited)
  throw new Error(`what-if impaired ${impact.components.length} components, the walk reached ${visited}`);
const walkMs = median(walks);
const whatifMs = median(whatifs);
row(
  `bare BFS from ${region} (baseline)`,
  walkMs,
  `median of ${runs} (first run ${walkCold.toFixed(0)} ms); reaches ${n(visited)} components`,
);
row(
  `what-if ${region}`,
  whatifMs,
  `median of ${runs} (first run ${cold.ms.toFixed(0)} ms); ${n(down)} down, ${n(impact.components.length - down)} degraded, with paths; ${(whatifMs / walkMs).toFixed(2)}× the walk`,
);
row("  (new WhatIf(graph): buffers, once per graph)", engine.ms);
// For comparison: the same what-if through the general incremental engine (priority queue, full re-evaluation).
const propagator = new Propagator(g);
const status = new Uint8Array(g.size);
const faults: FaultSet = { state: new Uint8Array(g.size) };
const journal: number[] = [];
const general: number[] = [];
for (let i = 0; i <= runs; i++) {
  faults.state[from] = 2;
  const t = time(() => propagator.update(status, [from], faults, journal));
  if (t.value !== impact.components.length) throw new Error("Propagator and WhatIf disagree");
  Propagator.undo(status, journal);
  faults.state[from] = 0;
  if (i > 0) general.push(t.ms);
}
row(
  "  for comparison: Propagator.update from all-up",
  median(general),
  `median of ${runs}; states only, no paths; ${(median(general) / walkMs).toFixed(2)}× the walk`,
);
const summary = time(() => summarizeImpact(g, impact));
row("  ids, kinds and path strings, sorted (summarizeImpact)", summary.ms, "what the CLI prints");

// 4. The concentration report.
gc();
const report = time(() => concentration(g, candidateLimit === undefined ? {} : { limit: candidateLimit }));
const r = report.value;
const top = r.candidates[0];
row(
  "concentration report",
  report.ms,
  `${n(r.candidates.length)} of ${n(r.candidateCount)} candidates${candidateLimit === undefined ? " (all)" : ` (the ${n(candidateLimit)} busiest)`}; ${n(r.spofs.length)} SPOFs; HHI ${n(Math.round(r.hosting.hhi))}; top: ${top?.id} takes down ${n(top?.down ?? 0)} of ${n(r.observed)} observed`,
);

clearInterval(sampler);
sample();
const maxRss = process.resourceUsage().maxRSS * 1024;
row("peak RSS", `${(Math.max(peakRss, maxRss) / 2 ** 30).toFixed(2)} GiB`, "process.resourceUsage().maxRSS");

const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(
  `bench:model: ${n(g.size)} components, ${n(g.members.length)} dependency edges, seed ${seed}, Node ${process.version}`,
);
console.log("");
for (const r of rows) console.log(`${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padStart(widths[1]!)}  ${r[2]}`);
console.log("");
const ok = whatifMs <= 3 * walkMs && whatifMs < 100;
console.log(
  `goal: what-if within 3× the bare walk and under 100 ms: ${ok ? "met" : "NOT met"} (${(whatifMs / walkMs).toFixed(2)}×, ${whatifMs.toFixed(1)} ms); peak RSS under 1.5 GiB: ${Math.max(peakRss, maxRss) < 1.5 * 2 ** 30 ? "met" : "NOT met"}`,
);
