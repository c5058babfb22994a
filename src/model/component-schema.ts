/** The component syntax shared by epicenter.yaml and scenario files (scenario.md, "Components"). */
import * as z from "zod";
import { DURATION_RULE, parseDuration } from "./duration.js";
import { groupNameSchema, tagSchema } from "./group-rule.js";
import { ID_RULE, isValidId } from "./ids.js";
import type { ComponentSpec, RequireItem } from "./model-types.js";

export const idSchema = z
  .string()
  .refine(isValidId, { error: (iss) => `invalid id "${String(iss.input)}": ${ID_RULE}` });

export const durationSchema = z
  .union([z.string(), z.number()])
  .refine((v) => parseDuration(v) !== undefined, {
    error: (iss) => `invalid duration "${String(iss.input)}": ${DURATION_RULE}`,
  });

const hidden = z.boolean().optional();

const requireItemSchema = z.union([
  idSchema,
  z.strictObject({ id: idSchema, soft: z.boolean().optional(), hidden }),
  z.strictObject({ anyOf: z.array(idSchema).min(1), hidden }),
  z.strictObject({ atLeast: z.number().int().min(1), of: z.array(idSchema).min(1), hidden }),
]);

export const componentSchema = z.strictObject({
  id: idSchema,
  kind: z.string().min(1).optional(),
  name: z.string().optional(),
  observed: z.boolean().optional(),
  requires: z.array(requireItemSchema).optional(),
  /** Labels for filtering (API `?tag=`, notification channels, `report sla --tag`). */
  tags: z.array(tagSchema).optional(),
  /** The group the dashboard and status page show it in (its state: the `groups:` rule, group-status.ts). */
  group: groupNameSchema.optional(),
});

export type ComponentInput = z.infer<typeof componentSchema>;

function normaliseItem(item: z.infer<typeof requireItemSchema>): RequireItem {
  if (typeof item === "string") return { type: "hard", id: item, hidden: false };
  if ("anyOf" in item) return { type: "anyOf", of: item.anyOf, hidden: item.hidden ?? false };
  if ("atLeast" in item)
    return { type: "atLeast", k: item.atLeast, of: item.of, hidden: item.hidden ?? false };
  return { type: item.soft ? "soft" : "hard", id: item.id, hidden: item.hidden ?? false };
}

export function normaliseComponent(input: ComponentInput): ComponentSpec {
  const spec: ComponentSpec = {
    id: input.id,
    kind: input.kind ?? "service",
    observed: input.observed ?? false,
    requires: (input.requires ?? []).map(normaliseItem),
  };
  if (input.name !== undefined) spec.name = input.name;
  if (input.tags !== undefined && input.tags.length > 0) spec.tags = [...new Set(input.tags)];
  if (input.group !== undefined) spec.group = input.group;
  return spec;
}
