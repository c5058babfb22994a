/**
 * The harder corpus: generated worlds told as the stories real outages are made of, each a "shape" the
 * localizer must get right on a model that is incomplete and observations that are noisier than the old
 * corpus's. Pure and seeded: the same options give the same scenario.
 *
 * - `noisy`: the old stories (0 to 3 concurrent faults) with hidden edges on 10% of sites.
 * - `hidden-onset`: one large cause, and at its onset a few sites fail with it through a hidden edge to it
 *   (the model lacks those dependencies).
 * - `negative-control`: a common cause outside the model (an endpoint agent on sites of every cloud, known
 *   to the model by no edge) fails; nothing modelled is at fault, so no cloud, region or service may be blamed.
 * - `step-down`: a large cause whose impact steps down to 10-20% for hours after the bulk recovers.
 * - `handover`: one cause ends as another, unrelated one starts.
 * - `quiet`: nothing fails but the watching (and perhaps a vantage).
 * - `harsh`: the old stories (1 to 3 concurrent faults) in a world with hidden edges on 30% of sites and
 *   twice the noise: flips up to 0.10 and missing checks up to 0.25.
 * - `ramp`: one large cause that grows the way real ones do (DNS records expiring cache by cache, a
 *   control plane losing capacity): a quarter of its edges struck, then half, then all, over 10 to 20
 *   minutes, before it ends at once; it must be named within 3 minutes of striking all.
 *
 * Every shape but `harsh` has flip noise up to 0.04, missing checks up to 0.10; all have 3 to 6 vantages.
 */
import { compileGraph } from "../src/model/graph.js";
import type { ComponentSpec } from "../src/model/model-types.js";
import { seededRandom } from "../src/simulate/random.js";
import type { Fault, Scenario } from "../src/simulate/scenario-types.js";
import { ancestorsOf, Marks, observedDependentCounts } from "./graph-walk.js";
import { generateScenario } from "./world-generator.js";

export const STORY_SHAPES = [
  "noisy",
  "hidden-onset",
  "negative-control",
  "step-down",
  "handover",
  "quiet",
  "harsh",
  "ramp",
] as const;
export type StoryShape = (typeof STORY_SHAPES)[number];

export interface StoryOptions {
  seed: number;
  services: number;
  shape: StoryShape;
}

/** The kinds of cause large enough to take several sites with them. */
const LARGE = ["region", "network", "cloud-service", "cdn", "dns"] as const;

export function generateStory(o: StoryOptions): Scenario {
  const random = seededRandom(Math.imul(o.seed, 0x27d4eb2f) ^ 0x165667b1);
  const vantages = 3 + Math.floor(random() * 4);
  const harsh = o.shape === "harsh";
  const noise = harsh
    ? { flip: round3(0.04 + 0.06 * random()), missing: round3(0.1 + 0.15 * random()) }
    : { flip: round3(0.01 + 0.03 * random()), missing: round3(0.02 + 0.08 * random()) };
  const base = {
    seed: o.seed,
    services: o.services,
    vantages,
    shape: { hidden: harsh ? 0.3 : 0.1 },
    name: `story-${o.shape}-${o.services}-s${o.seed}`,
  };
  let scenario: Scenario;
  switch (o.shape) {
    case "noisy":
      scenario = generateScenario({ ...base, faults: (1 + Math.floor(random() * 3)) as 1 | 2 | 3 });
      break;
    case "quiet":
      scenario = generateScenario({ ...base, faults: 0 });
      break;
    case "harsh":
      scenario = generateScenario({ ...base, faults: (1 + Math.floor(random() * 3)) as 1 | 2 | 3 });
      break;
    case "ramp":
      scenario = generateScenario({
        ...base,
        faults: 1,
        kinds: LARGE,
        targets: [largeTarget(o, random, 10)],
      });
      ramp(scenario, random);
      break;
    case "hidden-onset":
      scenario = generateScenario({ ...base, faults: 1, kinds: LARGE, targets: [largeTarget(o, random)] });
      hiddenOnset(scenario, random);
      break;
    case "negative-control":
      scenario = generateScenario({ ...base, faults: 0 });
      negativeControl(scenario, random);
      break;
    case "step-down":
      scenario = generateScenario({
        ...base,
        faults: 1,
        targets: [largeTarget(o, random, 10)],
        duration: 3600 * (5 + Math.floor(random() * 2)),
      });
      stepDown(scenario, random);
      break;
    case "handover":
      scenario = generateScenario({ ...base, faults: 2, kinds: LARGE });
      handOver(scenario, random);
      break;
  }
  scenario.noise = noise;
  scenario.description = `${o.shape}: ${scenario.description ?? ""}`;
  return scenario;
}

/** A component of a large kind with at least `min` observed dependents in the known model. */
function largeTarget(o: StoryOptions, random: () => number, min = 5): string {
  const probe = generateScenario({ seed: o.seed, services: o.services, faults: 0, shape: { hidden: 0.1 } });
  const g = compileGraph(probe.model, { includeHidden: false });
  const counts = observedDependentCounts(g);
  const kinds = new Set<string>(LARGE);
  const list: string[] = [];
  for (let c = 0; c < g.size; c++) if (kinds.has(g.kind[c]!) && counts[c]! >= min) list.push(g.ids[c]!);
  list.sort();
  return list[Math.floor(random() * list.length)]!;
}

