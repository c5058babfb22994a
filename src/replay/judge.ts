/** Judges a replay exactly as scenario.md "How a replay is judged" says. Pure. */
import { UP } from "../model/propagate.js";
import type { Fault, Scenario } from "../simulate/scenario-types.js";
import type { Truth } from "../simulate/truth.js";
import type { ReplayIncident, ReplayOutput } from "./replay.js";

export interface ExpectationResult {
  epicenter: string;
  faultAt: number | null;
  detectedAt: number | null;
  incident: string | null;
  counts: boolean;
  reason: string;
}

export interface IncidentResult {
  id: string;
  /** Share of its open time the incident named a right cause. */
  rightShare: number;
  false: boolean;
}

export interface Verdict {
  passed: boolean;
  expected: ExpectationResult[];
  incidents: IncidentResult[];
  maxIncidents: { limit: number; actual: number; ok: boolean } | null;
  quiet: { ok: boolean; offending: string[] } | null;
  reasons: string[];
}

/** The first place of an entry: the members sharing its highest confidence; none when more than 3. */
export function firstPlace(epicenter: ReadonlyArray<{ component: string; confidence: number }>): string[] {
  if (epicenter.length === 0) return [];
  const top = Math.max(...epicenter.map((e) => e.confidence));
  const first = epicenter.filter((e) => e.confidence === top).map((e) => e.component);
  return first.length > 3 ? [] : first;
}

/** Faults on the same target that overlap or touch, merged: the episode holding `fault` ends at the returned time. */
export function episodeEnd(faults: ReadonlyArray<Fault>, fault: Fault): number {
  const same = faults
    .filter((f) => f.target === fault.target && f.id === fault.id)
    .sort((a, b) => a.at - b.at);
  let start = fault.at;
  let end = fault.end;
  let grew = true;
  while (grew) {
    grew = false;
    for (const f of same)
      if (f.at <= end && f.end >= start && (f.at < start || f.end > end)) {
        start = Math.min(start, f.at);
        end = Math.max(end, f.end);
        grew = true;
      }
  }
  return end;
}

export function judge(scenario: Scenario, truth: Truth, output: ReplayOutput): Verdict {
  const reasons: string[] = [];
  const { faults, duration } = scenario;
  const byTarget = new Map<string, Fault[]>();
  for (const f of faults) byTarget.set(f.id, [...(byTarget.get(f.id) ?? []), f]);

  // Match the n-th expected incident naming E to the n-th fault on E.
  const used = new Map<string, number>();
  const matches = scenario.expect.incidents.map((e) => {
    const n = used.get(e.epicenter) ?? 0;
    used.set(e.epicenter, n + 1);
    return { expectation: e, fault: byTarget.get(e.epicenter)?.[n] };
  });

  const expected: ExpectationResult[] = matches.map(({ expectation: e, fault }) => {
    const result: ExpectationResult = {
      epicenter: e.epicenter,
      faultAt: fault?.at ?? null,
      detectedAt: null,
      incident: null,
      counts: false,
      reason: "",
    };
    if (!fault) {
      result.reason = `no fault on ${e.epicenter} to match`;
      return result;
    }
    const accepted = new Set([e.epicenter, ...e.accept]);
    let best: { at: number; incident: ReplayIncident } | undefined;
    for (const inc of output.incidents)
      for (const h of inc.history)
        if (
          h.at >= fault.at &&
          firstPlace(h.epicenter).some((c) => accepted.has(c)) &&
          (!best || h.at < best.at)
        )
          best = { at: h.at, incident: inc };
    if (!best) {
      result.reason = "never named in first place";
      return result;
    }
    result.detectedAt = best.at;
    result.incident = best.incident.id;
    const delay = best.at - fault.at;
    const end = episodeEnd(faults, fault);
    const needsResolution = end + e.resolveWithin <= duration;
    const resolvedBy = end + e.resolveWithin;
    if (delay > e.within) result.reason = `named after ${delay}s, over the ${e.within}s allowed`;
    else if (needsResolution && (best.incident.resolvedAt === null || best.incident.resolvedAt > resolvedBy))
      result.reason = `incident ${best.incident.id} not resolved by ${resolvedBy}s`;
    else {
      result.counts = true;
      result.reason = `named after ${delay}s`;
    }
    return result;
  });
  for (const r of expected) if (!r.counts) reasons.push(`expected ${r.epicenter}: ${r.reason}`);

  const incidents = output.incidents.map((inc) => {
    const share = rightShare(scenario, truth, matches, inc);
    return { id: inc.id, rightShare: share, false: share < 0.5 };
  });
  for (const i of incidents)
    if (i.false)
      reasons.push(`false incident ${i.id}: right ${(i.rightShare * 100).toFixed(0)}% of its time`);

  let maxIncidents: Verdict["maxIncidents"] = null;
  if (scenario.expect.maxIncidents !== undefined) {
    const limit = scenario.expect.maxIncidents;
    maxIncidents = { limit, actual: output.incidents.length, ok: output.incidents.length <= limit };
    if (!maxIncidents.ok)
      reasons.push(`${output.incidents.length} incidents opened, at most ${limit} allowed`);
  }
  let quiet: Verdict["quiet"] = null;
  if (scenario.expect.quiet) {
    const vantages = new Set(scenario.vantages);
    const offending = output.incidents
      .filter((inc, i) => {
        const namesVantage = inc.history.every((h) => firstPlace(h.epicenter).some((c) => vantages.has(c)));
        return !namesVantage || incidents[i]!.false;
      })
      .map((inc) => inc.id);
    quiet = { ok: offending.length === 0, offending };
    if (!quiet.ok) reasons.push(`quiet story raised ${offending.join(", ")}`);
  }
  return {
    passed: reasons.length === 0,
    expected,
    incidents,
    maxIncidents,
    quiet,
    reasons,
  };
}

function rightShare(
  scenario: Scenario,
  truth: Truth,
  matches: { expectation: { accept: string[]; epicenter: string }; fault: Fault | undefined }[],
  inc: ReplayIncident,
): number {
  const end = inc.resolvedAt ?? scenario.duration;
  const total = end - inc.openedAt;
  if (total <= 0) return 1;
  let right = 0;
  inc.history.forEach((h, i) => {
    const from = Math.max(h.at, inc.openedAt);
    const to = Math.min(inc.history[i + 1]?.at ?? end, end);
    if (to <= from) return;
    const first = firstPlace(h.epicenter);
    if (first.length === 0) return;
    for (const seg of truth.segments) {
      const a = Math.max(from, seg.start);
      const b = Math.min(to, seg.end);
      if (b <= a) continue;
      if (isRightDuring(scenario, truth, matches, first, a)) right += b - a;
    }
  });
  return right / total;
}

/** Whether a first place is right at time t (constant within a truth segment). */
function isRightDuring(
  scenario: Scenario,
  truth: Truth,
  matches: { expectation: { accept: string[]; epicenter: string }; fault: Fault | undefined }[],
  first: string[],
  t: number,
): boolean {
  const active = scenario.faults.filter((f) => f.at <= t && t < f.end);
  const seg = truth.at(t);
  for (const c of first) {
    if (active.some((f) => f.id === c)) return true;
    if (
      matches.some((m) => m.fault && m.fault.at <= t && t < m.fault.end && m.expectation.accept.includes(c))
    )
      return true;
    const i = truth.world.index.get(c);
    if (i !== undefined && seg.status[i] !== UP && seg.known[truth.knownGraph.index.get(c)!] === UP)
      return true;
  }
  return false;
}
