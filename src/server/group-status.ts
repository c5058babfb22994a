/**
 * A group's state from its members' (service-status.ts), by the group's rule. The Now page, the status page
 * and summary.json all read it from here. Precisely, with n members of which d are down and t the rule's
 * threshold (any: 1, all: n, atLeast: k):
 *   down      when n > 0 and d >= t;
 *   partial   otherwise, when any member is down or partial (some of the group is out, not enough to count);
 *   degraded  otherwise, when any member is degraded;
 *   unknown   when every member is unknown (or there are none);
 *   up        otherwise.
 * So the rule only decides when the group counts as down: a group is never shown up while a member is not
 * (a redundant pair with one half down is a partial outage, not "up"). Worsening a member never makes the
 * group better (test/group-status.test.ts).
 */
import { type GroupRule, groupOf, ruleOf } from "../model/group-rule.js";
import type { ServiceStatus } from "./service-status.js";

/** How many members must be down for the group to be down. */
export function downThreshold(rule: GroupRule, members: number): number {
  if (rule.rule === "any") return 1;
  if (rule.rule === "all") return members;
  return rule.k;
}

export function groupStatus(rule: GroupRule, members: readonly ServiceStatus[]): ServiceStatus {
  if (members.length === 0 || members.every((s) => s === "unknown")) return "unknown";
  const down = members.filter((s) => s === "down").length;
  if (down >= Math.max(1, downThreshold(rule, members.length))) return "down";
  if (down > 0 || members.includes("partial")) return "partial";
  if (members.includes("degraded")) return "degraded";
  return "up";
}

export interface ServiceGroup {
  name: string;
  rule: GroupRule;
  status: ServiceStatus;
  /** Member ids, in the order given. */
  members: string[];
}

/** The groups these services fall in, each with its state by its rule, in the order their first member comes. */
export function serviceGroups(
  list: readonly { spec: { id: string; group?: string }; status: ServiceStatus }[],
  rules: Readonly<Record<string, GroupRule>>,
): ServiceGroup[] {
  const byGroup = new Map<string, { ids: string[]; statuses: ServiceStatus[] }>();
  for (const s of list) {
    const name = groupOf(s.spec);
    const g = byGroup.get(name) ?? { ids: [], statuses: [] };
    byGroup.set(name, g);
    g.ids.push(s.spec.id);
    g.statuses.push(s.status);
  }
  return [...byGroup].map(([name, g]) => {
    const rule = ruleOf(rules, name);
    return { name, rule, status: groupStatus(rule, g.statuses), members: g.ids };
  });
}
