/**
 * Statuspage's top-level `status` ({indicator, description}) from the page's component statuses, derived as
 * the real pages derive it. Pure: the summary and status.json routes use it, and a test applies it to every
 * captured Cloudflare and GitHub snapshot (../shared/data/real/statuspage) and finds the page's own answer.
 *
 * The rule, read off the 51 captures (Cloudflare 2022-06-21, 2025-11-18 and a quiet day; GitHub 2026-08-17):
 * - the indicator follows the components, never the incidents' impact: GitHub 13:48 has a `critical`
 *   incident over four `degraded_performance` components and says minor; Cloudflare 2025-11-18 15:24 says
 *   minor while its critical incident is still open;
 * - any component in `major_outage` gives `major`, "Partial System Outage" (GitHub 15:03 with 5 of 12,
 *   Cloudflare with 1 of 453);
 * - otherwise any `partial_outage` or `under_maintenance` gives `minor`, "Minor Service Outage" (Cloudflare
 *   every day: ~30 re-routed PoPs in partial_outage), and only `degraded_performance` gives `minor`,
 *   "Partially Degraded Service" (GitHub 13:48);
 * - all operational gives `none`, "All Systems Operational" (GitHub 13:01, 21:42).
 * No capture is `critical`; Statuspage's client documentation names "Major Service Outage" for it, and we
 * give it only when every component is in major_outage (an assumption the captures cannot refute), so a
 * page with most but not all services down still reads `major` as GitHub's did.
 */

export type ComponentStatusWord =
  | "operational"
  | "degraded_performance"
  | "partial_outage"
  | "major_outage"
  | "under_maintenance";

export type Indicator = "none" | "minor" | "major" | "critical";

export interface PageStatus {
  indicator: Indicator;
  description: string;
}

/** The page's status from its (leaf) components' statuses; a group's status is its worst child's, so it adds nothing. */
export function pageStatus(statuses: readonly string[]): PageStatus {
  const any = (s: ComponentStatusWord) => statuses.includes(s);
  if (statuses.length > 0 && statuses.every((s) => s === "major_outage"))
    return { indicator: "critical", description: "Major Service Outage" };
  if (any("major_outage")) return { indicator: "major", description: "Partial System Outage" };
  if (any("partial_outage") || any("under_maintenance"))
    return { indicator: "minor", description: "Minor Service Outage" };
  if (any("degraded_performance")) return { indicator: "minor", description: "Partially Degraded Service" };
  return { indicator: "none", description: "All Systems Operational" };
}
