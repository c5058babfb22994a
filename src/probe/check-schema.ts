/**
 * The YAML form of checks (a component's `checks:` in epicenter.yaml); check-normalise.ts turns them into
 * check-types.ts, probes-schema.ts has `probes:`. One key names the type and the target:
 *
 *   checks:
 *     - http: https://api.acme.example/health
 *       interval: 30s            # default 30s
 *       timeout: 10s             # default 10s, at most the interval
 *       expect: { status: "200-399", bodyContains: ok }
 *       degradedOver: 2s
 *       reuse: true              # keep-alive between runs (default: a fresh connection each run)
 *     - tcp: db.acme.example:5432
 *     - dns: acme.example
 *       type: A
 *       server: 1.1.1.1:53
 *       expect: { exact: [192.0.2.1] }      # or { contains: ... }; default: any non-empty answer
 *     - tls: acme.example:443
 *       degradedUnder: 14d
 *     - heartbeat: { token: "${NIGHTLY_TOKEN}", grace: 5m }
 *       interval: 1d
 *     - statuspage: https://status.vendor.example/api/v2/summary.json
 *       components: { API: saas/vendor/api }
 *     - statuspage: https://status.aws.amazon.com/data.json   # format: auto (default) or named; AWS,
 *                                                             # GCP and Azure feeds map to catalog ids
 */
import * as z from "zod";
import { durationSchema, idSchema } from "../model/component-schema.js";
import type { Env } from "../model/env-refs.js";
import { closestId } from "../model/ids.js";
import { hostPort, RECORD_TYPES, regex, statusSpec, url, withEnvIn } from "./check-fields.js";
import type { CheckType } from "./check-types.js";

const CHECK_TYPES = ["http", "tcp", "dns", "tls", "heartbeat", "statuspage"] as const;

const common = {
  /** Names the check instead of `<component>#<n>`. */
  id: z
    .string()
    .regex(/^[^\s]+$/, "must not contain spaces")
    .optional(),
  interval: durationSchema.optional(),
  timeout: durationSchema.optional(),
  /** Quick re-checks before a down is reported. */
  confirm: z.number().int().min(0).max(10).optional(),
  /** Vantages that run it (default: all). */
  vantages: z.array(idSchema).optional(),
};

const httpInput = (withEnv: ReturnType<typeof withEnvIn>) =>
  z.strictObject({
    http: url(["http:", "https:"]),
    ...common,
    method: z
      .string()
      .regex(/^[A-Za-z]+$/, "must be an HTTP method like GET")
      .optional(),
    headers: z.record(z.string(), withEnv).optional(),
    body: z.string().optional(),
    expect: z
      .strictObject({
        status: statusSpec.optional(),
        bodyContains: z.string().optional(),
        bodyRegex: regex.optional(),
        json: z.strictObject({ path: z.string().min(1), equals: z.unknown() }).optional(),
      })
      .optional(),
    degradedOver: durationSchema.optional(),
    /** false: do not follow; a number: follow at most that many (default 5). */
    redirects: z.union([z.boolean(), z.number().int().min(0).max(20)]).optional(),
    tlsVerify: z.boolean().optional(),
    /** Keep-alive: reuse the connection between runs (default false, or probes.reuse). */
    reuse: z.boolean().optional(),
  });

const tcpInput = z.strictObject({
  tcp: hostPort(),
  ...common,
  expect: z.strictObject({ banner: z.string().min(1) }).optional(),
});

const dnsInput = z.strictObject({
  dns: z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a DNS name"),
  ...common,
  type: z.enum(RECORD_TYPES).optional(),
  server: hostPort(53).optional(),
  expect: z
    .union([
      z.literal("non-empty"),
      z.strictObject({ exact: z.array(z.string()).min(1).optional(), contains: z.string().optional() }),
    ])
    .optional(),
});

const tlsInput = z.strictObject({
  tls: hostPort(443),
  ...common,
  servername: z.string().optional(),
  degradedUnder: durationSchema.optional(),
});

const heartbeatInput = (withEnv: ReturnType<typeof withEnvIn>) =>
  z.strictObject({
    heartbeat: z.strictObject({
      token: withEnv.refine((t) => /^[A-Za-z0-9_-]{16,128}$/.test(t), {
        error: "must be 16 to 128 characters of [A-Za-z0-9_-] (make one with: openssl rand -hex 16)",
      }),
      grace: durationSchema.optional(),
    }),
    ...common,
  });

const statuspageInput = z.strictObject({
  statuspage: url(["http:", "https:"]),
  ...common,
  /** Default auto: read from the body. `feed` is the older name of `rss`. */
  format: z
    .enum(["auto", "statuspage", "rss", "feed", "aws-health", "gcp-incidents", "azure-rss"])
    .optional(),
  /** Vendor component name (or id) → our component id. */
  components: z.record(z.string(), idSchema).optional(),
});

/**
 * One entry of `checks:`, its `${ENV}` references resolved from `env`. The type key is found first, so errors
 * speak of the check the user meant: a missing or misspelt type key, an unknown option with its likely
 * spelling, then that type's own rules.
 */
export function checkInputSchema(env: Env) {
  const withEnv = withEnvIn(env);
  const branches = {
    http: httpInput(withEnv),
    tcp: tcpInput,
    dns: dnsInput,
    tls: tlsInput,
    heartbeat: heartbeatInput(withEnv),
    statuspage: statuspageInput,
  } as const;
  return z.preprocess(
    (value, ctx) => {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
      const keys = Object.keys(value);
      const types = keys.filter((k): k is CheckType => (CHECK_TYPES as readonly string[]).includes(k));
      if (types.length !== 1) {
        const typo = keys.map((k) => [k, closestId(k, CHECK_TYPES)] as const).find(([, hint]) => hint);
        const message =
          types.length > 1
            ? `a check has one type; found ${types.join(" and ")}`
            : `a check needs one of ${CHECK_TYPES.join(", ")}${typo ? `; did you mean "${typo[1]}" instead of "${typo[0]}"?` : ""}`;
        ctx.addIssue({ code: "custom", message, path: typo && types.length === 0 ? [typo[0]] : [] });
        return value;
      }
      const known = Object.keys(branches[types[0]!].shape);
      for (const key of keys.filter((k) => !known.includes(k))) {
        const hint = closestId(key, known) ?? known.find((k) => k.toLowerCase() === key.toLowerCase());
        ctx.addIssue({
          code: "custom",
          message: `unknown key "${key}" for a ${types[0]} check${hint ? `; did you mean "${hint}"?` : ""}`,
          path: [key],
        });
      }
      return value;
    },
    z.union([
      branches.http,
      branches.tcp,
      branches.dns,
      branches.tls,
      branches.heartbeat,
      branches.statuspage,
    ]),
  );
}

export type CheckInput = z.output<ReturnType<typeof checkInputSchema>>;
