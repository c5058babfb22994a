/** Loads a scenario file: its text through the reader, the pure parse, and its observations file made absolute. */
import { resolve } from "node:path";
import { parseScenario } from "../simulate/scenario-load.js";
import type { Scenario } from "../simulate/scenario-types.js";
import { type ReadFile, readSource, readTextFile } from "./source-file.js";

export function loadScenarioFile(file: string, readFile: ReadFile = readTextFile): Scenario {
  const scenario = parseScenario(file, readSource(file, readFile));
  // The replay reads it later, perhaps from another working folder: absolute, as the file named it.
  if (scenario.observations !== undefined) scenario.observations = resolve(scenario.observations);
  return scenario;
}
