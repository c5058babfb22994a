/**
 * The baseline live truth is measured against: a naive notifier with one alert per failing service, as a
 * per-service uptime monitor sends them. It alerts when any vantage sees the service fail and clears when
 * every vantage sees it up again, from the same observed states the hub held in the same run. Pure.
 */
import type { ChaosSpan } from "../src/demo/live-truth-judge.js";

/** One observed component's state as the hub saw it at `at`: failing when any vantage's latest result is not up. */
export interface StateSample {
  at: number;
  component: string;
  failing: boolean;
}

export interface NaiveAlert {
  component: string;
  openedAt: number;
  /** null when still failing at the end. */
  clearedAt: number | null;
}

/** The alerts the naive notifier sends, in opening order. */
export function naiveAlerts(samples: readonly StateSample[]): NaiveAlert[] {
  const open = new Map<string, NaiveAlert>();
  const out: NaiveAlert[] = [];
  for (const s of samples) {
    const alert = open.get(s.component);
    if (s.failing && !alert) {
      const a: NaiveAlert = { component: s.component, openedAt: s.at, clearedAt: null };
      open.set(s.component, a);
      out.push(a);
    } else if (!s.failing && alert) {
      alert.clearedAt = s.at;
      open.delete(s.component);
    }
  }
  return out;
}

export interface NaiveSummary {
  alerts: number;
  /** Alerts opened while a blind vantage was the fault: the services were fine. */
  duringBlindVantage: number;
  /** Alerts for a service no component fault active then impairs, outside blind vantages. */
  unexplained: number;
  /** Alerts per chaos fault (by index), opened while it was observable. */
  perFault: number[];
}

/**
 * Sorts the naive alerts by the fault active when each opened (observable until `lagMs` after its end);
 * `blast(i)` is what fault i impairs.
 */
export function summarizeNaive(
  alerts: readonly NaiveAlert[],
  chaos: readonly ChaosSpan[],
  blast: (i: number) => ReadonlySet<string>,
  lagMs: number,
): NaiveSummary {
  const perFault = chaos.map(() => 0);
  let duringBlindVantage = 0;
  let unexplained = 0;
  for (const a of alerts) {
    const i = chaos.findIndex(
      (s) => s.start <= a.openedAt && (s.end === null || a.openedAt <= s.end + lagMs),
    );
    if (i < 0) {
      unexplained++;
      continue;
    }
    perFault[i]!++;
    if (chaos[i]!.kind === "vantage") duringBlindVantage++;
    else if (!blast(i).has(a.component)) unexplained++;
  }
  return { alerts: alerts.length, duringBlindVantage, unexplained, perFault };
}
