/**
 * Picks a generated world's faults and what a good localizer should conclude about each: concurrent,
 * overlapping faults on unrelated components that each impair some observed component the others do not,
 * with the components no observation can tell apart from the faulted one as accepted answers. Pure, seeded.
 */
import { compileGraph, type Graph } from "../src/model/graph.js";
import type { Model } from "../src/model/model-types.js";
import { DEGRADED, DOWN, Propagator, propagateAll, UP } from "../src/model/propagate.js";
import type { ExpectedIncident, Fault } from "../src/simulate/scenario-types.js";
import { faultSet } from "../src/simulate/truth.js";
import { ancestorsOf, Marks, observedDependentCounts } from "./graph-walk.js";
import { pick } from "./world-data.js";

/** What a fault can strike; `service` is a single site. */
export type FaultKind = "network" | "region" | "cloud-service" | "cdn" | "dns" | "saas" | "service";

export const FAULT_KINDS: readonly (readonly [FaultKind, number])[] = [
  ["cloud-service", 30],
  ["network", 18],
  ["service", 12],
  ["region", 10],
  ["cdn", 10],
  ["dns", 10],
  ["saas", 10],
];

export interface FaultPlanOptions {
  seed: number;
  count: number;
  duration: number;
  vantages: string[];
  vantageFault: boolean;
  kinds?: readonly FaultKind[];
  /** Puts the i-th fault on targets[i] instead of a random component. */
  targets?: readonly string[];
  /** Chance a fault is partial (impact 0.5 to 0.95); sites are never partial. */
  partial?: number;
  /** Chance a fault degrades instead of taking down. */
  degraded?: number;
}

export interface FaultPlan {
  faults: Fault[];
  expected: ExpectedIncident[];
}

/** Observed components a fault impairs, with their states: what the observations can show of it. */
type Signature = Map<number, number>;

export function planFaults(model: Model, random: () => number, o: FaultPlanOptions): FaultPlan {
  const known = compileGraph(model, { includeHidden: false });
  const world = compileGraph(model, { includeHidden: true });
  const counts = observedDependentCounts(known);
  const byKind = new Map<string, (readonly [string, number])[]>();
  for (let c = 0; c < known.size; c++) {
    if (counts[c] === 0) continue;
    const list = byKind.get(known.kind[c]!) ?? [];
    // Bigger blast radii are likelier to be noticed (and generated), but small ones still come up.
    list.push([known.ids[c]!, Math.sqrt(counts[c]!)]);
    byKind.set(known.kind[c]!, list);
  }
  const allowed = new Set(o.kinds ?? FAULT_KINDS.map(([k]) => k));
  const kinds = FAULT_KINDS.filter(([k]) => allowed.has(k) && byKind.has(k));
  if (kinds.length === 0) throw new Error("planFaults: no component of the requested kinds has observers");

  const marks = new Marks(world.size);
  const faults: Fault[] = [];
  const signatures: Signature[] = [];
  const windows = faultWindows(random, o.count, o.duration);
  for (let i = 0; i < o.count; i++) {
    const [at, end] = windows[i]!;
    let placed = false;
    for (let attempt = 0; attempt < 500 && !placed; attempt++) {
      const target = o.targets?.[i];
      const kind = target !== undefined ? known.kind[known.index.get(target) ?? -1] : pick(kinds, random)[0];
      if (kind === undefined) throw new Error(`planFaults: unknown target ${target}`);
      const id = target ?? pick(byKind.get(kind)!, random)[0];
      const state = random() < (o.degraded ?? 0.2) ? "degraded" : "down";
      const impact = kind !== "service" && random() < (o.partial ?? 0.35) ? round2(0.5 + 0.45 * random()) : 1;
      const fault: Fault = { index: i, target: "component", id, at, end, state, impact };
      if (faults.some((f) => f.id === id || related(world, f.id, id, marks))) continue;
      const sig = signature(known, o.seed, fault);
      if (sig.size === 0 || !keepsEvidence(sig, signatures)) continue;
      faults.push(fault);
      signatures.push(sig);
      placed = true;
    }
    if (!placed) throw new Error(`planFaults: could not place fault ${i + 1} of ${o.count}`);
  }
  const expected = faults.map((f, i) => ({
    epicenter: f.id,
    accept: indistinguishable(known, f, signatures[i]!, maskedAtStart(faults, signatures, i)),
    within: 180,
    resolveWithin: 900,
  }));
  if (o.vantageFault) {
    const at = Math.round(600 + random() * (o.duration - 2400));
    const id = o.vantages[Math.floor(random() * o.vantages.length)]!;
    const length = Math.round(300 + random() * 600);
    faults.push({
      index: faults.length,
      target: "vantage",
      id,
      at,
      end: at + length,
      state: "down",
      impact: 1,
    });
  }
  return { faults, expected };
}

