/**
 * Concentration: how much of the observed (user-facing) world each shared component holds up, which of them
 * are single points of failure, and how concentrated hosting is among providers. Pure.
 *
 * Definitions (the report prints them too):
 * - A **candidate** is a shared component: by default every component whose kind is not `service` (providers,
 *   regions, networks, cloud services, CDNs, DNS, SaaS, and any other shared kind a config declares).
 * - A candidate's **down** (**degraded**) count is the number of observed components, the candidate itself
 *   not counted, that are down (degraded) when that candidate alone fails, with full impact and every other
 *   component healthy: the exact propagation of scenario.md.
 * - A **single point of failure** is a candidate whose failure alone takes down at least one observed
 *   component other than itself (down ≥ 1). Redundancy that holds (an `anyOf` with a healthy member, a met
 *   quorum) only degrades, so it does not make a SPOF.
 * - An observed component is **critically dependent** on the candidates whose failure alone takes it down;
 *   `critical` counts the observed components with at least one (of those evaluated), `criticalByKind` the
 *   same per candidate kind (the IMC 2020 paper's "critically dependent on a third-party DNS, CDN or CA").
 * - **Hosting**: an observed component is hosted by every component of kind `provider` it depends on,
 *   directly or transitively, through any kind of dependency. Each hosted observed component is one unit,
 *   split equally among its providers; a provider's **share** is the sum of its parts over all hosted observed
 *   components. The **Herfindahl–Hirschman index** is 10,000 × Σ share² (0 to 10,000; by the US merger
 *   guidelines' thresholds, above 2,500 is highly concentrated, 1,500 to 2,500 moderately).
 *
 * Cost: one what-if per candidate (and per provider), each from the all-up state and undone in the same
 * reused buffers (`WhatIf`), so the total is the sum of the candidates' blast radii, not candidates × model.
 */
import type { Graph } from "../model/graph.js";
import { DEGRADED, DOWN } from "../model/propagate.js";
import { WhatIf } from "./what-if.js";

export interface CandidateImpact {
  id: string;
  kind: string;
  /** Observed components (the candidate itself not counted) down when it alone fails. */
  down: number;
  /** Observed components (the candidate itself not counted) degraded when it alone fails. */
  degraded: number;
}

export interface SinglePointOfFailure extends CandidateImpact {
  /** A few of the observed components it takes down, sorted by id. */
  examples: string[];
}

export interface ProviderShare {
  id: string;
  /** Fraction of hosted observed components, 0 to 1. */
  share: number;
  /** Observed components that depend on this provider at all. */
  observed: number;
}

export interface HostingConcentration {
  /** 10,000 × Σ share²; 0 when nothing observed is hosted by a provider. */
  hhi: number;
  /** Providers by share, largest first. */
  providers: ProviderShare[];
  /** Observed components depending on at least one provider. */
  hosted: number;
  /** Observed components depending on no provider (left out of the shares). */
  unhosted: number;
}

export interface ConcentrationReport {
  /** Observed components in the model. */
  observed: number;
  /** How many components the default rule (or `options.isCandidate`) makes candidates. */
  candidateCount: number;
  /** Candidates evaluated, largest down first, then degraded, then id. */
  candidates: CandidateImpact[];
  /** Candidates with down ≥ 1, in the same order. */
  spofs: SinglePointOfFailure[];
  /** Observed components that at least one evaluated candidate alone takes down. */
  critical: number;
  /** The same, per kind of the candidate that takes them down (a component may count under several). */
  criticalByKind: Record<string, number>;
  hosting: HostingConcentration;
}

export interface ConcentrationOptions {
  /** Which components are candidates (default: kind is not `service`). */
  isCandidate?: (g: Graph, c: number) => boolean;
  /**
   * Evaluate only the `limit` candidates with the most direct dependents (the busiest), to bound the cost on
   * huge models; `candidateCount` still says how many there are. Hosting always evaluates every provider.
   */
  limit?: number;
  /** How many examples each SPOF lists (default 5). */
  examples?: number;
}

const PROVIDER = "provider";

function defaultIsCandidate(g: Graph, c: number): boolean {
  return g.kind[c] !== "service";
}

