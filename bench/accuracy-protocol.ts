/** The accuracy bench's scenario list and the messages between it and its workers. */
import type { Scenario } from "../src/simulate/scenario-types.js";
import type { ReplayMetrics } from "./accuracy-metrics.js";
import type { SuspectedMetrics } from "./suspected-metrics.js";
import { generateScenario } from "./world-generator.js";
import { generateStory, STORY_SHAPES, type StoryShape } from "./world-stories.js";

export type MethodName = "epicenter" | "most-common-dependency" | "score";

/** Run order inside a worker: baselines first. */
export const METHODS: readonly MethodName[] = ["most-common-dependency", "score", "epicenter"];

export interface ScenarioConfig {
  index: number;
  seed: number;
  services: number;
  /** Expected incidents (component faults for the old corpus); 0 for quiet stories and negative controls. */
  faults: 0 | 1 | 2 | 3;
  methods: MethodName[];
  /** A story of the harder corpus (world-stories.ts); absent for the old corpus. */
  story?: StoryShape;
}

export type Corpus = "old" | "stories" | "both";

/** The scenario a config describes. */
export function scenarioFor(config: ScenarioConfig): Scenario {
  return config.story
    ? generateStory({ seed: config.seed, services: config.services, shape: config.story })
    : generateScenario(config);
}

export type WorkerMessage =
  | {
      type: "result";
      index: number;
      method: MethodName;
      seconds: number;
      observations: number;
      metrics: ReplayMetrics;
      /** Epicenter only: its suspected dependencies against the scenario's hidden edges. */
      suspected?: SuspectedMetrics;
    }
  | { type: "done"; index: number };

const SIZES = [100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000];
/** Per size: 4 quiet (20%), 6 with one fault, 6 with two, 4 with three. */
const FAULT_MIX: readonly (0 | 1 | 2 | 3)[] = [0, 1, 2, 1, 3, 0, 2, 1, 3, 2, 0, 1, 2, 3, 1, 0, 2, 1, 3, 2];

/** Positions of FAULT_MIX the quick subset keeps: one quiet, one, two and three faults per size. */
const QUICK = new Set([0, 1, 2, 4]);

const STORY_SIZES = [100, 300, 1000, 2000, 4000];
/** Stories per shape and size (quick: 2). */
const STORY_SEEDS = 5;
const STORY_FAULTS: Record<StoryShape, 0 | 1 | 2 | 3> = {
  noisy: 1,
  "hidden-onset": 1,
  "negative-control": 0,
  "step-down": 1,
  handover: 2,
  quiet: 0,
  harsh: 1,
  ramp: 1,
};

/**
 * The fixed lists: the old corpus of 200 scenarios (`quick` keeps 40 of them, 4 per size) and the harder
 * corpus of 150 stories, 25 per shape (`quick` keeps 60). Indices are unique across both.
 */
export function scenarioConfigs(baseSeed: number, quick: boolean, corpus: Corpus = "old"): ScenarioConfig[] {
  const out = corpus === "stories" ? [] : oldConfigs(baseSeed, quick);
  if (corpus === "old") return out;
  let index = 10_000;
  for (const shape of STORY_SHAPES)
    for (const services of STORY_SIZES)
      for (let k = 0; k < STORY_SEEDS; k++) {
        if (!quick || k < 2)
          out.push({
            index,
            seed: baseSeed * 100_000 + index,
            services,
            faults: STORY_FAULTS[shape],
            methods: [...METHODS],
            story: shape,
          });
        index++;
      }
  return out;
}

function oldConfigs(baseSeed: number, quick: boolean): ScenarioConfig[] {
  const out: ScenarioConfig[] = [];
  let index = 0;
  for (const services of SIZES)
    FAULT_MIX.forEach((faults, position) => {
      if (!quick || QUICK.has(position))
        out.push({ index, seed: baseSeed * 1000 + index, services, faults, methods: [...METHODS] });
      index++;
    });
  return out;
}
