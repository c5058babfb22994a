/**
 * Runs one check now: the single entry point the agent, the scheduler and `epicenter check` call. Never
 * throws; every failure, a refused target included, becomes a result with an error class.
 */
import type { Check, CheckResult } from "./check-types.js";
import { runDnsCheck } from "./dns-check.js";
import { runHttpCheck } from "./http-check.js";
import type { ProbeContext } from "./probe-context.js";
import { classifyError } from "./probe-errors.js";
import { runStatuspageCheck } from "./statuspage-check.js";
import { runTcpCheck } from "./tcp-check.js";
import { runTlsCheck } from "./tls-check.js";

/**
 * Runs `check` once, bounded by its own timeout and by `ctx.signal`, whichever comes first. Heartbeat
 * checks are not run here (the hub judges them with `heartbeatStatus`); asking yields a `protocol` result.
 */
export async function runCheck(check: Check, ctx: ProbeContext): Promise<CheckResult> {
  const started = performance.now();
  const inner: ProbeContext = ctx.timeoutInSignal
    ? ctx
    : { ...ctx, signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(check.timeoutMs)]) };
  try {
    switch (check.type) {
      case "http":
        return await runHttpCheck(check, inner);
      case "tcp":
        return await runTcpCheck(check, inner);
      case "dns":
        return await runDnsCheck(check, inner);
      case "tls":
        return await runTlsCheck(check, inner);
      case "statuspage":
        return await runStatuspageCheck(check, inner);
      case "heartbeat":
        return failure(
          started,
          "protocol",
          "heartbeat checks are judged by the hub (heartbeatStatus), not run",
        );
    }
  } catch (error) {
    // Runners classify their own failures; this is the net under them.
    const { errorClass, message } = classifyError(error, "exchange");
    return failure(started, errorClass, message);
  }
}

function failure(started: number, errorClass: CheckResult["errorClass"], message: string): CheckResult {
  const total = performance.now() - started;
  return { status: "down", errorClass, latencyMs: total, phases: { total }, message };
}
