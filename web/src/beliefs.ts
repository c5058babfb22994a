/**
 * Observed or believed: what the dashboard says of a component's state. A monitored component has what its
 * vantages saw; every component also has what the localizer believes (the named cause, or in its blast
 * radius). An unobserved component is never shown as "up" on its own evidence: it has none, so it is "likely
 * down" when an open incident's cause takes it down, "likely up" otherwise.
 */
import { api, type ComponentState, type Incident, type Status, statusOf, type WhatIfAnswer } from "./api.js";

/** The blast radius of every open incident's named cause, as the model propagates it (POST /api/v1/whatif). */
export interface Blast {
  causes: Set<string>;
  down: Set<string>;
  degraded: Set<string>;
}

export const NO_BLAST: Blast = { causes: new Set(), down: new Set(), degraded: new Set() };

/** One state as shown: the word, the state class it is coloured by, and whether it was seen or inferred. */
export interface StateWord {
  status: Status;
  word: string;
  source: "observed" | "believed";
}

export interface ShownState {
  /** What is shown first: the observation when there is one, else the belief. */
  main: StateWord;
  /** The localizer's belief, when it differs from what the vantages saw. */
  belief: StateWord | null;
}

/** The causes the localizer names now: the top epicenter of each open incident not about a blind vantage. */
export function namedCauses(incidents: readonly Incident[]): string[] {
  const causes = new Set<string>();
  for (const i of incidents) {
    const top = i.epicenter[0]?.component;
    if (top && !i.vantage && !i.resolvedAt) causes.add(top);
  }
  return [...causes].sort();
}

/** The blast radius of `causes` (empty when there are none: no request). */
export async function loadBlast(causes: readonly string[]): Promise<Blast> {
  if (causes.length === 0) return NO_BLAST;
  const a = await api<WhatIfAnswer>("/api/v1/whatif", { method: "POST", body: { failed: [...causes] } });
  return { causes: new Set(causes), down: new Set(a.down), degraded: new Set(a.degraded) };
}

/** The open incidents' blast radius, for pages that show states of components without an incident at hand. */
export async function loadOpenBlast(): Promise<Blast> {
  const { incidents } = await api<{ incidents: Incident[] }>("/api/v1/incidents?open=true");
  return loadBlast(namedCauses(incidents));
}

/** What the localizer believes of `id`, or null when it believes nothing is wrong with it. */
function believed(id: string, state: ComponentState | undefined, blast: Blast): StateWord | null {
  if (state?.belief === "failing" || blast.causes.has(id))
    return { status: "down", word: "likely down: the named cause", source: "believed" };
  if (blast.down.has(id)) return { status: "down", word: "likely down", source: "believed" };
  if (blast.degraded.has(id)) return { status: "degraded", word: "likely degraded", source: "believed" };
  // Affected without a path from the cause in the model (a dependency it lacks): it failed with the cause.
  if (state?.belief === "affected") return { status: "down", word: "likely down", source: "believed" };
  return null;
}

const OBSERVED_WORDS: Record<Status, string> = {
  up: "up",
  degraded: "degraded",
  partial: "partly down",
  down: "down",
  unknown: "not checked yet",
};

/** Down and partly down agree with a belief of down; anything else must match. */
function agrees(seen: Status, belief: Status): boolean {
  return seen === belief || (belief === "down" && seen === "partial");
}

/**
 * The state to show for `id`: `observed` is whether the model monitors it. Observed with results: what the
 * vantages saw (the localizer's belief beside it when they differ); unobserved: the belief alone.
 */
export function shownState(
  id: string,
  observed: boolean,
  state: ComponentState | undefined,
  blast: Blast,
): ShownState {
  const belief = believed(id, state, blast);
  const seen = state?.observed ?? [];
  if (observed || seen.length > 0) {
    // The vantages' word alone: the server's rule, with the belief left out (it is shown on its own).
    const status = seen.length === 0 ? "unknown" : statusOf({ observed: seen, belief: "up" });
    const main: StateWord = { status, word: OBSERVED_WORDS[status], source: "observed" };
    return { main, belief: belief && !agrees(status, belief.status) ? belief : null };
  }
  return { main: belief ?? { status: "up", word: "likely up", source: "believed" }, belief: null };
}
