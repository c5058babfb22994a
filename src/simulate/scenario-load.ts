/**
 * Parses and validates scenario files (scenario.md, version 1); every problem is reported with file, line and
 * key path. Pure: reading the file is config/scenario-file.ts.
 */
import * as z from "zod";
import { componentSchema, durationSchema, idSchema, normaliseComponent } from "../model/component-schema.js";
import { parseDuration } from "../model/duration.js";
import { checkModel } from "../model/model-check.js";
import { SourceError, type SourceIssue } from "../model/model-errors.js";
import { parseYamlSource, zodIssues } from "../model/yaml-source.js";
import type { Fault, Scenario } from "./scenario-types.js";

const probability = z.number().min(0).max(1);

const faultSchema = z.strictObject({
  component: idSchema.optional(),
  vantage: idSchema.optional(),
  at: durationSchema,
  for: durationSchema.optional(),
  state: z.enum(["down", "degraded"]).optional(),
  impact: z.number().gt(0).max(1).optional(),
});

const scenarioSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().regex(/^[a-z0-9._-]+$/, { error: "name must match [a-z0-9._-]+" }),
  description: z.string().optional(),
  seed: z.number().int(),
  duration: durationSchema,
  interval: durationSchema,
  vantages: z.array(idSchema).min(1),
  components: z.array(componentSchema),
  faults: z.array(faultSchema).optional(),
  noise: z.strictObject({ missing: probability.optional(), flip: probability.optional() }).optional(),
  expect: z
    .strictObject({
      incidents: z
        .array(
          z.strictObject({
            epicenter: idSchema,
            accept: z.array(idSchema).optional(),
            within: durationSchema.optional(),
            resolveWithin: durationSchema.optional(),
          }),
        )
        .optional(),
      maxIncidents: z.number().int().min(0).optional(),
      quiet: z.boolean().optional(),
    })
    .optional(),
  observations: z.string().min(1).optional(),
});

export function parseScenario(file: string, text: string): Scenario {
  const source = parseYamlSource(file, text);
  const parsed = scenarioSchema.safeParse(source.value);
  if (!parsed.success) throw new SourceError(zodIssues(source, parsed.error.issues));
  const raw = parsed.data;
  const issues: SourceIssue[] = [];
  const seconds = (v: string | number) => parseDuration(v)!;
  const duration = seconds(raw.duration);
  const interval = seconds(raw.interval);
  if (interval <= 0) issues.push(source.issue(["interval"], "interval must be greater than 0"));
  if (duration <= 0) issues.push(source.issue(["duration"], "duration must be greater than 0"));

  const vantageSet = new Set<string>();
  raw.vantages.forEach((v, i) => {
    if (vantageSet.has(v)) issues.push(source.issue(["vantages", i], `duplicate vantage "${v}"`));
    vantageSet.add(v);
  });
  const components = raw.components.map(normaliseComponent);
  for (const p of checkModel(components, vantageSet))
    issues.push(source.issue(["components", ...p.path], p.message));
  const componentIds = new Set(components.map((c) => c.id));

  const faults: Fault[] = [];
  (raw.faults ?? []).forEach((f, index) => {
    const path = ["faults", index];
    if ((f.component === undefined) === (f.vantage === undefined)) {
      issues.push(source.issue(path, "a fault names exactly one of component or vantage"));
      return;
    }
    if (f.vantage !== undefined) {
      if (!vantageSet.has(f.vantage))
        issues.push(source.issue([...path, "vantage"], `unknown vantage "${f.vantage}"`));
      if (f.state !== undefined)
        issues.push(source.issue([...path, "state"], "state applies to component faults only"));
      if (f.impact !== undefined)
        issues.push(source.issue([...path, "impact"], "impact applies to component faults only"));
    } else if (!componentIds.has(f.component!)) {
      issues.push(source.issue([...path, "component"], `unknown component "${f.component}"`));
    }
    const at = seconds(f.at);
    const end = f.for === undefined ? duration : at + seconds(f.for);
    faults.push({
      index,
      target: f.vantage !== undefined ? "vantage" : "component",
      id: (f.vantage ?? f.component)!,
      at,
      end,
      state: f.state ?? "down",
      impact: f.impact ?? 1,
    });
  });

  const known = (id: string) => componentIds.has(id) || vantageSet.has(id);
  const expected = (raw.expect?.incidents ?? []).map((e, i) => {
    if (!known(e.epicenter))
      issues.push(
        source.issue(
          ["expect", "incidents", i, "epicenter"],
          `unknown component or vantage "${e.epicenter}"`,
        ),
      );
    (e.accept ?? []).forEach((a, j) => {
      if (!known(a))
        issues.push(
          source.issue(["expect", "incidents", i, "accept", j], `unknown component or vantage "${a}"`),
        );
    });
    return {
      epicenter: e.epicenter,
      accept: e.accept ?? [],
      within: e.within === undefined ? 300 : seconds(e.within),
      resolveWithin: e.resolveWithin === undefined ? 900 : seconds(e.resolveWithin),
    };
  });
  if (issues.length > 0) throw new SourceError(issues);

  const scenario: Scenario = {
    file,
    name: raw.name,
    seed: raw.seed,
    duration,
    interval,
    vantages: raw.vantages,
    model: { components },
    faults,
    noise: { missing: raw.noise?.missing ?? 0, flip: raw.noise?.flip ?? 0 },
    expect: { incidents: expected, quiet: raw.expect?.quiet ?? false },
  };
  if (raw.description !== undefined) scenario.description = raw.description;
  if (raw.expect?.maxIncidents !== undefined) scenario.expect.maxIncidents = raw.expect.maxIncidents;
  if (raw.observations !== undefined) scenario.observations = besideFile(file, raw.observations);
  return scenario;
}

/** `path` as written in `file` (relative to the file's folder unless absolute); pure, so no node:path here. */
function besideFile(file: string, path: string): string {
  if (path.startsWith("/")) return path;
  const slash = file.lastIndexOf("/");
  return slash < 0 ? path : `${file.slice(0, slash + 1)}${path}`;
}
