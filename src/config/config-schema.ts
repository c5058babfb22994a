/**
 * The syntax of epicenter.yaml, composed from the parts that own each section: components (model), checks
 * and `probes:` (probe), `notifications:` (notify), `server.users` (server). `${VAR}` references resolve
 * from the `env` given, so the same file loads the same way for the same inputs.
 */
import * as z from "zod";
import { componentSchema, durationSchema } from "../model/component-schema.js";
import type { Env } from "../model/env-refs.js";
import { groupsSchema } from "../model/group-rule.js";
import { maintenanceSchema } from "../model/maintenance-schema.js";
import { notificationsSchema } from "../notify/channel-schema.js";
import { subscriptionsSchema } from "../notify/subscription-schema.js";
import { checkInputSchema } from "../probe/check-schema.js";
import { probesSchema } from "../probe/probes-schema.js";
import { publicUrlProblem } from "../server/host-policy.js";
import { usersSchema } from "../server/user-schema.js";
import { vantageSchema } from "./vantage-schema.js";

/** A component in epicenter.yaml: the shared syntax plus how it is checked (scenarios have no checks). */
function configComponentSchema(env: Env) {
  return componentSchema.extend({
    checks: z.array(checkInputSchema(env)).optional(),
  });
}

export function configSchema(env: Env) {
  return z.strictObject({
    version: z.literal(1).optional(),
    /** Include the built-in catalog of providers (default true). */
    catalog: z.boolean().optional(),
    /**
     * Lets a reload drop every check or every component (default false): without it such a reload is taken
     * for an empty or half-saved file and refused (src/config/reload-guard.ts).
     */
    allowEmpty: z.boolean().optional().meta({
      description:
        "Accept a reload that leaves no checks or no components (otherwise refused as an empty or half-saved file)",
    }),
    /** Where checks run from: ids, or `{id, region}` / `{id, location: {lat, lon}}` for the world map. */
    vantages: z.array(vantageSchema).optional(),
    components: z.array(configComponentSchema(env)).default([]),
    /** When each component group counts as down (src/model/group-rule.ts); unnamed groups: any member down. */
    groups: groupsSchema.optional(),
    /** Where probes may connect (src/probe/target-guard.ts) and which extra CAs they trust. */
    probes: probesSchema.optional(),
    /** Where incident notifications go (src/notify/channel-schema.ts). */
    notifications: notificationsSchema(env).optional(),
    /** Planned work: incidents of these components notify no one (src/model/maintenance-schema.ts). */
    maintenance: maintenanceSchema.optional(),
    /** The public status page: `subscriptions` turns on e-mail and webhook subscriptions (subscription-schema.ts). */
    status: z.strictObject({ subscriptions: subscriptionsSchema(env).optional() }).optional(),
    /** How long the hub keeps history (default: raw results 1 day, minute rollups 3 days, hourly 400 days). */
    storage: z
      .strictObject({
        retention: z
          .strictObject({
            raw: durationSchema.optional(),
            minute: durationSchema.optional(),
            hour: durationSchema.optional(),
          })
          .optional(),
      })
      .optional(),
    /** The hub's HTTP API. */
    server: z
      .strictObject({
        /** Let anyone without a token read (dashboard, status page, API reads); writes always need one. */
        anonymousRead: z.boolean().optional(),
        /** Dashboard logins by name and password (scrypt hashes only; src/server/user-schema.ts). */
        users: usersSchema.optional(),
        /** Where users reach the hub; other Host headers are refused (src/server/host-policy.ts). */
        publicUrl: z
          .string()
          .superRefine((text, ctx) => {
            const problem = publicUrlProblem(text);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
          })
          .optional(),
      })
      .optional(),
  });
}
