/** Loads epicenter.yaml: the user's components merged over the built-in catalog. */
import { readFileSync } from "node:fs";
import * as z from "zod";
import { catalogComponents } from "../catalog/catalog-data.js";
import { type ChannelConfig, notificationsSchema } from "../notify/channel-schema.js";
import { componentSchema, idSchema, normaliseComponent } from "./component-schema.js";
import { checkModel } from "./model-check.js";
import { SourceError } from "./model-errors.js";
import type { ComponentSpec, Model } from "./model-types.js";
import { parseYamlSource, throwIfAny, type YamlSource, zodIssues } from "./yaml-source.js";

export const configSchema = z.strictObject({
  version: z.literal(1).optional(),
  /** Include the built-in catalog of providers (default true). */
  catalog: z.boolean().optional(),
  vantages: z.array(idSchema).optional(),
  components: z.array(componentSchema).default([]),
  /** Where incident notifications go (src/notify/channel-schema.ts). */
  notifications: notificationsSchema.optional(),
});

export interface Config {
  file: string;
  vantages: string[];
  model: Model;
  /** How many components came from the user's file (the rest from the catalog). */
  userComponents: number;
  /** Notification channels, secrets resolved from `${ENV_VAR}` references. */
  notifications: ChannelConfig[];
}

export function loadConfigFile(file: string): Config {
  return parseConfig(file, readSource(file));
}

export function readSource(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new SourceError([{ file, line: 0, path: "", message: `cannot read: ${why}` }], { cause: error });
  }
}

export function parseConfig(file: string, text: string): Config {
  const source = parseYamlSource(file, text);
  return configFromSource(source);
}

export function configFromSource(source: YamlSource): Config {
  const parsed = configSchema.safeParse(source.value ?? {});
  if (!parsed.success) throw new SourceError(zodIssues(source, parsed.error.issues));
  const user = parsed.data.components.map(normaliseComponent);
  const components = mergeCatalog(user, parsed.data.catalog ?? true);
  throwIfAny(
    checkModel(components, parsed.data.vantages ?? []).map((p) => {
      const [i, ...rest] = p.path as [number, ...(string | number)[]];
      if (i < user.length) return source.issue(["components", i, ...rest], p.message);
      return { file: source.file, line: 0, path: `catalog ${components[i]!.id}`, message: p.message };
    }),
  );
  return {
    file: source.file,
    vantages: parsed.data.vantages ?? [],
    model: { components },
    userComponents: user.length,
    notifications: parsed.data.notifications ?? [],
  };
}

/** User components first (file order, so error paths stay true), then catalog entries the user did not override. */
export function mergeCatalog(user: ComponentSpec[], includeCatalog: boolean): ComponentSpec[] {
  if (!includeCatalog) return user;
  const declared = new Set(user.map((c) => c.id));
  return [...user, ...catalogComponents().filter((c) => !declared.has(c.id))];
}
