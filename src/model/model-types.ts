/** The dependency model: components and what they require, as scenario.md and epicenter.yaml define them. */

export type Status = "up" | "degraded" | "down";

/** One entry of a component's `requires`, normalised. `hidden` items exist in the world but not in the localizer's model. */
export type RequireItem =
  | { type: "hard"; id: string; hidden: boolean }
  | { type: "soft"; id: string; hidden: boolean }
  | { type: "anyOf"; of: string[]; hidden: boolean }
  | { type: "atLeast"; k: number; of: string[]; hidden: boolean };

export interface ComponentSpec {
  id: string;
  kind: string;
  name?: string;
  observed: boolean;
  requires: RequireItem[];
  /** Labels (deduplicated, file order); absent when none. */
  tags?: string[];
  /** The group it is shown in; absent: the first segment of its id. */
  group?: string;
}

export interface Model {
  components: ComponentSpec[];
}

/** Ids a require item names, in member order. */
export function itemMembers(item: RequireItem): string[] {
  return item.type === "hard" || item.type === "soft" ? [item.id] : item.of;
}
