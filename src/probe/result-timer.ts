/** Times one check run and turns its outcome into a CheckResult with total latency filled in. */
import type { ErrorClass, Phases } from "../model/observation.js";
import type { CheckResult } from "./check-types.js";

export interface ResultTimer {
  /** Phases found so far; runners add dns/connect/tls/firstByte as they happen. */
  phases: Phases;
  /** The result, with `total` and `latencyMs` the time since the timer started. */
  done(status: CheckResult["status"], errorClass: ErrorClass | null, message?: string): CheckResult;
}

export function startTimer(): ResultTimer {
  const started = performance.now();
  const phases: Phases = { total: 0 };
  return {
    phases,
    done(status, errorClass, message) {
      phases.total = performance.now() - started;
      const result: CheckResult = { status, errorClass, latencyMs: phases.total, phases };
      if (message) result.message = message;
      return result;
    },
  };
}
