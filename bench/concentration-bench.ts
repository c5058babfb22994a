/**
 * `npm run bench:concentration`: the IMC 2020 table (Kashaf, Sekar, Agarwal, "Analyzing Third Party Service
 * Dependencies in Modern Web Services", DOI 10.1145/3419394.3423664) reproduced from its data release: the
 * release becomes a model (concentration-model.ts), `report concentration`'s own code runs over it, with and
 * without the providers' dependencies on each other, and its figures print beside the paper's (the abstract's,
 * as quoted in the data README) and beside the release's own damage lists. Time and peak RSS for the whole run.
 *   --data DIR     the release (default ../shared/data/real/kashaf-2020)
 *   --max-rank N   only the sites ranked 1..N (default 100000)
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { compileGraph, type Graph } from "../src/model/graph.js";
import { DOWN } from "../src/model/propagate.js";
import {
  type CandidateImpact,
  type ConcentrationReport,
  concentration,
} from "../src/whatif/concentration.js";
import { WhatIf } from "../src/whatif/what-if.js";
import { type KashafRelease, kashafMissing, readKashaf, type Service } from "./concentration-data.js";
import { kashafComponents, PROVIDER_KINDS, providerId } from "./concentration-model.js";

const { values } = parseArgs({
  options: { data: { type: "string" }, "max-rank": { type: "string" } },
});
const dir = resolve(values.data ?? "../shared/data/real/kashaf-2020");
const maxRank = Number(values["max-rank"] ?? 100_000);
const missing = kashafMissing(dir);
if (missing) {
  console.error(`bench:concentration: ${missing}; give --data DIR (the kashaf-2020 folder of the real data)`);
  process.exit(1);
}

const started = performance.now();
const since = (t: number) => `${((performance.now() - t) / 1000).toFixed(2)} s`;
const progress = (line: string) => process.stderr.write(`[${since(started)}] ${line}\n`);

progress(`reading ${dir} (sites ranked 1..${maxRank.toLocaleString("en-US")})`);
const t = performance.now();
const release = readKashaf(dir, maxRank);
const readTime = since(t);

interface Run {
  graph: Graph;
  report: ConcentrationReport;
  compileTime: string;
  reportTime: string;
}

function run(indirect: boolean): Run {
  progress(`${indirect ? "with" : "without"} indirect dependencies: building the model`);
  let t0 = performance.now();
  const graph = compileGraph(
    { components: kashafComponents(release, { indirect }) },
    { includeHidden: true },
  );
  const compileTime = since(t0);
  progress(`  ${graph.size.toLocaleString("en-US")} components; report concentration over the providers`);
  t0 = performance.now();
  const report = concentration(graph, {
    isCandidate: (g, c) => (PROVIDER_KINDS as readonly string[]).includes(g.kind[c]!),
  });
  return { graph, report, compileTime, reportTime: since(t0) };
}

const direct = run(false);
const indirect = run(true);
const rss = process.resourceUsage().maxRSS / 1024;

const sites = release.rank.size;
const fmt = (n: number) => n.toLocaleString("en-US");
const pct = (n: number, of = sites) => `${((100 * n) / of).toFixed(1)}%`;
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

/** Sites in the union of the release's damage lists, for one service or all. */
function damageUnion(services: readonly Service[]): number {
  const all = new Set<string>();
  for (const s of services)
    for (const list of release.damage[s].values()) for (const site of list) all.add(site);
  return all.size;
}

const byId = (r: Run) => new Map(r.report.candidates.map((c) => [c.id, c]));
const directById = byId(direct);

