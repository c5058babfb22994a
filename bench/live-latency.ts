/**
 * bench:live's figures: per chaos kind, how long from a fault's onset to the first right incident line naming
 * it and from its end to the last resolve of its incidents (p50, p95, max), the wrong lines, the faults never
 * named, and issue 14's goal (p95 onset-to-incident within two check intervals plus one check timeout). Pure:
 * it takes the judge's verdict (src/demo/live-truth-judge.ts), live or replayed alike.
 */
import type { ChaosKind } from "../src/demo/demo-chaos.js";
import type { LiveTruthVerdict } from "../src/demo/live-truth-judge.js";
import { quantile } from "./live-truth-report.js";

/** The kinds in the order the table lists them. */
export const KIND_ORDER: readonly ChaosKind[] = ["region", "cloud-service", "cdn", "dns", "vantage"];

export interface Spread {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

/** What became of one fault, from the judge's outcome. */
export interface FaultDelay {
  kind: ChaosKind;
  /** Ms from onset to the first right line naming it; null when none did. */
  detectedAfterMs: number | null;
  /** Ms from its end to the last resolve of its incidents; null when it had none. */
  resolvedAfterMs: number | null;
  /**
   * Ms from onset to the start of the round that first right line reports (negative when the fault began
   * inside that round); null when unnamed. Less than `detectedAfterMs` by how long the line took to print.
   */
  namedRoundAfterMs: number | null;
}

export interface KindLatency {
  kind: ChaosKind;
  /** Faults of this kind that ended before the record did (the ones measured). */
  faults: number;
  /** Of those, never named by a right line. */
  unnamed: number;
  /** Onset to incident over the named faults; null when none was named. */
  detect: Spread | null;
  /** End to resolve over the faults whose incidents resolved; null when none did. */
  resolve: Spread | null;
  /** Onset to the start of the round the naming line reports, over the named faults. */
  detectRound: Spread | null;
  /** Wrong incident lines whose incident belongs to a fault of this kind. */
  wrong: number;
}

export interface LatencyTable {
  kinds: KindLatency[];
  /** Wrong lines of incidents no chaos fault explains (opened while none was active). */
  wrongOutside: number;
  /** Faults still held when the record ended: not measured. */
  held: number;
}

/** p50, p95 (nearest rank) and max of `xs`; null when empty. */
export function spread(xs: readonly number[]): Spread | null {
  if (xs.length === 0) return null;
  return { n: xs.length, p50: quantile(xs, 0.5), p95: quantile(xs, 0.95), max: Math.max(...xs) };
}

/** The faults of a verdict that ended before its record did, with their delays. */
export function faultDelays(verdict: LiveTruthVerdict): FaultDelay[] {
  return verdict.chaos.flatMap((c, i) => {
    if (c.span.end === null) return [];
    // The judge's own pick for detectedAfterMs: the first right line of the fault's incidents that names.
    const named = verdict.lines.find((v) => v.cause === i && v.right && v.names);
    return [
      {
        kind: c.span.kind,
        detectedAfterMs: c.detectedAfterMs,
        resolvedAfterMs: c.resolvedAfterMs,
        namedRoundAfterMs: named ? named.line.round - c.span.start : null,
      },
    ];
  });
}

/**
 * The per-kind table of a verdict: every kind of KIND_ORDER that occurs (among all faults, held ones
 * included) gets a row, in that order.
 */
export function latencyByKind(verdict: LiveTruthVerdict): LatencyTable {
  const delays = faultDelays(verdict);
  const present = new Set(verdict.chaos.map((c) => c.span.kind));
  const wrong = new Map<ChaosKind | null, number>();
  for (const v of verdict.lines) {
    if (v.right) continue;
    const kind = v.cause === null ? null : verdict.chaos[v.cause]!.span.kind;
    wrong.set(kind, (wrong.get(kind) ?? 0) + 1);
  }
  const kinds = KIND_ORDER.filter((k) => present.has(k)).map((kind): KindLatency => {
    const own = delays.filter((d) => d.kind === kind);
    const detected = own.flatMap((d) => (d.detectedAfterMs === null ? [] : [d.detectedAfterMs]));
    const resolved = own.flatMap((d) => (d.resolvedAfterMs === null ? [] : [d.resolvedAfterMs]));
    const rounds = own.flatMap((d) => (d.namedRoundAfterMs === null ? [] : [d.namedRoundAfterMs]));
    return {
      kind,
      faults: own.length,
      unnamed: own.length - detected.length,
      detect: spread(detected),
      resolve: spread(resolved),
      detectRound: spread(rounds),
      wrong: wrong.get(kind) ?? 0,
    };
  });
  return { kinds, wrongOutside: wrong.get(null) ?? 0, held: verdict.chaos.length - delays.length };
}

export interface GoalVerdict {
  kind: ChaosKind;
  met: boolean;
  /** p95 onset-to-incident counting an unnamed fault as never detected (Infinity); NaN with no faults. */
  p95Ms: number;
  boundMs: number;
}

/** Issue 14's bound: two check intervals plus one check timeout. */
export function goalBound(intervalMs: number, timeoutMs: number): number {
  return 2 * intervalMs + timeoutMs;
}

/**
 * Whether a kind's p95 onset-to-incident is within `boundMs`. An unnamed fault counts as detected never, so
 * enough of them miss the goal however quick the others were; a kind with no measured fault misses it.
 */
export function goalVerdict(delays: readonly FaultDelay[], kind: ChaosKind, boundMs: number): GoalVerdict {
  const xs = delays.filter((d) => d.kind === kind).map((d) => d.detectedAfterMs ?? Number.POSITIVE_INFINITY);
  const p95Ms = quantile(xs, 0.95);
  return { kind, met: p95Ms <= boundMs, p95Ms, boundMs };
}
