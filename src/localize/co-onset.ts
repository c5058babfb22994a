/**
 * Co-onset: failures that begin together share a cause, even when the model does not say which. After the
 * explanation search, the observed components that began failing within a few evaluations of each other
 * (a cohort) are weighed once more: a small shared fault that explains only some of them (a CDN, a database
 * service whose other dependents are healthy) is set aside when "these failed with the rest of the cohort,
 * through a dependency the model lacks" explains its symptoms better. The cohort then belongs to the large
 * cause that began with it (its host: its hidden dependents), or, with no such cause, to no modelled
 * component at all: a common cause outside the model, named by the failing components themselves. Pure.
 */
import type { ExplainedFault } from "./explain-types.js";

export interface CoOnsetOptions {
  /** Evaluations within which failures count as beginning together. */
  window: number;
  /** Fewest co-onset failures that make a cohort (fewer are left to the explanation). */
  minCohort: number;
  /**
   * Fewest members of a cohort with no host, each failing for at least `settle` evaluations: with many
   * components and a few vantages, noise alone makes small, short-lived cohorts.
   */
  minUnexplained: number;
  settle: number;
  /** Share of a cohort a fault must explain to be its host. */
  hostShare: number;
  /** Cost, in nats, of one cohort member failing through a dependency the model lacks. */
  hiddenCost: number;
  /**
   * Extra cost, in nats, of a separate fault beginning at the very moment of a cohort: an independent
   * failure starting in the same minute as many others is a coincidence the prior does not price.
   */
  coincidenceCost: number;
}

export const DEFAULT_CO_ONSET: CoOnsetOptions = {
  window: 2,
  minCohort: 4,
  minUnexplained: 5,
  settle: 2,
  hostShare: 0.5,
  hiddenCost: 2,
  coincidenceCost: 3,
};

export interface CoOnsetInput {
  faults: ReadonlyArray<ExplainedFault>;
  /** Impaired observed components (graph indices). */
  impaired: ReadonlyArray<number>;
  /** When each impaired component began failing (an evaluation number), by graph index. */
  onset: (component: number) => number;
  /** The current evaluation number. */
  now: number;
  /**
   * Onsets of the cohorts the last weighing found: a cohort stays one while its members fail, however few
   * are left, so the last of them are not handed to a small shared fault as the rest recover.
   */
  established?: ReadonlyArray<EstablishedCohort>;
  /**
   * Members of established cohorts with no host that the explanation was not asked to explain again (they
   * stay members while they fail): what keeps the explanation small when a common cause outside the model
   * takes hundreds of components down.
   */
  carried?: ReadonlySet<number>;
  /** What explaining component x as impaired gains over leaving it up, in nats (≥ 0). */
  gain: (component: number) => number;
  /** What the model's size adds to every fault's cost, in nats (see explain.ts `faultCostPerScale`). */
  scaleCost?: number;
  /** Whether `component` depends on `cause` in the known model (lies in its blast radius). */
  dependsOn?: (component: number, cause: number) => boolean;
}

export interface Cohort {
  /** Co-onset failures set aside from their small faults, explained through a dependency the model lacks. */
  members: number[];
  /**
   * Co-onset failures of a fault inside the host's own blast radius, set aside for the host: the host
   * struck that part of itself too (live, a round that saw only some checks made it look spared).
   */
  merged: number[];
  /** Index into `faults` of the cause they belong to, or -1: a common cause outside the model. */
  host: number;
}

/** A cohort as the last weighing found it: when it began, and its host's component (-1: none). */
export interface EstablishedCohort {
  onset: number;
  host: number;
}

export interface CoOnsetResult {
  /** The faults that stand (indices into the input's faults keep their order). */
  faults: ExplainedFault[];
  cohorts: Cohort[];
  /** The cohorts found, for the next weighing's `established`. */
  established: EstablishedCohort[];
  /** Whether a cohort was left alone only because its members have not failed for long enough yet. */
  waiting: boolean;
}

