/**
 * Whether a reloaded config may replace the running one. An editor that saves by truncating and rewriting
 * (not write-and-rename) lets the watch read an empty or half-written file; that file is often valid YAML
 * with nothing in it, and taking it would silently stop all monitoring. So a reload that loses every check,
 * or every component of the user's own, is refused unless the file says `allowEmpty: true`. Pure: the serve
 * process asks before it reloads.
 */
import type { Config } from "./config-load.js";

/** Why `next` should not replace `running`, or null when it may. */
export function reloadRefusal(running: Config, next: Config): string | null {
  if (next.allowEmpty) return null;
  const lost: string[] = [];
  if (running.checks.length > 0 && next.checks.length === 0)
    lost.push(`no checks (the running config has ${running.checks.length})`);
  if (running.userComponents > 0 && next.userComponents === 0)
    lost.push(`no components (the running config has ${running.userComponents})`);
  if (lost.length === 0) return null;
  return `${next.file}: it has ${lost.join(" and ")}; an empty or half-saved file? Add "allowEmpty: true" to the file if that is meant`;
}
