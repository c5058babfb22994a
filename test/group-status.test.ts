/** group-status.ts: a group's state from its members' by its rule, and the properties the pages rely on. */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { GroupRule } from "../src/model/group-rule.js";
import { groupOf, ruleOf } from "../src/model/group-rule.js";
import { groupStatus } from "../src/server/group-status.js";
import { type ServiceStatus, STATUS_ORDER } from "../src/server/service-status.js";

const statuses: ServiceStatus[] = ["up", "degraded", "partial", "down", "unknown"];
const status = fc.constantFrom(...statuses);
const members = fc.array(status, { minLength: 1, maxLength: 12 });
const rule = (n: number): fc.Arbitrary<GroupRule> =>
  fc.oneof(
    fc.constant<GroupRule>({ rule: "any" }),
    fc.constant<GroupRule>({ rule: "all" }),
    fc.integer({ min: 1, max: n }).map((k): GroupRule => ({ rule: "atLeast", k })),
  );
const groupCase = members.chain((m) => fc.tuple(fc.constant(m), rule(m.length)));
/** True when a is at least as bad as b (STATUS_ORDER: lower is worse). */
const noBetter = (a: ServiceStatus, b: ServiceStatus) => STATUS_ORDER[a] <= STATUS_ORDER[b];

describe("groupStatus", () => {
  it("follows the rule for when the group counts as down", () => {
    const pair: ServiceStatus[] = ["down", "up"];
    expect(groupStatus({ rule: "any" }, pair)).toBe("down");
    expect(groupStatus({ rule: "all" }, pair)).toBe("partial");
    expect(groupStatus({ rule: "all" }, ["down", "down"])).toBe("down");
    expect(groupStatus({ rule: "atLeast", k: 2 }, ["down", "up", "down"])).toBe("down");
    expect(groupStatus({ rule: "atLeast", k: 2 }, ["down", "up", "degraded"])).toBe("partial");
    expect(groupStatus({ rule: "all" }, ["degraded", "up"])).toBe("degraded");
    expect(groupStatus({ rule: "any" }, ["unknown", "up"])).toBe("up");
    expect(groupStatus({ rule: "any" }, ["unknown", "unknown"])).toBe("unknown");
    expect(groupStatus({ rule: "any" }, [])).toBe("unknown");
  });

  test.prop([groupCase, fc.nat(), status])(
    "is monotone: worsening one member never makes the group better",
    ([m, r], at, worse) => {
      const i = at % m.length;
      fc.pre(noBetter(worse, m[i]!));
      const next = m.with(i, worse);
      expect(noBetter(groupStatus(r, next), groupStatus(r, m))).toBe(true);
    },
  );

  test.prop([groupCase, fc.nat()])("does not depend on the members' order", ([m, r], seed) => {
    const shuffled = [...m].sort(
      (a, b) => ((a.charCodeAt(0) * 31 + seed) % 7) - ((b.charCodeAt(0) * 31 + seed) % 7),
    );
    expect(groupStatus(r, shuffled)).toBe(groupStatus(r, m));
  });

  test.prop([groupCase])("any is the strictest rule and all the most lenient", ([m, r]) => {
    expect(noBetter(groupStatus({ rule: "any" }, m), groupStatus(r, m))).toBe(true);
    expect(noBetter(groupStatus(r, m), groupStatus({ rule: "all" }, m))).toBe(true);
    expect(groupStatus({ rule: "atLeast", k: 1 }, m)).toBe(groupStatus({ rule: "any" }, m));
    expect(groupStatus({ rule: "atLeast", k: m.length }, m)).toBe(groupStatus({ rule: "all" }, m));
  });

  test.prop([groupCase])(
    "is down exactly when enough members are, and up only when none is worse than unknown",
    ([m, r]) => {
      const down = m.filter((s) => s === "down").length;
      const need = r.rule === "any" ? 1 : r.rule === "all" ? m.length : r.k;
      expect(groupStatus(r, m) === "down").toBe(down >= need);
      if (groupStatus(r, m) === "up") expect(m.every((s) => s === "up" || s === "unknown")).toBe(true);
      // Never better than its best member, never worse than its worst.
      const order = [...m].sort((a, b) => STATUS_ORDER[a] - STATUS_ORDER[b]);
      expect(noBetter(order[0]!, groupStatus(r, m))).toBe(true);
      expect(noBetter(groupStatus(r, m), order.at(-1)!)).toBe(true);
    },
  );
});

describe("groupOf and ruleOf", () => {
  it("takes the component's group, else the first segment of its id; a group not named follows any", () => {
    expect(groupOf({ id: "aws/us-east-1/s3" })).toBe("aws");
    expect(groupOf({ id: "aws/us-east-1/s3", group: "Storage" })).toBe("Storage");
    expect(ruleOf({ Storage: { rule: "all" } }, "Storage")).toEqual({ rule: "all" });
    expect(ruleOf({ Storage: { rule: "all" } }, "toString")).toEqual({ rule: "any" });
  });
});
