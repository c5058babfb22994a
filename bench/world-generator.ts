/**
 * Generated internet-like scenarios for the benches: a seeded world (world-model), 0 to 3 concurrent
 * component faults and sometimes a blind vantage (world-faults), the spec's noise, and what a good localizer
 * should conclude. Pure: the same options give the same scenario.
 */

import { seededRandom } from "../src/simulate/random.js";
import type { Scenario } from "../src/simulate/scenario-types.js";
import { type FaultKind, planFaults } from "./world-faults.js";
import { buildWorld, DEFAULT_SHAPE, type WorldShape } from "./world-model.js";

export { scenarioToYaml } from "./scenario-yaml.js";
export type { FaultKind } from "./world-faults.js";

export interface GenerateOptions {
  seed: number;
  /** Observed sites (SaaS, also observed, come on top). */
  services: number;
  /** Default 5. */
  vantages?: number;
  /** Concurrent component faults; 0 makes a quiet story. */
  faults: 0 | 1 | 2 | 3;
  /** A vantage goes blind for 5 to 15 minutes; default: a 30% chance. */
  vantageFault?: boolean;
  /** Restricts what the component faults strike. */
  kinds?: readonly FaultKind[];
  /** Puts the i-th component fault on targets[i]. */
  targets?: readonly string[];
  /** Seconds; default 2, 3 or 4 hours. */
  duration?: number;
  name?: string;
  shape?: Partial<WorldShape>;
}

export function generateScenario(options: GenerateOptions): Scenario {
  const { seed, services, faults: count } = options;
  // Separate streams, so the same seed gives the same world whatever the faults.
  const worldRandom = seededRandom(Math.imul(seed, 0x9e3779b1) ^ 0x51ed27);
  const storyRandom = seededRandom(Math.imul(seed, 0x85ebca6b) ^ 0x2f1a3c);
  const components = buildWorld(worldRandom, services, { ...DEFAULT_SHAPE, ...options.shape });
  const duration = options.duration ?? 3600 * (2 + Math.floor(storyRandom() * 3));
  const vantages = Array.from({ length: options.vantages ?? 5 }, (_, i) => `probe/v${i}`);
  const vantageFault = options.vantageFault ?? storyRandom() < 0.3;
  const model = { components };
  const plan = planFaults(model, storyRandom, {
    seed,
    count,
    duration,
    vantages,
    vantageFault,
    ...(options.kinds ? { kinds: options.kinds } : {}),
    ...(options.targets ? { targets: options.targets } : {}),
  });
  const name = options.name ?? `gen-${services}-f${count}-s${seed}`;
  const what = plan.faults.map((f) => `${f.id}${f.impact < 1 ? ` (impact ${f.impact})` : ""}`).join(", ");
  const scenario: Scenario = {
    file: `${name}.yaml`,
    name,
    description: `generated internet-like world: ${services} sites, ${vantages.length} vantages; faults: ${what || "none"}`,
    seed,
    duration,
    interval: 30,
    vantages,
    model,
    faults: plan.faults,
    noise: { missing: 0.05, flip: 0.02 },
    expect: { incidents: plan.expected, quiet: count === 0 },
  };
  if (count > 0) scenario.expect.maxIncidents = plan.faults.length + 2;
  return scenario;
}