/**
 * Start and end of each fault: the first starts in the first third, each next one starts 3 minutes or more
 * after the one before and before it ends (so they overlap), and all end at least 20 minutes before the story.
 */
function faultWindows(random: () => number, count: number, duration: number): [number, number][] {
  const latest = duration - 1200;
  const out: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    const prev = out[i - 1];
    let at: number;
    if (!prev) at = Math.round(600 + random() * 0.3 * duration);
    else {
      const room = Math.min(0.8 * (prev[1] - prev[0]), latest - 600 - prev[0]);
      at = prev[0] + Math.round(180 + random() * Math.max(0, room - 180));
    }
    const end = Math.min(at + Math.round(900 + random() * 3600), latest);
    out.push([at, end]);
  }
  return out;
}

function related(g: Graph, a: string, b: string, marks: Marks): boolean {
  const ia = g.index.get(a)!;
  const ib = g.index.get(b)!;
  return ancestorsOf(g, ia, marks).includes(ib) || ancestorsOf(g, ib, marks).includes(ia);
}

/** The fault alone, with its partial impact, in the model the localizer knows. */
function signature(g: Graph, seed: number, fault: Fault): Signature {
  const status = propagateAll(g, faultSet(g, seed, [fault]));
  const sig: Signature = new Map();
  for (let c = 0; c < g.size; c++) if (g.observed[c] && status[c] !== UP) sig.set(c, status[c]!);
  return sig;
}

/** Whether every fault, the new one included, still impairs an observed component no other fault does. */
function keepsEvidence(sig: Signature, others: Signature[]): boolean {
  const all = [...others, sig];
  return all.every((s, i) => [...s.keys()].some((c) => all.every((t, j) => j === i || !t.has(c))));
}

/** Observed components already impaired by the other faults active when fault i starts. */
function maskedAtStart(faults: Fault[], signatures: Signature[], i: number): Set<number> {
  const at = faults[i]!.at;
  const masked = new Set<number>();
  faults.forEach((f, j) => {
    if (j !== i && f.at <= at && at < f.end) for (const c of signatures[j]!.keys()) masked.add(c);
  });
  return masked;
}

/**
 * Components whose whole failure (in the fault's state) shows what this fault shows when it starts: no
 * observation can tell them apart (e.g. a region whose only dependent is its network). Observed components
 * that another active fault already impairs show nothing, so they are left out of the comparison. A match
 * must impair every visible member of the signature, so only ancestors of one of them are tried.
 */
function indistinguishable(g: Graph, fault: Fault, sig: Signature, masked: Set<number>): string[] {
  const self = g.index.get(fault.id)!;
  const visible = new Map([...sig].filter(([c]) => !masked.has(c)));
  const first = visible.keys().next().value!;
  const state = fault.state === "down" ? DOWN : DEGRADED;
  const prop = new Propagator(g);
  const status = new Uint8Array(g.size);
  const faults = { state: new Uint8Array(g.size) };
  const journal: number[] = [];
  const out: string[] = [];
  for (const y of ancestorsOf(g, first)) {
    if (y === self) continue;
    faults.state[y] = state;
    prop.update(status, [y], faults, journal);
    let seen = 0;
    let same = true;
    for (let k = 0; k < journal.length && same; k += 2) {
      const c = journal[k]!;
      if (!g.observed[c] || masked.has(c)) continue;
      seen++;
      same = visible.get(c) === status[c];
    }
    if (same && seen === visible.size) out.push(g.ids[y]!);
    Propagator.undo(status, journal);
    faults.state[y] = 0;
  }
  return out.sort();
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
