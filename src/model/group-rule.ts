/**
 * The syntax of component groups and tags in epicenter.yaml: a component's `group` and `tags`, and the
 * `groups:` section saying when a group counts as down (any member down, all of them, or at least k).
 */
import * as z from "zod";

/** When a group counts as down: `any` member down (the default), `all` of them, or `atLeast` k of them. */
export type GroupRule = { rule: "any" } | { rule: "all" } | { rule: "atLeast"; k: number };

export const DEFAULT_GROUP_RULE: GroupRule = { rule: "any" };

export const TAG_RULE = "1..64 characters of [A-Za-z0-9._:-], starting with a letter or digit";
const TAG = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export const tagSchema = z
  .string()
  .refine((t) => TAG.test(t), { error: (iss) => `invalid tag "${String(iss.input)}": ${TAG_RULE}` });

// Shown as a heading on the public page: printable text only, so a stray newline cannot break a layout.
export const groupNameSchema = z
  .string()
  .trim()
  .min(1, { error: "a group name cannot be empty" })
  .max(100, { error: "a group name is at most 100 characters" })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
  .refine((t) => !/[\u0000-\u001f\u007f]/.test(t), { error: "a group name cannot hold control characters" });

const groupRuleSchema = z.union([
  z.strictObject({ rule: z.literal("any") }),
  z.strictObject({ rule: z.literal("all") }),
  z.strictObject({ rule: z.literal("atLeast"), k: z.number().int().min(1) }),
]);

/** `groups: {Payments: {rule: atLeast, k: 2}}`: the rule of each group named; others use `any`. */
export const groupsSchema = z.record(groupNameSchema, groupRuleSchema);

/** The rule a group follows: the one configured, else `any`. */
export function ruleOf(rules: Readonly<Record<string, GroupRule>>, group: string): GroupRule {
  return Object.hasOwn(rules, group) ? rules[group]! : DEFAULT_GROUP_RULE;
}

/** The group a component is shown in: its `group`, else the first segment of its id (its provider). */
export function groupOf(spec: { id: string; group?: string }): string {
  return spec.group ?? spec.id.split("/")[0]!;
}