/** The concentration report of a model (compiled with the dependencies it should honour). */
export function concentration(g: Graph, options: ConcentrationOptions = {}): ConcentrationReport {
  const isCandidate = options.isCandidate ?? defaultIsCandidate;
  const exampleCount = options.examples ?? 5;
  let candidates: number[] = [];
  for (let c = 0; c < g.size; c++) if (isCandidate(g, c)) candidates.push(c);
  const candidateCount = candidates.length;
  if (options.limit !== undefined && options.limit < candidates.length) {
    const fanIn = (c: number) => g.depStart[c + 1]! - g.depStart[c]!;
    candidates = candidates
      .sort((a, b) => fanIn(b) - fanIn(a) || a - b)
      .slice(0, options.limit)
      .sort((a, b) => a - b);
  }
  let observed = 0;
  for (let c = 0; c < g.size; c++) observed += g.observed[c]!;

  const blast = new WhatIf(g);
  // Every transitive dependent of a failed component is at least degraded, so the observed components a
  // provider's failure impairs are exactly those it hosts.
  const hostedBy = new Map<number, Int32Array>();
  const impacts: CandidateImpact[] = [];
  const spofs: SinglePointOfFailure[] = [];
  // Per kind, which observed components some candidate of that kind takes down (one byte per component).
  const downBy = new Map<string, Uint8Array>();
  const anyDown = new Uint8Array(g.size);
  for (const c of candidates) {
    const marks = downBy.get(g.kind[c]!) ?? new Uint8Array(g.size);
    downBy.set(g.kind[c]!, marks);
    const examples: number[] = [];
    const hosts: number[] | undefined = g.kind[c] === PROVIDER ? [] : undefined;
    let down = 0;
    let degraded = 0;
    blast.forEachImpaired([c], (x, state) => {
      if (g.observed[x] !== 1 || x === c) return;
      hosts?.push(x);
      if (state === DOWN) {
        down++;
        marks[x] = 1;
        anyDown[x] = 1;
        if (examples.length < exampleCount) examples.push(x);
      } else if (state === DEGRADED) degraded++;
    });
    if (hosts) hostedBy.set(c, Int32Array.from(hosts));
    const impact = { id: g.ids[c]!, kind: g.kind[c]!, down, degraded };
    impacts.push(impact);
    if (down > 0) spofs.push({ ...impact, examples: examples.map((x) => g.ids[x]!).sort() });
  }
  for (let p = 0; p < g.size; p++) {
    if (g.kind[p] !== PROVIDER || hostedBy.has(p)) continue;
    const hosts: number[] = [];
    blast.forEachImpaired([p], (x) => {
      if (g.observed[x] === 1 && x !== p) hosts.push(x);
    });
    hostedBy.set(p, Int32Array.from(hosts));
  }
  const order = (a: CandidateImpact, b: CandidateImpact) =>
    b.down - a.down || b.degraded - a.degraded || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  impacts.sort(order);
  spofs.sort(order);
  const total = (marks: Uint8Array) => marks.reduce((n, m) => n + m, 0);
  const criticalByKind: Record<string, number> = {};
  for (const [kind, marks] of [...downBy].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    criticalByKind[kind] = total(marks);
  return {
    observed,
    candidateCount,
    candidates: impacts,
    spofs,
    critical: total(anyDown),
    criticalByKind,
    hosting: hosting(g, hostedBy),
  };
}

/** Shares of hosting among providers and their HHI, from what each provider hosts (see the module comment). */
function hosting(g: Graph, hostedBy: Map<number, Int32Array>): HostingConcentration {
  const providerCount = new Int32Array(g.size);
  for (const list of hostedBy.values()) for (const x of list) providerCount[x]!++;
  let hosted = 0;
  let observed = 0;
  for (let c = 0; c < g.size; c++) {
    if (g.observed[c] !== 1) continue;
    observed++;
    if (providerCount[c]! > 0) hosted++;
  }
  const shares: ProviderShare[] = [...hostedBy].map(([p, list]) => {
    let units = 0;
    for (const x of list) units += 1 / providerCount[x]!;
    return { id: g.ids[p]!, share: hosted > 0 ? units / hosted : 0, observed: list.length };
  });
  shares.sort((a, b) => b.share - a.share || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let hhi = 0;
  for (const s of shares) hhi += s.share * s.share;
  return { hhi: 10_000 * hhi, providers: shares, hosted, unhosted: observed - hosted };
}