/** Sites that do not depend on `id` in the full model, in a seeded order. */
function sitesApartFrom(scenario: Scenario, id: string | undefined, random: () => number): ComponentSpec[] {
  const world = compileGraph(scenario.model, { includeHidden: true });
  const target = id === undefined ? -1 : world.index.get(id)!;
  const marks = new Marks(world.size);
  const out = scenario.model.components.filter((c) => {
    if (c.kind !== "service" || !c.observed) return false;
    return !ancestorsOf(world, world.index.get(c.id)!, marks).includes(target);
  });
  return shuffle(out, random);
}

/** 2 to 6 sites (up to 2% of them) also fail with the cause, through a hidden edge to it. */
function hiddenOnset(scenario: Scenario, random: () => number): void {
  const fault = scenario.faults.find((f) => f.target === "component")!;
  const sites = sitesApartFrom(scenario, fault.id, random);
  const count = Math.min(sites.length, Math.max(2, Math.min(6, Math.round(0.02 * sites.length))));
  for (const site of sites.slice(0, count)) site.requires.push({ type: "hard", id: fault.id, hidden: true });
}

/**
 * An endpoint agent on 3% to 6% of sites (at least 6), across every cloud, that the model knows nothing of,
 * fails for 20 to 60 minutes. No expected incident: the failures are unexplained by the model.
 */
function negativeControl(scenario: Scenario, random: () => number): void {
  const agent: ComponentSpec = { id: "agent/edr", kind: "software", observed: false, requires: [] };
  const sites = sitesApartFrom(scenario, undefined, random);
  const count = Math.min(sites.length, Math.max(6, Math.round((0.03 + 0.03 * random()) * sites.length)));
  for (const site of sites.slice(0, count)) site.requires.push({ type: "hard", id: agent.id, hidden: true });
  scenario.model.components.push(agent);
  const at = Math.round(600 + random() * 0.3 * scenario.duration);
  const end = Math.min(at + Math.round(1200 + random() * 2400), scenario.duration - 1200);
  scenario.faults.push(component(scenario.faults.length, agent.id, at, end, 1));
  scenario.expect = { incidents: [], quiet: false, maxIncidents: 2 + vantageFaults(scenario) };
}

/** The cause's bulk lasts 15 to 40 minutes, then 10% to 20% of its edges stay struck for 1.5 to 3 hours. */
function stepDown(scenario: Scenario, random: () => number): void {
  const head = scenario.faults.find((f) => f.target === "component")!;
  head.end = head.at + Math.round(900 + random() * 1500);
  const end = Math.min(head.end + Math.round(5400 + random() * 5400), scenario.duration - 1200);
  const tail = component(scenario.faults.length, head.id, head.end, end, round2(0.1 + 0.1 * random()));
  tail.state = head.state;
  scenario.faults.push(tail);
}

/**
 * The cause strikes a quarter of its edges, then half, then all of them, each step 5 to 10 minutes long;
 * three faults on one component that touch, so one episode and one expected incident (on the first).
 */
function ramp(scenario: Scenario, random: () => number): void {
  const head = scenario.faults.find((f) => f.target === "component")!;
  const step = () => Math.round(300 + random() * 300);
  const second = head.at + step();
  const third = second + step();
  const end = Math.max(head.end, third + 900);
  head.end = second;
  head.impact = 0.25;
  const middle = component(scenario.faults.length, head.id, second, third, 0.5);
  const full = component(
    scenario.faults.length + 1,
    head.id,
    third,
    Math.min(end, scenario.duration - 1200),
    1,
  );
  for (const f of [middle, full]) f.state = head.state;
  scenario.faults.push(middle, full);
  // The accepted answers were reckoned for the full cause: it must be named within 3 minutes of reaching
  // it, and whatever is named before then is judged as every entry is.
  const expected = scenario.expect.incidents[0]!;
  expected.within = third - head.at + 180;
}

/** The second cause starts within two minutes either side of the first one's end. */
function handOver(scenario: Scenario, random: () => number): void {
  const [first, second] = scenario.faults.filter((f) => f.target === "component") as [Fault, Fault];
  const length = second.end - second.at;
  second.at = Math.max(first.at + 300, first.end + Math.round((random() - 0.5) * 240));
  second.end = Math.min(second.at + length, scenario.duration - 1200);
  if (second.end <= second.at + 300) second.end = Math.min(second.at + 900, scenario.duration - 60);
}

function component(index: number, id: string, at: number, end: number, impact: number): Fault {
  return { index, target: "component", id, at, end, state: "down", impact };
}

function vantageFaults(scenario: Scenario): number {
  return scenario.faults.filter((f) => f.target === "vantage").length;
}

function shuffle<T>(list: T[], random: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
