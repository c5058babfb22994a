/**
 * Heartbeat checks, judged by the hub: the monitored job calls its secret URL on every run, and a beat
 * missing for longer than the interval plus the grace is `down` (error class `missed`). Pure.
 */
import type { CheckResult, HeartbeatCheck } from "./check-types.js";

/**
 * The status of `check` at `now` (epoch ms), given its last beat (null: none yet) and when watching began
 * (the hub's start or the check's creation: a job gets one full interval plus grace to send its first beat).
 * `latencyMs` is the age of the last beat (or of the watch when none came).
 */
export function heartbeatStatus(
  check: Pick<HeartbeatCheck, "intervalMs" | "graceMs">,
  lastBeatAt: number | null,
  startedAt: number,
  now: number,
): CheckResult {
  const since = lastBeatAt ?? startedAt;
  const age = Math.max(0, now - since);
  const allowed = check.intervalMs + check.graceMs;
  const phases = { total: age };
  if (age <= allowed) {
    const message =
      lastBeatAt === null ? "waiting for the first beat" : `last beat ${Math.round(age / 1000)}s ago`;
    return { status: "up", errorClass: null, latencyMs: age, phases, message };
  }
  const message =
    lastBeatAt === null
      ? `no beat since watching began ${Math.round(age / 1000)}s ago (allowed ${Math.round(allowed / 1000)}s)`
      : `last beat ${Math.round(age / 1000)}s ago, over ${Math.round(allowed / 1000)}s (interval + grace)`;
  return { status: "down", errorClass: "missed", latencyMs: age, phases, message };
}
