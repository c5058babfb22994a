/** Writes an in-memory scenario back as a scenario.md (version 1) file, so generated worlds can be inspected and replayed. */
import { stringify } from "yaml";
import type { RequireItem } from "../src/model/model-types.js";
import type { Scenario } from "../src/simulate/scenario-types.js";

export function scenarioToYaml(s: Scenario): string {
  const doc: Record<string, unknown> = { version: 1, name: s.name };
  if (s.description !== undefined) doc.description = s.description;
  Object.assign(doc, {
    seed: s.seed,
    duration: `${s.duration}s`,
    interval: `${s.interval}s`,
    vantages: s.vantages,
    components: s.model.components.map((c) => ({
      id: c.id,
      kind: c.kind,
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.observed ? { observed: true } : {}),
      ...(c.requires.length > 0 ? { requires: c.requires.map(itemToYaml) } : {}),
    })),
  });
  if (s.faults.length > 0)
    doc.faults = s.faults.map((f) => ({
      [f.target]: f.id,
      at: `${f.at}s`,
      ...(f.end < s.duration ? { for: `${f.end - f.at}s` } : {}),
      ...(f.target === "component" && f.state !== "down" ? { state: f.state } : {}),
      ...(f.target === "component" && f.impact < 1 ? { impact: f.impact } : {}),
    }));
  if (s.noise.flip > 0 || s.noise.missing > 0) doc.noise = { flip: s.noise.flip, missing: s.noise.missing };
  const expect: Record<string, unknown> = {};
  if (s.expect.incidents.length > 0)
    expect.incidents = s.expect.incidents.map((e) => ({
      epicenter: e.epicenter,
      ...(e.accept.length > 0 ? { accept: e.accept } : {}),
      within: `${e.within}s`,
      ...(e.resolveWithin !== 900 ? { resolveWithin: `${e.resolveWithin}s` } : {}),
    }));
  if (s.expect.maxIncidents !== undefined) expect.maxIncidents = s.expect.maxIncidents;
  if (s.expect.quiet) expect.quiet = true;
  if (Object.keys(expect).length > 0) doc.expect = expect;
  return stringify(doc, { lineWidth: 0 });
}

function itemToYaml(item: RequireItem): unknown {
  const hidden = item.hidden ? { hidden: true } : {};
  switch (item.type) {
    case "hard":
      return item.hidden ? { id: item.id, hidden: true } : item.id;
    case "soft":
      return { id: item.id, soft: true, ...hidden };
    case "anyOf":
      return { anyOf: item.of, ...hidden };
    case "atLeast":
      return { atLeast: item.k, of: item.of, ...hidden };
  }
}
