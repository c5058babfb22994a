/**
 * The live-truth judge on hand-made timelines over the demo's model: each rule passes a right line and fails
 * a wrong one, at its boundary where it has one.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { DEMO_VANTAGES, demoComponents } from "../src/demo/demo-model.js";
import {
  type ChaosSpan,
  ChaosTruth,
  type IncidentLine,
  judgeLiveTruth,
  type LiveTruthInput,
} from "../src/demo/live-truth-judge.js";
import { compileGraph } from "../src/model/graph.js";

const graph = compileGraph({ components: demoComponents() }, { includeHidden: false });
const vantages = DEMO_VANTAGES.map((v) => v.id);
const truth = new ChaosTruth(graph, vantages);
const R = 2000;

const region: ChaosSpan = { target: "aws/us-east-1", kind: "region", start: 10_000, end: 40_000 };
const dynamo: ChaosSpan = {
  target: "aws/us-east-1/dynamodb",
  kind: "cloud-service",
  start: 60_000,
  end: 80_000,
};
const fastly: ChaosSpan = { target: "fastly/cdn", kind: "cdn", start: 10_000, end: 30_000 };
const blind: ChaosSpan = { target: "vantage/local-b", kind: "vantage", start: 10_000, end: 30_000 };

/** A line printed one round and a second after the round it reports, as the hub does. */
function line(
  type: IncidentLine["type"],
  round: number,
  epicenter: string | null,
  affected: readonly string[] = [],
  incident = "inc-1",
): IncidentLine {
  return { type, round, at: round + R + 1000, incident, epicenter, affected };
}

function judge(chaos: ChaosSpan[], lines: IncidentLine[], extra: Partial<LiveTruthInput> = {}) {
  return judgeLiveTruth({ chaos, lines, graph, vantages, roundMs: R, lagMs: 0, endedAt: 200_000, ...extra });
}

const rules = (v: ReturnType<typeof judge>) => v.lines.map((l) => l.rules);

describe("what no observation can tell apart", () => {
  it("a provider with one product in the model and that product; a region and its services are told apart", () => {
    expect(truth.equivalent(fastly)).toEqual(new Set(["fastly/cdn", "fastly"]));
    expect(truth.equivalent(region)).not.toContain("aws/us-east-1/ec2");
    expect(truth.equivalent(blind)).toEqual(new Set(["vantage/local-b"]));
  });
  it("the blast radius is what the model takes down or degrades; a blind vantage sees everything fail", () => {
    expect(truth.blast(dynamo)).toEqual(
      expect.arrayContaining(["demo/streaming", "demo/dating", "demo/voice-assistant", "demo/delivery"]),
    );
    expect(truth.blast(dynamo)).not.toContain("demo/chat");
    expect(truth.blast(blind)).toHaveLength(30);
  });
});

describe("opened and renamed incidents name the active chaos target", () => {
  it("right: the target, then a change keeping it, then a resolve in time", () => {
    const v = judge(
      [region],
      [
        line("opened", 14_000, "aws/us-east-1"),
        line("changed", 16_000, "aws/us-east-1"),
        line("resolved", 46_000, "aws/us-east-1"),
      ],
    );
    expect(rules(v)).toEqual([[], [], []]);
    expect(v.chaos[0]!.detectedAfterMs).toBe(14_000 + R + 1000 - 10_000);
    expect(v.chaos[0]!.resolvedAfterMs).toBe(46_000 + R + 1000 - 40_000);
    expect(v.chaos[0]!.incidents).toEqual(["inc-1"]);
  });
  it("right: a component that leaves the same mark; wrong: another CDN", () => {
    expect(rules(judge([fastly], [line("opened", 14_000, "fastly")]))).toEqual([[]]);
    const wrong = judge([fastly], [line("opened", 14_000, "akamai/cdn")]);
    expect(wrong.lines[0]!.rules).toEqual(["names-inactive"]);
    expect(wrong.lines[0]!.reasons[0]).toMatch(
      /akamai\/cdn, but the active chaos fault is fastly\/cdn \(cdn\)/,
    );
    expect(wrong.chaos[0]!.detectedAfterMs).toBeNull();
  });
  it("wrong: a region's cloud service named for the region (observations tell them apart)", () => {
    expect(rules(judge([region], [line("opened", 14_000, "aws/us-east-1/ec2")]))).toEqual([
      ["names-inactive"],
    ]);
  });
  it("wrong: an incident opened while no chaos is active", () => {
    const v = judge([region], [line("opened", 50_000, "aws/us-east-1")]);
    expect(v.lines[0]!.rules).toEqual(["names-inactive"]);
    expect(v.lines[0]!.reasons[0]).toMatch(/no chaos fault is active/);
  });
  it("the fault stays observable for lagMs after its end (a check started during it reports it)", () => {
    expect(rules(judge([region], [line("opened", 42_000, "aws/us-east-1")]))).toEqual([["names-inactive"]]);
    expect(rules(judge([region], [line("opened", 42_000, "aws/us-east-1")], { lagMs: 3000 }))).toEqual([[]]);
  });
  it("wrong: a rename to a component the fault does not explain; a change keeping the name is not judged by name", () => {
    const v = judge(
      [region],
      [
        line("opened", 14_000, "aws/us-east-1"),
        line("changed", 18_000, "demo/chat"),
        line("changed", 20_000, "demo/chat"),
      ],
    );
    expect(rules(v)).toEqual([[], ["names-inactive"], []]);
  });
  it("a blind vantage is named by its id only", () => {
    expect(rules(judge([blind], [line("opened", 14_000, "vantage/local-b")]))).toEqual([[]]);
    expect(rules(judge([blind], [line("opened", 14_000, "aws/us-east-1")]))).toEqual([["names-inactive"]]);
  });
});

