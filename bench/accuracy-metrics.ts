/**
 * What the accuracy bench measures of one replay, beyond the judge's verdict:
 *
 * - top-1: per expected incident, whether the incident that detected it (the judge's) showed, in its first
 *   history entry at or after the fault start, a top-ranked component (the list's first) in the accepted
 *   set: was the first answer right, not only some later one. Undetected expected incidents count as wrong.
 * - detection delay: seconds from the fault start to the judge's detection, for detected expected incidents
 *   (late ones included).
 * - Brier score: over every history entry of every incident, (confidence of the top-ranked component −
 *   1 if that component was right at the entry's time, else 0)², "right" as the judge defines it.
 *
 * `isRightAt` copies the judge's unexported rule (src/replay/judge.ts, isRightDuring), so the bench scores
 * confidences exactly as the judge scores answers.
 */
import { UP } from "../src/model/propagate.js";
import { firstPlace, type Verdict } from "../src/replay/judge.js";
import type { ReplayOutput } from "../src/replay/replay.js";
import type { ExpectedIncident, Fault, Scenario } from "../src/simulate/scenario-types.js";
import type { Truth } from "../src/simulate/truth.js";

/** One expected incident, described for grouping failures by kind of fault. */
export interface ExpectationDetail {
  epicenter: string;
  kind: string;
  state: string;
  impact: number;
  /** Size of the accepted set (epicenter included). */
  accepted: number;
  counts: boolean;
  reason: string;
}

/** A false incident, described for grouping failures. */
export interface FalseDetail {
  id: string;
  /** First place of its first entry (empty when more than 3 tied). */
  firstPlace: string[];
  /** How many components tied for first in its first entry. */
  tied: number;
  affected: number;
  /** Its one affected component is impaired only through edges the model is not told (hidden). */
  unexplained: boolean;
}

export interface ReplayMetrics {
  passed: boolean;
  falseDetails: FalseDetail[];
  expectations: ExpectationDetail[];
  reasons: string[];
  expected: number;
  detected: number;
  top1: number;
  delays: number[];
  incidents: number;
  falseIncidents: number;
  brierSum: number;
  brierCount: number;
}

interface Match {
  expectation: ExpectedIncident;
  fault: Fault | undefined;
}

export function measure(
  scenario: Scenario,
  truth: Truth,
  output: ReplayOutput,
  verdict: Verdict,
): ReplayMetrics {
  const matches = matchFaults(scenario);
  const byId = new Map(output.incidents.map((i) => [i.id, i]));
  let top1 = 0;
  const delays: number[] = [];
  verdict.expected.forEach((r, i) => {
    const { expectation, fault } = matches[i]!;
    if (!fault || r.detectedAt === null || r.incident === null) return;
    delays.push(r.detectedAt - fault.at);
    const first = byId.get(r.incident)?.history.find((h) => h.at >= fault.at);
    const top = first?.epicenter[0]?.component;
    if (top !== undefined && (top === expectation.epicenter || expectation.accept.includes(top))) top1++;
  });
  let brierSum = 0;
  let brierCount = 0;
  for (const inc of output.incidents)
    for (const h of inc.history) {
      const top = h.epicenter[0];
      if (!top) continue;
      const right = isRightAt(scenario, truth, matches, top.component, h.at) ? 1 : 0;
      brierSum += (top.confidence - right) ** 2;
      brierCount++;
    }
  const kinds = new Map(scenario.model.components.map((c) => [c.id, c.kind]));
  const expectations = verdict.expected.map((r, i) => {
    const { expectation, fault } = matches[i]!;
    return {
      epicenter: r.epicenter,
      kind: kinds.get(r.epicenter) ?? "vantage",
      state: fault?.state ?? "down",
      impact: fault?.impact ?? 1,
      accepted: 1 + expectation.accept.length,
      counts: r.counts,
      reason: r.reason,
    };
  });
  const falseDetails = verdict.incidents
    .filter((i) => i.false)
    .map((i) => {
      const inc = byId.get(i.id)!;
      const entry = inc.history[0]?.epicenter ?? [];
      const top = Math.max(...entry.map((e) => e.confidence));
      const only = inc.affected.length === 1 ? inc.affected[0]! : undefined;
      return {
        id: i.id,
        firstPlace: firstPlace(entry),
        tied: entry.filter((e) => e.confidence === top).length,
        affected: inc.affected.length,
        unexplained: only !== undefined && isUnexplained(truth, only, inc.openedAt),
      };
    });
  return {
    passed: verdict.passed,
    falseDetails,
    expectations,
    reasons: verdict.reasons,
    expected: matches.length,
    detected: delays.length,
    top1,
    delays,
    incidents: output.incidents.length,
    falseIncidents: verdict.incidents.filter((i) => i.false).length,
    brierSum,
    brierCount,
  };
}

/** The n-th expected incident naming E matches the n-th fault on E (as the judge does). */
function matchFaults(scenario: Scenario): Match[] {
  const used = new Map<string, number>();
  return scenario.expect.incidents.map((e) => {
    const n = used.get(e.epicenter) ?? 0;
    used.set(e.epicenter, n + 1);
    return { expectation: e, fault: scenario.faults.filter((f) => f.id === e.epicenter)[n] };
  });
}

/** Copied from judge.ts isRightDuring, for one component. */
function isRightAt(scenario: Scenario, truth: Truth, matches: Match[], c: string, t: number): boolean {
  if (scenario.faults.some((f) => f.at <= t && t < f.end && f.id === c)) return true;
  if (matches.some((m) => m.fault && m.fault.at <= t && t < m.fault.end && m.expectation.accept.includes(c)))
    return true;
  return isUnexplained(truth, c, t);
}

function isUnexplained(truth: Truth, c: string, t: number): boolean {
  const seg = truth.at(t);
  const i = truth.world.index.get(c);
  return i !== undefined && seg.status[i] !== UP && seg.known[truth.knownGraph.index.get(c)!] === UP;
}
