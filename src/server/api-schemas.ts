/**
 * The zod schemas of the API's inputs: one source for validation (errors with the bad field's path), the
 * handlers' types and the OpenAPI document (`z.toJSONSchema` of each, input side).
 */
import * as z from "zod";
import { durationSchema, idSchema } from "../model/component-schema.js";
import { groupNameSchema, groupOf, tagSchema } from "../model/group-rule.js";
import type { ComponentSpec } from "../model/model-types.js";
import { ERROR_CLASSES, MAX_MESSAGE_LENGTH } from "../model/observation.js";
import { TOKEN_ROLES } from "./auth-tokens.js";
import { SESSION_PREFIX } from "./session-users.js";

const EPOCH_MS = /^\d{1,15}$/;
/** ISO 8601 with a date and, when a time is given, a zone (Z or ±hh:mm); a zone-less time would be ambiguous. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** A time in a query: ISO 8601 (`2021-12-07T15:30:00Z`) or epoch milliseconds (`1638891000000`); becomes epoch ms. */
const timeParam = z
  .string()
  .transform((text, ctx) => {
    const ms = EPOCH_MS.test(text) ? Number(text) : ISO_8601.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isFinite(ms)) return ms;
    ctx.addIssue({
      code: "custom",
      message: `invalid time "${text}": use ISO 8601 like 2021-12-07T15:30:00Z or epoch milliseconds`,
    });
    return z.NEVER;
  })
  .meta({
    description: "ISO 8601 (2021-12-07T15:30:00Z) or epoch milliseconds",
    examples: ["2021-12-07T15:30:00Z"],
  });

const limitParam = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: "must be a whole number" })
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .meta({ description: `At most this many items, newest first (1 to ${max})` });

const booleanParam = z
  .enum(["true", "false"], { error: 'must be "true" or "false"' })
  .transform((v) => v === "true");

/** from < to when both are given (the range is [from, to)). */
const orderedRange = <T extends { from?: number; to?: number }>(value: T, ctx: z.RefinementCtx) => {
  if (value.from !== undefined && value.to !== undefined && value.from >= value.to)
    ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from (the range is [from, to))" });
};

/** `?tag=` and `?group=`, shared by the component lists (components, states, summary). */
export const groupFilters = {
  tag: tagSchema.optional().meta({ description: "Only components with this tag" }),
  group: groupNameSchema.optional().meta({
    description: "Only components in this group (their `group`, else the first segment of their id)",
  }),
};

/** Whether a component passes `?tag=` and `?group=`. */
export function inGroupFilters(
  spec: ComponentSpec | undefined,
  q: { tag?: string; group?: string },
): boolean {
  if (q.tag !== undefined && !(spec?.tags ?? []).includes(q.tag)) return false;
  if (q.group !== undefined && (spec === undefined || groupOf(spec) !== q.group)) return false;
  return true;
}

export const componentsQuery = z.strictObject({
  ...groupFilters,
  kind: z
    .string()
    .max(100)
    .optional()
    .meta({ description: "Only components of this kind (provider, region, …)" }),
  observed: booleanParam
    .optional()
    .meta({ description: "Only components checked directly (true) or not (false)" }),
});

export const statesQuery = z.strictObject({
  ...groupFilters,
  belief: z
    .enum(["up", "failing", "affected"])
    .optional()
    .meta({ description: "Only components with this belief" }),
});

export const observationsQuery = z
  .strictObject({
    component: idSchema.optional().meta({ description: "Only this component" }),
    vantage: idSchema.optional().meta({ description: "Only this vantage" }),
    from: timeParam.optional().meta({ description: "Inclusive lower bound: ISO 8601 or epoch ms" }),
    to: timeParam.optional().meta({ description: "Exclusive upper bound: ISO 8601 or epoch ms" }),
    limit: limitParam(10_000).optional(),
  })
  .superRefine(orderedRange);

export const rollupsQuery = z
  .strictObject({
    resolution: z.enum(["1m", "1h"]).meta({ description: "Bucket size" }),
    component: idSchema.optional().meta({ description: "Only this component" }),
    vantage: idSchema.optional().meta({ description: "Only this vantage" }),
    from: timeParam.optional().meta({ description: "Buckets starting at or after: ISO 8601 or epoch ms" }),
    to: timeParam.optional().meta({ description: "Buckets starting before: ISO 8601 or epoch ms" }),
    limit: limitParam(10_000).optional(),
  })
  .superRefine(orderedRange);

export const incidentsQuery = z.strictObject({
  open: booleanParam.optional().meta({ description: "true: only open incidents; false: only resolved ones" }),
  before: timeParam
    .optional()
    .meta({ description: "Only incidents opened before this time (paging): ISO 8601 or epoch ms" }),
  limit: limitParam(1_000).optional(),
});

export const streamQuery = z.strictObject({
  access_token: z.string().optional().meta({
    description: "The API token, for EventSource clients that cannot send an Authorization header",
  }),
});

const observationSchema = z.strictObject({
  id: z.string().min(1).max(200).meta({ description: "Unique per observation; repeats are stored once" }),
  at: z.number().int().nonnegative().meta({ description: "When the check finished, epoch ms" }),
  vantage: idSchema,
  component: idSchema,
  check: z.string().min(1).max(200),
  status: z.enum(["up", "degraded", "down"]),
  latencyMs: z.number().nonnegative().nullable(),
  errorClass: z.enum(ERROR_CLASSES).nullable(),
  message: z.string().max(MAX_MESSAGE_LENGTH).optional(),
  phases: z
    .strictObject({
      dns: z.number().nonnegative().optional(),
      connect: z.number().nonnegative().optional(),
      tls: z.number().nonnegative().optional(),
      firstByte: z.number().nonnegative().optional(),
      total: z.number().nonnegative(),
    })
    .optional()
    .meta({
      description: "Time per phase of a failed or degraded check, ms (kept in memory for the component page)",
    }),
});

const MAX_INGEST_BATCH = 10_000;

export const ingestBody = z.strictObject({
  observations: z.array(observationSchema).min(1).max(MAX_INGEST_BATCH),
});

export const whatIfBody = z.strictObject({
  failed: z
    .array(z.string().min(1).max(300))
    .min(1)
    .max(1_000)
    .meta({ description: "Component ids assumed down, e.g. aws/us-east-1" }),
});

export const tokenBody = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    // Sessions are bound to the config's user of their name (session-users.ts): a hand-made one would be too.
    .refine((name) => !name.startsWith(SESSION_PREFIX), {
      error: `names starting with "${SESSION_PREFIX}" are kept for password logins`,
    })
    .meta({ description: "Who or what uses it (an agent, a person)" }),
  role: z.enum(TOKEN_ROLES),
  vantage: idSchema
    .optional()
    .meta({ description: "The one vantage an agent token may post observations as (agent tokens only)" }),
  expiresIn: durationSchema
    .optional()
    .meta({ description: "Lifetime, like 30d or 12h; never expires when absent" }),
});

export const loginBody = z.strictObject({
  name: z.string().min(1).max(64).meta({ description: "A user of the config's server.users" }),
  password: z.string().min(1).max(1024),
});