const out: string[] = [];
out.push("bench:concentration: the IMC 2020 table (Kashaf, Sekar, Agarwal) from its data release");
out.push(
  `release: ${fmt(sites)} sites ranked 1..${fmt(maxRank)} (in DNSconcAll, CDNCurrent, CAconc3rd or stapleCurrent); ` +
    `model ${fmt(direct.graph.size)} components (${fmt(indirect.graph.size)} with indirect dependencies)`,
);
out.push(
  `time: read ${readTime}; compile ${direct.compileTime} + ${indirect.compileTime}; report concentration ` +
    `${direct.reportTime} (direct) + ${indirect.reportTime} (with indirect); total ${since(started)}; peak RSS ${rss.toFixed(0)} MB`,
);
out.push(
  "paper: the abstract's figures as the data README quotes them (89%, 50-70%, up to 25x); release: the",
  "release's own *damage3rd lists; model: this run (direct: only sites' own dependencies; +indirect: with",
  "CDN -> DNS and CA -> DNS/CDN).",
  "",
);

const W = 58;
out.push(
  `${pad("", W)}${lpad("paper", 8)}${lpad("release", 12)}${lpad("model", 10)}${lpad("+indirect", 11)}`,
);
out.push(
  `${pad("sites critically dependent on a 3rd-party DNS, CDN or CA", W)}${lpad("89%", 8)}` +
    `${lpad(pct(damageUnion(["dns", "cdn", "ca"])), 12)}${lpad(pct(direct.report.critical), 10)}${lpad(pct(indirect.report.critical), 11)}`,
);
for (const s of PROVIDER_KINDS)
  out.push(
    `${pad(`  on a ${s.toUpperCase()} provider`, W)}${lpad("", 8)}${lpad(pct(damageUnion([s])), 12)}` +
      `${lpad(pct(direct.report.criticalByKind[s] ?? 0), 10)}${lpad(pct(indirect.report.criticalByKind[s] ?? 0), 11)}`,
  );
out.push(
  `  (of 100,000 ranks: release ${pct(damageUnion(["dns", "cdn", "ca"]), 100_000)}, model ${pct(direct.report.critical, 100_000)}, ` +
    `+indirect ${pct(indirect.report.critical, 100_000)})`,
  "",
);

/** Sites impaired (down or degraded) and down when `ids` fail together, in one what-if. */
function together(r: Run, ids: string[]): { impaired: number; down: number } {
  let impaired = 0;
  let down = 0;
  const seeds = ids.map((id) => r.graph.index.get(id)).filter((i): i is number => i !== undefined);
  new WhatIf(r.graph).forEachImpaired(seeds, (x, state) => {
    if (r.graph.observed[x] !== 1) return;
    impaired++;
    if (state === DOWN) down++;
  });
  return { impaired, down };
}

/** The three providers of a service that the most sites use (third-party), as the release counts them. */
function top3(release: KashafRelease, s: Service): string[] {
  const users = new Map<string, number>();
  for (const pair of release.third) {
    const [service, provider] = pair.split(" ");
    if (service === s) users.set(provider!, (users.get(provider!) ?? 0) + 1);
  }
  return [...users]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 3)
    .map(([p]) => p);
}

out.push("top-3 providers of a service failing together (paper: can affect 50-70% of the top 100K)");
out.push(
  `${pad("", W)}${lpad("use them", 10)}${lpad("affected", 10)}${lpad("down", 8)}${lpad("+indirect", 15)}`,
);
const allTop: string[] = [];
for (const s of PROVIDER_KINDS) {
  const top = top3(release, s);
  const ids = top.map((p) => providerId(s, p));
  allTop.push(...ids);
  let users = 0;
  for (const site of release.rank.keys())
    if (top.some((p) => release.third.has(`${s} ${p} ${site}`))) users++;
  const d = together(direct, ids);
  const i = together(indirect, ids);
  out.push(
    `${pad(`  ${s.toUpperCase()}: ${top.join(", ")}`, W)}${lpad(pct(users), 10)}${lpad(pct(d.impaired), 10)}` +
      `${lpad(pct(d.down), 8)}${lpad(`${pct(i.impaired)} / ${pct(i.down)}`, 15)}`,
  );
}
const all9 = together(direct, allTop);
out.push(
  `  all nine at once: ${pct(all9.impaired)} affected, ${pct(all9.down)} down (direct)`,
  "  (affected = down or degraded: a redundant or stapling site is degraded, not down; +indirect: affected/down)",
  "",
);

