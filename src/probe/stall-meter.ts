/**
 * The ticker behind a StallLog: a timer every `tickMs` that never keeps the process alive. One per agent;
 * it costs one timer callback every 20 ms. Its clock must be the scheduler's, so a result's start and end
 * are in the same time as the stalls.
 */
import { StallLog, type StallLogOptions } from "./stall-log.js";

export interface StallMeter {
  /** Milliseconds of [from, to] during which this process was stalled. */
  stalledMs(from: number, to: number): number;
  stop(): void;
}

export function startStallMeter(now: () => number, options: Partial<StallLogOptions> = {}): StallMeter {
  const log = new StallLog(options);
  log.tick(now());
  const timer = setInterval(() => log.tick(now()), options.tickMs ?? 20);
  timer.unref();
  return {
    stalledMs: (from, to) => {
      // A stall still going on (this very call is late) counts up to now.
      log.tick(now());
      return log.stalledMs(from, to);
    },
    stop: () => clearInterval(timer),
  };
}