describe("no incident outlives its cause by more than 3 rounds", () => {
  // The region's end (40 s) falls in round 20; rounds 21, 22, 23 may still hold its incident.
  it("a resolve 3 rounds after the end is right, 4 rounds after is wrong", () => {
    expect(
      rules(
        judge([region], [line("opened", 14_000, "aws/us-east-1"), line("resolved", 46_000, "aws/us-east-1")]),
      ),
    ).toEqual([[], []]);
    const late = judge(
      [region],
      [line("opened", 14_000, "aws/us-east-1"), line("resolved", 48_000, "aws/us-east-1")],
    );
    expect(rules(late)).toEqual([[], ["outlives"]]);
    expect(late.lines[1]!.reasons[0]).toMatch(/resolved 4 rounds after the end of aws\/us-east-1 \(region\)/);
  });
  it("a change after the deadline is wrong too, even when it names the next fault (a cause that ended resolves)", () => {
    const v = judge(
      [region, dynamo],
      [line("opened", 14_000, "aws/us-east-1"), line("changed", 62_000, "aws/us-east-1/dynamodb")],
    );
    expect(rules(v)).toEqual([[], ["outlives"]]);
  });
  it("an incident still open at the end, past its deadline, lingers; one within it does not", () => {
    const v = judge([region], [line("opened", 14_000, "aws/us-east-1")]);
    expect(v.lingering).toHaveLength(1);
    expect(v.lingering[0]!.reason).toMatch(/still open at the end/);
    expect(judge([region], [line("opened", 14_000, "aws/us-east-1")], { endedAt: 46_000 }).lingering).toEqual(
      [],
    );
    const held = { ...region, end: null };
    expect(judge([held], [line("opened", 14_000, "aws/us-east-1")]).lingering).toEqual([]);
  });
  it("a false incident outlives its (missing) cause 3 rounds after it opened", () => {
    const v = judge([], [line("opened", 50_000, "demo/chat"), line("resolved", 58_000, "demo/chat")]);
    expect(rules(v)).toEqual([["names-inactive"], ["outlives"]]);
  });
});

describe("nothing re-opens with stale state", () => {
  const resolvedRegion = [line("opened", 14_000, "aws/us-east-1"), line("resolved", 44_000, "aws/us-east-1")];
  it("right: re-opened for the fault active now, with what it impairs now", () => {
    const fresh = truth.blast(dynamo);
    const v = judge(
      [region, dynamo],
      [...resolvedRegion, line("opened", 64_000, "aws/us-east-1/dynamodb", fresh)],
    );
    expect(rules(v)).toEqual([[], [], []]);
    expect(v.lines[2]!.reopen).toBe(true);
    expect(v.lines[2]!.cause).toBe(1);
  });
  it("wrong: re-opened naming the old cause", () => {
    const v = judge(
      [region, dynamo],
      [...resolvedRegion, line("opened", 64_000, "aws/us-east-1", truth.blast(dynamo))],
    );
    expect(v.lines[2]!.rules).toEqual(["stale-reopen"]);
    expect(v.lines[2]!.reasons[0]).toMatch(
      /stale cause: names aws\/us-east-1, but the active chaos fault is aws\/us-east-1\/dynamodb/,
    );
  });
  it("wrong: re-opened for the new cause with the old episode's affected list", () => {
    const old = truth.blast(region);
    const v = judge(
      [region, dynamo],
      [...resolvedRegion, line("opened", 64_000, "aws/us-east-1/dynamodb", old)],
    );
    expect(v.lines[2]!.rules).toEqual(["stale-reopen"]);
    expect(v.lines[2]!.reasons[0]).toMatch(
      new RegExp(
        `${old.length} affected, but aws/us-east-1/dynamodb \\(cloud-service\\) impairs ${truth.blast(dynamo).length}`,
      ),
    );
  });
});

describe("a timeline the localizer got right", () => {
  // Faults one after another with gaps; each opens an incident two rounds in, renames within its marks and
  // resolves within 3 rounds of its end: every line is right, every fault detected.
  const targets = [region, dynamo, fastly, blind].map((s) => ({ target: s.target, kind: s.kind }));
  test.prop([
    fc.array(
      fc.record({
        t: fc.integer({ min: 0, max: targets.length - 1 }),
        rounds: fc.integer({ min: 3, max: 20 }),
        gap: fc.integer({ min: 4, max: 10 }),
        resolveAfter: fc.integer({ min: 1, max: 3 }),
        alias: fc.boolean(),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  ])("is judged all right", (plan) => {
    const chaos: ChaosSpan[] = [];
    const lines: IncidentLine[] = [];
    let at = 4 * R;
    plan.forEach((p, i) => {
      const { target, kind } = targets[p.t]!;
      const span: ChaosSpan = { target, kind, start: at + 500, end: at + p.rounds * R + 500 };
      chaos.push(span);
      const names = [...truth.equivalent(span)];
      const id = `inc-${i}`;
      lines.push(line("opened", at + 2 * R, target, truth.blast(span), id));
      if (p.alias) lines.push(line("changed", at + 3 * R, names[names.length - 1]!, truth.blast(span), id));
      lines.push(line("resolved", at + (p.rounds + p.resolveAfter) * R, target, truth.blast(span), id));
      at += (p.rounds + p.gap) * R;
    });
    const v = judge(chaos, lines, { endedAt: at });
    expect(v.lines.filter((l) => !l.right)).toEqual([]);
    expect(v.lingering).toEqual([]);
    expect(v.chaos.every((c) => c.detectedAfterMs !== null)).toBe(true);
  });
});
