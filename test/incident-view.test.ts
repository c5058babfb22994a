/** The incidents the API reads: the hub's live ones over the store's, filtered and paged alike. */
import { describe, expect, it } from "vitest";
import { mergeIncidents } from "../src/hub/incident-view.js";
import type { StoredIncident } from "../src/store/store.js";

const T0 = 1_800_000_000_000;
const incident = (id: string, openedAt: number, resolvedAt: number | null = null): StoredIncident => ({
  id,
  openedAt,
  resolvedAt,
  epicenter: [{ component: "cloud/r1", confidence: 0.9 }],
  affected: [],
  history: [],
  vantage: false,
  acknowledgedAt: null,
  acknowledgedBy: null,
  updatedAt: resolvedAt ?? openedAt,
});

describe("mergeIncidents", () => {
  const stored = [incident("c", T0 + 3), incident("b", T0 + 2, T0 + 5), incident("a", T0 + 1)];

  it("lists an incident the hub opened before its save, and the hub's copy of one it changed", () => {
    const acked = { ...incident("a", T0 + 1), acknowledgedBy: "dora" };
    const merged = mergeIncidents(stored, [incident("d", T0 + 4), acked], {});
    expect(merged.map((i) => i.id)).toEqual(["d", "c", "b", "a"]);
    expect(merged.at(-1)?.acknowledgedBy).toBe("dora");
  });

  it("does not list open what the hub resolved before its save", () => {
    const merged = mergeIncidents(stored, [incident("c", T0 + 3, T0 + 9)], { open: true });
    expect(merged.map((i) => i.id)).toEqual(["a"]);
    expect(mergeIncidents(stored, [incident("c", T0 + 3, T0 + 9)], { open: false }).map((i) => i.id)).toEqual(
      ["c", "b"],
    );
  });

  it("pages as the store does: before, limit, newest first and ties by id descending", () => {
    const live = [incident("e", T0 + 3)];
    expect(mergeIncidents(stored, live, { before: T0 + 3 }).map((i) => i.id)).toEqual(["b", "a"]);
    expect(mergeIncidents(stored, live, { limit: 2 }).map((i) => i.id)).toEqual(["e", "c"]);
    expect(mergeIncidents(stored, live, { limit: 0 })).toEqual([]);
  });
});
