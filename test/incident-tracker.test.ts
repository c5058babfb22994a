import { describe, expect, it } from "vitest";
import { type Cause, IncidentTracker } from "../src/localize/incident-tracker.js";

const cause = (top: string, affected: string[], confidence = 0.9): Cause => ({
  ranked: [{ component: top, confidence }],
  affected,
  vantage: false,
});

describe("incident tracker", () => {
  it("opens only after a cause persists, and resolves after it has been gone a while", () => {
    const t = new IncidentTracker({ openAfter: 2, resolveAfter: 3 });
    const net = cause("net", ["a", "b"]);
    expect(t.observe(0, [net])).toEqual([]);
    expect(t.observe(30, [net]).map((e) => e.type)).toEqual(["opened"]);
    expect(t.incidents[0]).toMatchObject({ openedAt: 30, resolvedAt: null, affected: ["a", "b"] });
    t.observe(60, []);
    t.observe(90, []);
    expect(t.observe(120, []).map((e) => e.type)).toEqual(["resolved"]);
    expect(t.incidents[0]?.resolvedAt).toBe(120);
  });

  it("never opens for a single flaky round", () => {
    const t = new IncidentTracker();
    for (let i = 0; i < 20; i++) t.observe(i * 30, i % 2 === 0 ? [cause("x", ["x"])] : []);
    expect(t.incidents).toEqual([]);
  });

  it("keeps one incident through a flapping cause (hysteresis and reopening)", () => {
    const t = new IncidentTracker({ resolveAfter: 3, reopenWithin: 6 });
    const c = cause("cdn", ["a", "b", "c"]);
    const pattern = [1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1];
    for (const [i, on] of pattern.entries()) t.observe(i * 30, on ? [c] : []);
    expect(t.incidents).toHaveLength(1);
    expect(t.incidents[0]?.resolvedAt).toBeNull();
  });

  it("records a history entry when the ranking changes, not for jitter", () => {
    const t = new IncidentTracker();
    t.observe(0, [cause("a/x", ["s1", "s2"], 0.6)]);
    t.observe(30, [cause("a/x", ["s1", "s2"], 0.6)]);
    t.observe(60, [cause("a/x", ["s1", "s2"], 0.62)]);
    t.observe(90, [
      {
        ranked: [
          { component: "a", confidence: 0.9 },
          { component: "a/x", confidence: 0.1 },
        ],
        affected: ["s1", "s2", "s3"],
        vantage: false,
      },
    ]);
    const inc = t.incidents[0]!;
    expect(inc.history.map((h) => [h.at, h.epicenter[0]?.component])).toEqual([
      [30, "a/x"],
      [90, "a"],
    ]);
    expect(inc.affected).toEqual(["s1", "s2", "s3"]);
  });

  it("with changeAfter 2, a new first place for one evaluation (a half-rechecked recovery) renames nothing", () => {
    const t = new IncidentTracker({ changeAfter: 2 });
    const region = cause("aws/us-east-1", ["s1", "s2", "s3", "s4"]);
    const narrower = cause("aws/us-east-1/cognito", ["s1", "s2"]);
    t.observe(0, [region]);
    t.observe(10, [region]);
    expect(t.observe(20, [narrower])).toEqual([]);
    expect(t.incidents[0]?.epicenter[0]?.component).toBe("aws/us-east-1");
    t.observe(30, []);
    t.observe(40, []);
    expect(t.observe(50, []).map((e) => e.type)).toEqual(["resolved"]);
    expect(t.incidents[0]?.history.map((h) => h.epicenter[0]?.component)).toEqual(["aws/us-east-1"]);

    // A new first place that holds is taken on its second evaluation.
    const u = new IncidentTracker({ changeAfter: 2 });
    u.observe(0, [region]);
    u.observe(10, [region]);
    expect(u.observe(20, [narrower])).toEqual([]);
    expect(u.observe(30, [narrower]).map((e) => [e.type, e.incident.epicenter[0]?.component])).toEqual([
      ["changed", "aws/us-east-1/cognito"],
    ]);
  });

  it("with tailAfter, a narrower name that comes as the incident shrinks waits longer than one that comes with new failures", () => {
    const region = cause("aws/eu-west-1", ["s1", "s2", "s3", "s4"]);
    // The region recovers; the checks of s1 and s2 started before it did and report their timeouts late.
    const tail = cause("aws/eu-west-1/ec2", ["s1", "s2"]);
    const t = new IncidentTracker({ changeAfter: 2, tailAfter: 4 });
    t.observe(0, [region]);
    t.observe(10, [region]);
    for (const at of [20, 30, 40]) expect(t.observe(at, [tail])).toEqual([]);
    expect(t.incidents[0]?.epicenter[0]?.component).toBe("aws/eu-west-1");
    // A tail that outlasts any late check is a cause of its own that stayed: taken on the fourth evaluation.
    expect(t.observe(50, [tail]).map((e) => e.incident.epicenter[0]?.component)).toEqual([
      "aws/eu-west-1/ec2",
    ]);

    // Without the shrink (the narrower cause holds a member the incident did not), changeAfter applies.
    const u = new IncidentTracker({ changeAfter: 2, tailAfter: 4 });
    u.observe(0, [region]);
    u.observe(10, [region]);
    const other = cause("aws/eu-west-1/ec2", ["s1", "s2", "s5"]);
    expect(u.observe(20, [other])).toEqual([]);
    expect(u.observe(30, [other]).map((e) => e.incident.epicenter[0]?.component)).toEqual([
      "aws/eu-west-1/ec2",
    ]);

    // The default (replays) renames a shrinking incident at once, as before.
    const r = new IncidentTracker();
    r.observe(0, [region]);
    r.observe(10, [region]);
    expect(r.observe(20, [tail]).map((e) => e.incident.epicenter[0]?.component)).toEqual([
      "aws/eu-west-1/ec2",
    ]);
  });

  it("with tailAfter, what is left failing of a recovering incident stays in it instead of opening incidents", () => {
    const region = cause("aws/us-east-1", ["s1", "s2", "s3", "s4", "s5"]);
    // After the region recovers, two of its services are still believed down for a few rounds (their checks
    // answered late), each explained on its own.
    const stragglers = [cause("aws/us-east-1/ec2", ["s1"]), cause("aws/us-east-1/dynamodb", ["s3"])];
    const run = (t: IncidentTracker) => {
      const events: string[] = [];
      const log = (es: ReturnType<IncidentTracker["observe"]>) =>
        events.push(...es.map((e) => `${e.type} ${e.incident.epicenter[0]?.component}`));
      log(t.observe(0, [region]));
      log(t.observe(10, [region]));
      for (const at of [20, 30, 40]) log(t.observe(at, stragglers));
      for (const at of [50, 60, 70]) log(t.observe(at, []));
      return events;
    };
    expect(run(new IncidentTracker({ changeAfter: 2, tailAfter: 4 }))).toEqual([
      "opened aws/us-east-1",
      "resolved aws/us-east-1",
    ]);
    // Replays (tailAfter 1): a cause still there after the rest recovered is a fault of its own.
    expect(run(new IncidentTracker())).toEqual([
      "opened aws/us-east-1",
      "opened aws/us-east-1/ec2",
      "opened aws/us-east-1/dynamodb",
      "resolved aws/us-east-1",
      "resolved aws/us-east-1/ec2",
      "resolved aws/us-east-1/dynamodb",
    ]);
  });

  it("absorbs a lone self-blaming component that fails together with a larger cause", () => {
    const t = new IncidentTracker({ coOnset: 2 });
    const big = cause("net", ["a", "b", "c"]);
    const lone = cause("z", ["z"]);
    t.observe(0, [big, lone]);
    t.observe(30, [big, lone]);
    t.observe(60, [big, lone]);
    expect(t.incidents).toHaveLength(1);
    expect(t.incidents[0]?.affected).toEqual(["a", "b", "c", "z"]);
    expect(t.incidents[0]?.epicenter[0]?.component).toBe("net");
  });

  it("still opens a separate incident for a lone failure that starts later", () => {
    const t = new IncidentTracker({ coOnset: 2 });
    const big = cause("net", ["a", "b", "c"]);
    const lone = cause("z", ["z"]);
    for (let i = 0; i < 10; i++) t.observe(i * 30, i < 6 ? [big] : [big, lone]);
    expect(t.incidents.map((i) => i.epicenter[0]?.component)).toEqual(["net", "z"]);
  });
});

