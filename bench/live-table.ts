/** bench:live's table as text: per chaos kind, the live figures beside the replay's, then the goal lines. Pure. */
import {
  type FaultDelay,
  type GoalVerdict,
  goalVerdict,
  type KindLatency,
  type LatencyTable,
  type Spread,
} from "./live-latency.js";

const s1 = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : "never");
const cells = (x: Spread | null) =>
  x === null ? ["–", "–", "–"] : [s1(x.p50), s1(x.p95), s1(x.max)].map((c) => c.padStart(5));
const gap = (live: Spread | null, replayed: Spread | null) =>
  live === null || replayed === null
    ? "–"
    : `${live.p50 >= replayed.p50 ? "+" : ""}${s1(live.p50 - replayed.p50)}`;

function block(
  title: string,
  live: LatencyTable,
  replayed: LatencyTable | null,
  pick: (k: KindLatency) => Spread | null,
): string[] {
  const out = [
    `${title.padEnd(22)}faults   live p50   p95   max   replay p50   p95   max   live − replay (p50)`,
  ];
  for (const k of live.kinds) {
    const r = replayed?.kinds.find((x) => x.kind === k.kind) ?? null;
    const [lp50, lp95, lmax] = cells(pick(k));
    const [rp50, rp95, rmax] = r ? cells(pick(r)) : ["  n/a", "  n/a", "  n/a"];
    out.push(
      `  ${k.kind.padEnd(20)}${String(k.faults).padStart(6)}   ${lp50!.padStart(8)} ${lp95} ${lmax}   ${rp50!.padStart(10)} ${rp95} ${rmax}   ${r ? gap(pick(k), pick(r)) : "n/a"}`,
    );
  }
  return out;
}

/**
 * The blocks (onset → incident; onset → the start of the round the naming line reports, so without the
 * round's close and printing; end → resolve; seconds) and the wrong and unnamed counts per kind.
 */
export function renderLatency(live: LatencyTable, replayed: LatencyTable | null): string[] {
  const out = [
    ...block("onset → incident (s)", live, replayed, (k) => k.detect),
    ...block("onset → its round (s)", live, replayed, (k) => k.detectRound),
    ...block("end → resolve (s)", live, replayed, (k) => k.resolve),
    `${"lines and faults".padEnd(22)}wrong lines live / replay   faults unnamed live / replay`,
  ];
  for (const k of live.kinds) {
    const r = replayed?.kinds.find((x) => x.kind === k.kind);
    out.push(
      `  ${k.kind.padEnd(20)}${`${k.wrong} / ${r ? r.wrong : "n/a"}`.padStart(13)}   ${`${k.unnamed} / ${r ? r.unnamed : "n/a"}`.padStart(28)}`,
    );
  }
  out.push(
    `  outside any fault   ${`${live.wrongOutside} / ${replayed ? replayed.wrongOutside : "n/a"}`.padStart(13)}`,
  );
  if (live.held > 0) out.push(`  (${live.held} fault(s) still held when the run ended: not measured)`);
  return out;
}

/** One goal line per kind (live figures): "goal region: p95 onset → incident 7.5 s ≤ 7.0 s: missed". */
export function goalLines(live: LatencyTable, delays: readonly FaultDelay[], boundMs: number): GoalVerdict[] {
  return live.kinds.map((k) => goalVerdict(delays, k.kind, boundMs));
}

export function renderGoal(g: GoalVerdict): string {
  return `goal ${g.kind.padEnd(14)} p95 onset → incident ${s1(g.p95Ms).padStart(5)} s, bound ${s1(g.boundMs)} s: ${g.met ? "met" : "missed"}`;
}
