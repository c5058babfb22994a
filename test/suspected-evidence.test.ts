import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { SuspectedDependencies } from "../src/localize/suspected-dependencies.js";
import { mergeEvidence, pairsFromEvidence } from "../src/localize/suspected-evidence.js";

/** A pair with its incidents in a fixed order (the two sides order them differently: by commit, by time). */
const normalized = (pairs: ReturnType<typeof pairsFromEvidence>) =>
  pairs.map((p) => ({ ...p, incidents: [...p.incidents].sort() }));

const step = fc.oneof(
  fc.record({
    kind: fc.constant("seen" as const),
    incident: fc.constantFrom("inc-1", "inc-2"),
    cause: fc.constantFrom("aws", "cdn"),
    members: fc.subarray(["a", "cdn"]),
  }),
  fc.record({
    kind: fc.constant("causeSeen" as const),
    incident: fc.constantFrom("inc-1", "inc-2"),
    cause: fc.constantFrom("aws", "cdn"),
  }),
  fc.record({ kind: fc.constant("resolved" as const), incident: fc.constantFrom("inc-1", "inc-2") }),
);

describe("suspected evidence", () => {
  test.prop([fc.array(step, { maxLength: 40 })], { numRuns: 3000 })(
    "sums into exactly the pairs SuspectedDependencies lists",
    (steps) => {
      const s = new SuspectedDependencies(3);
      steps.forEach((st, i) => {
        if (st.kind === "seen") s.seen(st.incident, st.cause, st.members, i * 10, i);
        else if (st.kind === "causeSeen") s.causeSeen(st.incident, st.cause, i);
        else s.resolved(st.incident);
      });
      expect(normalized(pairsFromEvidence(s.evidence()))).toEqual(normalized(s.list()));
    },
  );

  it("keeps the first resolution's word on recovery for an incident reopened and resolved again", () => {
    const s = new SuspectedDependencies(3);
    s.seen("inc-1", "aws", ["x"], 0, 0);
    s.resolved("inc-1");
    s.seen("inc-1", "aws", ["x"], 10, 1);
    s.causeSeen("inc-1", "aws", 10);
    s.resolved("inc-1");
    expect(pairsFromEvidence(s.evidence())).toEqual(s.list());
    expect(s.list()[0]?.recoveries).toBe(1);
  });

  it("counts an incident told by two runs once, resolved by the later one", () => {
    const open = {
      component: "x",
      cause: "aws",
      incident: "S",
      firstSeen: 100,
      lastSeen: 200,
      recovered: null,
    };
    const later = { ...open, firstSeen: 150, lastSeen: 400, recovered: true };
    expect(mergeEvidence(open, later)).toEqual({ ...open, firstSeen: 100, lastSeen: 400, recovered: true });
    expect(mergeEvidence(later, open).recovered).toBe(true);
    expect(mergeEvidence(later, { ...later, recovered: false }).recovered).toBe(true);
    const [pair] = pairsFromEvidence([open, later, { ...open, incident: "T", firstSeen: 50 }]);
    expect(pair).toMatchObject({ incidents: ["T", "S"], onsets: 2, recoveries: 1, score: 0.875 });
    expect([pair?.firstSeen, pair?.lastSeen]).toEqual([50, 400]);
  });
});