describe("incident tracker: handovers and reopening", () => {
  it("resolves an incident whose cause ended instead of renaming it after a new cause that touches what it affected", () => {
    const t = new IncidentTracker();
    const first = cause("cdn", ["a", "b", "c"]);
    // The second cause starts two rounds after the first is gone and happens to affect "a" and "b" too.
    const second = cause("dns", ["a", "b", "x", "y", "z", "w"]);
    const rounds = [[first], [first], [first], [], [], [second], [second], [second], [second]];
    for (const [i, causes] of rounds.entries()) t.observe(i * 30, causes);
    expect(t.incidents.map((i) => i.history.map((h) => h.epicenter[0]?.component))).toEqual([
      ["cdn"],
      ["dns"],
    ]);
    expect(t.incidents[0]?.resolvedAt).not.toBeNull();
    expect(t.incidents[1]?.affected).toEqual(["a", "b", "w", "x", "y", "z"]);
  });

  it("is not renamed after a lone component still failing for another reason as its cause ends", () => {
    const t = new IncidentTracker();
    const region = cause("region", ["a", "b", "c", "d", "e", "f"]);
    const lone = cause("d", ["d"]);
    for (const [i, causes] of [[region], [region], [region], [lone], [lone], [lone], [lone]].entries())
      t.observe(i * 30, causes);
    expect(t.incidents.map((i) => i.history.map((h) => h.epicenter[0]?.component))).toEqual([
      ["region"],
      ["d"],
    ]);
    expect(t.incidents[0]?.resolvedAt).not.toBeNull();
  });

  it("keeps an incident for its own cause when a new, larger cause overlapping its failures comes first", () => {
    const t = new IncidentTracker();
    const storage = cause("storage", ["a", "b", "c", "d"]);
    const dns = cause("dns", ["a", "b", "c", "x", "y", "z"]);
    for (const [i, causes] of [[storage], [storage], [dns, storage], [dns, storage], [dns]].entries())
      t.observe(i * 30, causes);
    expect(t.incidents.map((i) => i.history.map((h) => h.epicenter[0]?.component))).toEqual([
      ["storage"],
      ["dns"],
    ]);
  });

  it("follows a better explanation of the same failures while its cause is there", () => {
    const t = new IncidentTracker();
    const narrow = cause("svc", ["a", "b"]);
    const wide = cause("region", ["a", "b", "c", "d"]);
    for (const [i, causes] of [[narrow], [narrow], [wide], [wide]].entries()) t.observe(i * 30, causes);
    expect(t.incidents).toHaveLength(1);
    expect(t.incidents[0]?.epicenter[0]?.component).toBe("region");
  });

  it("is not renamed, once past its onset, after a much larger cause that begins over its few failures", () => {
    // A degraded cloud service impairs three sites for a while; then a DNS provider under those sites and
    // hundreds of others fails, the service's fault is masked (its sites are down now), and the DNS cause
    // explains all of them. The DNS provider is a new incident: the old one was never about hundreds of sites.
    const t = new IncidentTracker({ growWindow: 4 });
    const service = cause("cloud-fn", ["a", "b", "c"]);
    const dns = cause("dns", ["a", "b", "c", ...Array.from({ length: 40 }, (_, i) => `s${i}`)]);
    const rounds = [...Array(8).fill([service]), [dns, service], [dns], [dns], [dns], [dns]];
    for (const [i, causes] of rounds.entries()) t.observe(i * 30, causes);
    expect(t.incidents.map((i) => i.history.map((h) => h.epicenter[0]?.component))).toEqual([
      ["cloud-fn"],
      ["dns"],
    ]);
    expect(t.incidents[0]?.resolvedAt).not.toBeNull();
  });

  it("while young, follows its cause as it grows into a larger one", () => {
    const t = new IncidentTracker({ growWindow: 4 });
    const narrow = cause("svc", ["a", "b"]);
    const wide = cause("region", ["a", "b", ...Array.from({ length: 40 }, (_, i) => `s${i}`)]);
    for (const [i, causes] of [[narrow], [narrow], [narrow], [wide], [wide]].entries())
      t.observe(i * 30, causes);
    expect(t.incidents).toHaveLength(1);
    expect(t.incidents[0]?.epicenter[0]?.component).toBe("region");
  });

  it("reopens a just-resolved incident only for its own cause, with what that cause affects now", () => {
    const t = new IncidentTracker({ reopenWithin: 10 });
    const region = cause("region", ["a", "b", "c", "d", "e"]);
    // A smaller, different fault whose runner-up was once among the region incident's alternatives.
    const small: Cause = {
      ranked: [
        { component: "svc", confidence: 0.9 },
        { component: "region", confidence: 0.1 },
      ],
      affected: ["a"],
      vantage: false,
    };
    const again = cause("region", ["a", "b"]);
    const rounds = [[region], [region], [], [], [], [small], [small], [small], [], [], [], [again], [again]];
    for (const [i, causes] of rounds.entries()) t.observe(i * 30, causes);
    const tops = t.incidents.map((i) => i.epicenter[0]?.component);
    expect(tops).toEqual(["region", "svc"]);
    // Reopened by its own cause: the affected set is what it affects now, not the five of before.
    expect(t.incidents[0]?.resolvedAt).toBeNull();
    expect(t.incidents[0]?.affected).toEqual(["a", "b"]);
  });
});

describe("incident tracker: weak causes", () => {
  it("opens nothing for a cause less likely than no fault at all, and opens for an ambiguous but likely one", () => {
    const t = new IncidentTracker();
    const weak: Cause = {
      ranked: [{ component: "site", confidence: 0.34 }],
      affected: ["site"],
      vantage: false,
    };
    const tied: Cause = {
      ranked: ["a", "b", "c"].map((component) => ({ component, confidence: 0.3 })),
      affected: ["x", "y"],
      vantage: false,
    };
    for (let i = 0; i < 5; i++) t.observe(i * 30, [weak]);
    expect(t.incidents).toEqual([]);
    for (let i = 5; i < 8; i++) t.observe(i * 30, [tied]);
    expect(t.incidents.map((i) => i.epicenter[0]?.component)).toEqual(["a"]);
  });
});
