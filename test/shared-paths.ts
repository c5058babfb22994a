/** Where the shared scenarios sit: ../shared beside the project's checkout. */
import { fileURLToPath } from "node:url";

export const SHARED_SCENARIOS = fileURLToPath(new URL("../../shared/scenarios/", import.meta.url));