const amplification = (c: CandidateImpact) => {
  const d = directById.get(c.id)?.down ?? 0;
  return d > 0 ? c.down / d : c.down > 0 ? Number.POSITIVE_INFINITY : 1;
};
const amplified = indirect.report.candidates
  .filter((c) => (c.kind === "dns" || c.kind === "cdn") && (directById.get(c.id)?.down ?? 0) >= 100)
  .sort((a, b) => amplification(b) - amplification(a) || b.down - a.down);
const best = amplified[0];
out.push(
  "amplification through indirect dependencies: sites down with them / sites down without (paper: up to 25x)",
  `  largest, among DNS and CDN providers critical to at least 100 sites directly: ${
    best ? `${amplification(best).toFixed(1)}x (${best.id})` : "-"
  }`,
);
out.push(`  ${pad("PROVIDER", 28)}${lpad("direct", 9)}${lpad("+indirect", 11)}${lpad("amplif.", 9)}`);
for (const c of amplified.slice(0, 8))
  out.push(
    `  ${pad(c.id, 28)}${lpad(fmt(directById.get(c.id)?.down ?? 0), 9)}${lpad(fmt(c.down), 11)}${lpad(`${amplification(c).toFixed(1)}x`, 9)}`,
  );
const newlyCritical = indirect.report.candidates.filter(
  (c) => (directById.get(c.id)?.down ?? 0) === 0 && c.down > 0,
);
out.push(
  `  ${fmt(newlyCritical.length)} providers critical to no site directly take sites down indirectly` +
    `${newlyCritical.length > 0 ? ` (largest: ${newlyCritical[0]!.id}, ${fmt(newlyCritical[0]!.down)})` : ""}`,
  "",
);

out.push("per provider, top 10 by sites it takes down (with indirect dependencies)");
out.push(
  `  ${pad("PROVIDER", 28)}${lpad("release", 9)}${lpad("model", 9)}${lpad("+indirect", 11)}${lpad("% sites", 9)}${lpad("degraded", 10)}`,
);
const serviceOf = (id: string) => id.slice(0, id.indexOf("/")) as Service;
const nameOf = (id: string) => id.slice(id.indexOf("/") + 1);
for (const c of indirect.report.candidates.slice(0, 10)) {
  const damage = release.damage[serviceOf(c.id)].get(nameOf(c.id))?.size;
  out.push(
    `  ${pad(c.id, 28)}${lpad(damage === undefined ? "-" : fmt(damage), 9)}${lpad(fmt(directById.get(c.id)?.down ?? 0), 9)}` +
      `${lpad(fmt(c.down), 11)}${lpad(pct(c.down), 9)}${lpad(fmt(c.degraded), 10)}`,
  );
}

// How close the direct model is to the release's own damage lists, provider by provider.
out.push("", "direct model against the release's damage lists (same provider names)");
for (const s of PROVIDER_KINDS) {
  let same = 0;
  let compared = 0;
  let diff = 0;
  for (const [p, list] of release.damage[s]) {
    const ours = directById.get(providerId(s, p))?.down;
    if (ours === undefined) continue;
    compared++;
    if (ours === list.size) same++;
    diff += Math.abs(ours - list.size);
  }
  out.push(
    `  ${s.toUpperCase()}: ${fmt(same)} of ${fmt(compared)} providers exact; ${fmt(diff)} site-provider pairs apart in all`,
  );
}
if (release.unmappedHosts.length > 0)
  out.push(
    `  CA revocation hosts without a known CA (left out of the indirect edges): ${release.unmappedHosts.join(", ")}`,
  );
console.log(out.join("\n"));
