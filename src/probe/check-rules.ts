/** Rules over a config's checks together (ids, timeouts, vantages, status page mappings); pure. */
import { closestId } from "../model/ids.js";
import type { Check } from "./check-types.js";

/** A problem found across checks, with its path under the check (`["timeout"]`) and which check. */
export interface CheckProblem {
  check: number;
  path: (string | number)[];
  message: string;
}

/**
 * Rules that need more than one check or the model: unique ids, timeouts within intervals, known
 * components in status page mappings, known vantages. `checks[i]` is judged as the i-th normalised check.
 */
export function checkChecks(
  checks: Check[],
  components: ReadonlySet<string>,
  vantages: string[],
): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const seen = new Map<string, number>();
  checks.forEach((check, i) => {
    const first = seen.get(check.id);
    if (first !== undefined)
      problems.push({
        check: i,
        path: ["id"],
        message: `duplicate check id "${check.id}" (also check ${first + 1})`,
      });
    seen.set(check.id, i);
    if (check.timeoutMs > check.intervalMs)
      problems.push({
        check: i,
        path: ["timeout"],
        message: `timeout ${check.timeoutMs}ms is longer than the interval ${check.intervalMs}ms`,
      });
    check.vantages.forEach((v, j) => {
      if (vantages.includes(v)) return;
      const hint = closestId(v, vantages);
      problems.push({
        check: i,
        path: ["vantages", j],
        message: `unknown vantage "${v}"${hint ? `; did you mean "${hint}"?` : ` (declare it under vantages:)`}`,
      });
    });
    if (check.type === "statuspage")
      for (const [vendor, ours] of Object.entries(check.components)) {
        if (components.has(ours)) continue;
        const hint = closestId(ours, components);
        problems.push({
          check: i,
          path: ["components", vendor],
          message: `unknown component "${ours}"${hint ? `; did you mean "${hint}"?` : ""}`,
        });
      }
  });
  return problems;
}
