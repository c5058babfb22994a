/**
 * Runs the real demo hub (`epicenter serve` with no config, in-process: the loopback world, real probes from
 * three vantages, the hub, chaos) with a fast chaos plan, and records what a user of the terminal would hold
 * against each other: the chaos lines (what truly failed, when), the incident lines (what the localizer said),
 * and the hub's per-service observed states (what a naive per-service notifier would have alerted on).
 * Shared by test/live-truth.test.ts and bench/live-truth-bench.ts; the judging is src/demo/live-truth-judge.ts.
 */

import { startHubProcess } from "../src/cli/serve-process.js";
import type { ChaosKind } from "../src/demo/demo-chaos.js";
import type { ChaosSpan, IncidentLine } from "../src/demo/live-truth-judge.js";
import type { HubEvent } from "../src/hub/hub-api.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import type { StoredIncident } from "../src/store/store.js";
import type { StateSample } from "./live-truth-baseline.js";

export interface LiveTruthRunOptions {
  dataDir: string;
  /** Chaos faults to wait for (each failed and restored). */
  events: number;
  checkIntervalMs: number;
  roundMs: number;
  firstAfterMs: number;
  durationMs: readonly [number, number];
  gapMs: readonly [number, number];
  seed?: number;
  /** Rounds to wait after the last fault's end for its incidents to resolve (default 5). */
  settleRounds?: number;
  /** Told each chaos and incident line as it is printed (with its wall-clock time). */
  onLine?: (line: string, at: number) => void;
  /** Run the demo's older world (plain HTTP, quick 503s) instead of its real failure modes. */
  simple?: boolean;
  /** The chaos plan's kinds, in turn (default: the plan's, two of each component kind per blind vantage). */
  cycle?: readonly ChaosKind[];
}

export interface LiveTruthRecord {
  chaos: ChaosSpan[];
  lines: IncidentLine[];
  /** Observed components' state changes as the hub saw them. */
  states: StateSample[];
  /** Every terminal line (warnings prefixed), in order. */
  log: string[];
  components: ComponentSpec[];
  vantages: string[];
  roundMs: number;
  /** The checks' longest timeout: how late an observation made during a fault may still arrive. */
  lagMs: number;
  startedAt: number;
  endedAt: number;
}

/**
 * The fast demo both the test and the bench run: checks and rounds every 2 s (10 s in the real demo), faults
 * of 8 to 14 s with quiet gaps of 10 to 14 s (minutes in the real demo): a fault is named within about four
 * rounds and resolved within about five after it ends, so each fits with room to spare.
 */
export const LIVE_TRUTH_TIMING = {
  checkIntervalMs: 2000,
  roundMs: 2000,
  firstAfterMs: 6000,
  durationMs: [8000, 14_000],
  gapMs: [10_000, 14_000],
} as const satisfies Partial<LiveTruthRunOptions>;

/** The hub's grace for late observations (ReplicatedHubOptions.graceMs default): a round closes this after its end. */
const GRACE_MS = 2000;

const FAIL = /chaos: (?:failing (\S+) \(([a-z-]+)\)|blinding (\S+) )/;
const RESTORE = /chaos: (\S+) (?:restored|can see again)/;
const INCIDENT = /incident (\S+) (opened|now|resolved)\b/;

/** Runs the demo until `events` chaos faults have come and gone (plus the settle), then stops it. */
export async function runLiveTruth(options: LiveTruthRunOptions): Promise<LiveTruthRecord> {
  const chaos: ChaosSpan[] = [];
  const lines: IncidentLine[] = [];
  const states: StateSample[] = [];
  const log: string[] = [];
  /** The latest event the hub announced for each incident: the one the next printed line of it is about. */
  const latest = new Map<string, { action: string; incident: StoredIncident }>();
  const seen = new Set<string>();
  let recording = true;
  let restored = 0;
  let lastEnd = 0;
  const roundMs = options.roundMs;

  const onLog = (text: string) => {
    if (!recording) return;
    const at = Date.now();
    log.push(text);
    const fail = FAIL.exec(text);
    const restore = RESTORE.exec(text);
    const incident = INCIDENT.exec(text);
    if (fail) {
      const target = fail[1] ?? fail[3]!;
      chaos.push({ target, kind: (fail[2] ?? "vantage") as ChaosKind, start: at, end: null });
    } else if (restore) {
      const span = chaos.findLast((s) => s.target === restore[1] && s.end === null);
      if (span) {
        span.end = at;
        restored++;
        lastEnd = at;
      }
    } else if (incident) {
      const id = incident[1]!;
      const type = incident[2] === "now" ? "changed" : (incident[2] as "opened" | "resolved");
      const event = latest.get(id);
      if (!event) throw new Error(`incident line without an incident event: ${text}`);
      const inc = event.incident;
      lines.push({
        type,
        at,
        round: lineRound(type, inc, seen.has(id), at, roundMs),
        incident: id,
        epicenter: inc.epicenter[0]?.component ?? null,
        affected: [...inc.affected],
        text,
      });
      seen.add(id);
    } else return;
    options.onLine?.(text, at);
  };

  const running = await startHubProcess({
    dataDir: options.dataDir,
    port: 0,
    host: "127.0.0.1",
    demo: {
      checkIntervalMs: options.checkIntervalMs,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.simple ? { simple: true } : {}),
      plan: {
        firstAfterMs: options.firstAfterMs,
        first: "aws/us-east-1",
        durationMs: options.durationMs,
        gapMs: options.gapMs,
        ...(options.cycle ? { cycle: options.cycle } : {}),
      },
    },
    roundMs,
    log: onLog,
    warn: (l) => {
      if (recording) log.push(`warning: ${l}`);
    },
  });
  const startedAt = Date.now();
  const observed = new Set(
    running.hub
      .components()
      .filter((c) => c.observed)
      .map((c) => c.id),
  );
  const unsubscribe = running.hub.subscribe((event: HubEvent) => {
    if (!recording) return;
    if (event.type === "incident") latest.set(event.incident.id, structuredClone(event));
    else if (event.type === "state") {
      const at = Date.now();
      for (const s of event.states)
        if (observed.has(s.component))
          states.push({ at, component: s.component, failing: s.observed.some((o) => o.status !== "up") });
    }
  });
  const settleMs = (options.settleRounds ?? 5) * roundMs + GRACE_MS;
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      if (restored >= options.events && Date.now() - lastEnd >= settleMs) break;
    }
  } finally {
    recording = false;
    unsubscribe();
  }
  const endedAt = Date.now();
  const components = running.hub.components();
  const vantages = running.hub.vantages();
  const lagMs = Math.max(...running.hub.checks().map((c) => c.timeoutMs));
  await running.stop();
  return { chaos, lines, states, log, components, vantages, roundMs, lagMs, startedAt, endedAt };
}

/**
 * The start of the localizer round a line reports. Exact where the incident holds it (a first opening: its
 * openedAt; a change: its newest history entry; a resolve: resolvedAt); a reopen's from the wall clock: the
 * round that closed last before the line (rounds close `GRACE_MS` after their end, the ticker runs every
 * second).
 */
function lineRound(
  type: IncidentLine["type"],
  inc: StoredIncident,
  reopened: boolean,
  at: number,
  roundMs: number,
): number {
  if (type === "resolved" && inc.resolvedAt !== null) return inc.resolvedAt;
  if (type === "changed" && inc.history.length > 0) return inc.history[inc.history.length - 1]!.at;
  if (type === "opened" && !reopened) return inc.openedAt;
  return (Math.floor((at - GRACE_MS) / roundMs) - 1) * roundMs;
}