export function weighCoOnset(input: CoOnsetInput, options: Partial<CoOnsetOptions> = {}): CoOnsetResult {
  const o = { ...DEFAULT_CO_ONSET, ...options };
  const dropped = new Set<number>();
  const cohorts: { members: number[]; merged: number[]; host: ExplainedFault | null }[] = [];
  const found: EstablishedCohort[] = [];
  let waiting = false;
  const established = input.established ?? [];
  for (const cluster of clusters(input.impaired, input.onset, o.window)) {
    const start = input.onset(cluster[0]!);
    const known = established.find((e) => Math.abs(e.onset - start) <= o.window);
    if (cluster.length < o.minCohort && !known) continue;
    const inCluster = new Set(cluster);
    const share = input.faults.map((f) => f.explains.filter((x) => inCluster.has(x)).length);
    let hostAt = -1;
    share.forEach((n, i) => {
      if (n > 0 && (hostAt < 0 || n > share[hostAt]!)) hostAt = i;
    });
    if (hostAt >= 0 && share[hostAt]! < o.hostShare * cluster.length) hostAt = -1;
    // A cohort keeps the host it formed with: as its members recover, a small fault that explains a few of
    // the last ones does not become its host.
    if (known && hostAt >= 0 && input.faults[hostAt]!.component !== known.host) hostAt = -1;
    // A cohort that had a host and lost it ended with it: what is left of it is the explanation's, not a
    // common cause outside the model.
    if (known && known.host >= 0 && hostAt < 0) continue;
    if (hostAt < 0) {
      const settled = cluster.filter((c) => input.now - input.onset(c) + 1 >= o.settle).length;
      if (settled < o.minUnexplained && !known) {
        waiting ||= cluster.length >= o.minUnexplained;
        continue;
      }
    }
    found.push({ onset: start, host: hostAt >= 0 ? input.faults[hostAt]!.component : -1 });
    // Weakest first: a fault is set aside only when all it explains began with the cohort.
    const order = input.faults
      .map((_, i) => i)
      .filter((i) => i !== hostAt && !dropped.has(i) && share[i]! > 0)
      .filter((i) => share[i] === input.faults[i]!.explains.length)
      .sort((a, b) => share[a]! - share[b]! || a - b);
    const members: number[] = [];
    const merged: number[] = [];
    const host = hostAt >= 0 ? input.faults[hostAt]! : null;
    if (known && known.host < 0 && hostAt < 0 && input.carried)
      for (const c of cluster) if (input.carried.has(c)) members.push(c);
    for (const i of order) {
      const f = input.faults[i]!;
      if (host && input.dependsOn?.(f.component, host.component)) {
        dropped.add(i);
        merged.push(...f.explains);
        continue;
      }
      // The fault's cost holds what naming one component among many costs (explain.ts `faultCostPerScale`);
      // naming the cohort's hidden cause instead costs as much, so that part cancels out.
      let alternative = input.scaleCost ?? 0;
      for (const x of f.explains) alternative += o.hiddenCost - input.gain(x);
      if (alternative < f.cost + o.coincidenceCost) {
        dropped.add(i);
        members.push(...f.explains);
      }
    }
    if (members.length > 0 || merged.length > 0) cohorts.push({ members, merged, host });
  }
  const faults = input.faults.filter((_, i) => !dropped.has(i));
  return {
    faults,
    established: found,
    waiting,
    cohorts: cohorts.map((c) => ({
      members: [...new Set(c.members)].sort((a, b) => a - b),
      merged: [...new Set(c.merged)].sort((a, b) => a - b),
      host: c.host ? faults.indexOf(c.host) : -1,
    })),
  };
}

/**
 * Groups components by onset: each group starts at the earliest onset not yet grouped and takes every
 * component that began within `window` evaluations of it.
 */
function clusters(impaired: ReadonlyArray<number>, onset: (c: number) => number, window: number): number[][] {
  const sorted = [...impaired].sort((a, b) => onset(a) - onset(b) || a - b);
  const out: number[][] = [];
  let current: number[] = [];
  let start = Number.NEGATIVE_INFINITY;
  for (const c of sorted) {
    if (onset(c) > start + window) {
      if (current.length > 0) out.push(current);
      current = [];
      start = onset(c);
    }
    current.push(c);
  }
  if (current.length > 0) out.push(current);
  return out;
}
