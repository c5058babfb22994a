/**
 * The YAML form of checks (a component's `checks:` in epicenter.yaml) and of `probes:`, and their
 * normalisation into check-types.ts. One key names the type and the target:
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
import { parseDuration } from "../model/duration.js";
import { type Env, resolveEnvRefs } from "../model/env-refs.js";
import { closestId } from "../model/ids.js";
import type { Check, CheckType, DnsCheck, HttpCheck } from "./check-types.js";
import { DENIABLE_RANGES, parseCidr } from "./target-guard.js";

const CHECK_TYPES = ["http", "tcp", "dns", "tls", "heartbeat", "statuspage"] as const;
export const RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA"] as const;
// An unset timeout is 10 s or the interval, whichever is shorter.
const DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 10_000,
  confirm: 1,
  maxRedirects: 5,
  graceMs: 60_000,
  days: 14,
};

/** What an http check does when the config says nothing more than its URL. */
export function httpDefaults(): Pick<
  HttpCheck,
  "method" | "headers" | "expectStatus" | "followRedirects" | "maxRedirects" | "tlsVerify"
> {
  return {
    method: "GET",
    headers: {},
    expectStatus: [[200, 399]],
    followRedirects: true,
    maxRedirects: 5,
    tlsVerify: true,
  };
}

/** `${ENV}` references resolved from `env` (header values, heartbeat tokens). */
const withEnvIn = (env: Env) =>
  z.string().transform((text, ctx) => {
    const { value, missing } = resolveEnvRefs(text, env);
    for (const name of missing)
      ctx.addIssue({ code: "custom", message: `environment variable ${name} is not set` });
    return value;
  });

const url = (protocols: string[]) =>
  z.string().refine(
    (text) => {
      try {
        return protocols.includes(new URL(text).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a ${protocols.map((p) => `${p}//`).join(" or ")} URL` },
  );

/** `host:port` or `[v6]:port`; the port may be left out only where `defaultPort` is given. */
export function parseHostPort(
  text: string,
  defaultPort?: number,
): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m) return undefined;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port === undefined || port < 1 || port > 65535) return undefined;
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

const hostPort = (defaultPort?: number) =>
  z.string().refine((t) => parseHostPort(t, defaultPort) !== undefined, {
    error: `must be host:port${defaultPort ? ` (port defaults to ${defaultPort})` : ""}, e.g. db.acme.example:5432`,
  });

/** "200-399", "200-299,404", 204 or a list of those → inclusive ranges; undefined when malformed. */
function parseStatusRanges(spec: string | number | (string | number)[]): [number, number][] | undefined {
  const parts = (Array.isArray(spec) ? spec : [spec]).flatMap((p) => String(p).split(","));
  const ranges: [number, number][] = [];
  for (const part of parts) {
    const m = /^\s*(\d{3})\s*(?:-\s*(\d{3}))?\s*$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = Number(m[2] ?? m[1]);
    if (lo < 100 || hi > 599 || lo > hi) return undefined;
    ranges.push([lo, hi]);
  }
  return ranges.length > 0 ? ranges : undefined;
}

const statusSpec = z
  .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))])
  .refine((s) => parseStatusRanges(s) !== undefined, {
    error: 'must be status codes or ranges between 100 and 599, like "200-399" or "200-299,404"',
  });

const regex = z.string().refine(
  (text) => {
    try {
      new RegExp(text);
      return true;
    } catch {
      return false;
    }
  },
  { error: "is not a valid regular expression" },
);

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

/** `probes:` at the top of epicenter.yaml: where probes may connect, which extra CAs they trust. */
export const probesSchema = z.strictObject({
  deny: z.array(z.enum(DENIABLE_RANGES)).optional(),
  allow: z
    .array(z.string().refine((t) => parseCidr(t) !== undefined, { error: "must be a CIDR like 10.1.0.0/16" }))
    .optional(),
  /** Extra trusted CAs: PEM certificates, or paths to PEM files relative to the config file. */
  ca: z.array(z.string().min(1)).optional(),
  /**
   * Well-known targets each vantage probes to judge its own health ("can I reach the world?"), as
   * `epicenter check` TARGETs: https://..., tcp://host:port, dns://name?server=..., tls://host:port.
   */
  anchors: z.array(z.string().min(1)).optional(),
  /**
   * Every http check keeps its connection open between runs unless it says `reuse: false` (default false:
   * each run resolves, connects and handshakes anew, as a user's browser does).
   */
  reuse: z.boolean().optional(),
});

const ms = (duration: string | number | undefined, fallback: number) =>
  duration === undefined ? fallback : Math.round(parseDuration(duration)! * 1000);

/** What `probes:` sets for every check that does not say otherwise. */
export interface CheckDefaults {
  /** `probes.reuse`: http checks keep their connection between runs. */
  reuse?: boolean | undefined;
}

/** A check as check-types.ts has it. `n` is its 1-based position among its component's checks. */
export function normaliseCheck(
  component: string,
  input: CheckInput,
  n: number,
  defaults: CheckDefaults = {},
): Check {
  const base = {
    id: input.id ?? `${component}#${n}`,
    component,
    intervalMs: ms(input.interval, DEFAULTS.intervalMs),
    timeoutMs: ms(input.timeout, Math.min(DEFAULTS.timeoutMs, ms(input.interval, DEFAULTS.intervalMs))),
    vantages: input.vantages ?? [],
    confirm: input.confirm ?? DEFAULTS.confirm,
  };
  if ("http" in input) {
    const e = input.expect ?? {};
    return {
      ...base,
      type: "http",
      url: input.http,
      method: (input.method ?? (input.body === undefined ? "GET" : "POST")).toUpperCase(),
      headers: input.headers ?? {},
      ...(input.body !== undefined ? { body: input.body } : {}),
      expectStatus: parseStatusRanges(e.status ?? "200-399")!,
      ...(e.bodyContains !== undefined ? { bodyContains: e.bodyContains } : {}),
      ...(e.bodyRegex !== undefined ? { bodyRegex: e.bodyRegex } : {}),
      ...(e.json ? { jsonPath: { path: e.json.path, equals: e.json.equals } } : {}),
      ...(input.degradedOver !== undefined ? { degradedOverMs: ms(input.degradedOver, 0) } : {}),
      followRedirects: input.redirects !== false && input.redirects !== 0,
      maxRedirects: typeof input.redirects === "number" ? input.redirects : DEFAULTS.maxRedirects,
      tlsVerify: input.tlsVerify ?? true,
      ...((input.reuse ?? defaults.reuse) ? { reuse: true } : {}),
    };
  }
  if ("tcp" in input) {
    const { host, port } = parseHostPort(input.tcp)!;
    return {
      ...base,
      type: "tcp",
      host,
      port,
      ...(input.expect ? { expectBanner: input.expect.banner } : {}),
    };
  }
  if ("dns" in input) {
    const expect: DnsCheck["expect"] =
      input.expect === undefined || input.expect === "non-empty" ? "non-empty" : { ...input.expect };
    return {
      ...base,
      type: "dns",
      name: input.dns,
      recordType: input.type ?? "A",
      ...(input.server ? { server: formatServer(input.server) } : {}),
      expect,
    };
  }
  if ("tls" in input) {
    const { host, port } = parseHostPort(input.tls, 443)!;
    const days =
      input.degradedUnder === undefined ? DEFAULTS.days : parseDuration(input.degradedUnder)! / 86_400;
    return {
      ...base,
      type: "tls",
      host,
      port,
      ...(input.servername ? { servername: input.servername } : {}),
      degradedUnderDays: days,
    };
  }
  if ("heartbeat" in input) {
    return {
      ...base,
      type: "heartbeat",
      token: input.heartbeat.token,
      graceMs: ms(input.heartbeat.grace, DEFAULTS.graceMs),
    };
  }
  return {
    ...base,
    type: "statuspage",
    url: input.statuspage,
    format: input.format ?? "auto",
    components: input.components ?? {},
  };
}

/** `host` or `host:port` as node:dns setServers wants it (IPv6 in brackets when a port is given). */
function formatServer(text: string): string {
  const { host, port } = parseHostPort(text, 53)!;
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A problem found across checks, with its path under the check (`["timeout"]`) and which check. */
export interface CheckProblem {
  check: number;
  path: (string | number)[];
  message: string;
}

/**
 * Rules that need more than one check or the model: unique ids, timeouts within intervals, known
 * components in status page mappings, known vantages. `checks[i]` is judged as the i-th normalised check.
 */
export function checkChecks(
  checks: Check[],
  components: ReadonlySet<string>,
  vantages: string[],
): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const seen = new Map<string, number>();
  checks.forEach((check, i) => {
    const first = seen.get(check.id);
    if (first !== undefined)
      problems.push({
        check: i,
        path: ["id"],
        message: `duplicate check id "${check.id}" (also check ${first + 1})`,
      });
    seen.set(check.id, i);
    if (check.timeoutMs > check.intervalMs)
      problems.push({
        check: i,
        path: ["timeout"],
        message: `timeout ${check.timeoutMs}ms is longer than the interval ${check.intervalMs}ms`,
      });
    check.vantages.forEach((v, j) => {
      if (vantages.includes(v)) return;
      const hint = closestId(v, vantages);
      problems.push({
        check: i,
        path: ["vantages", j],
        message: `unknown vantage "${v}"${hint ? `; did you mean "${hint}"?` : ` (declare it under vantages:)`}`,
      });
    });
    if (check.type === "statuspage")
      for (const [vendor, ours] of Object.entries(check.components)) {
        if (components.has(ours)) continue;
        const hint = closestId(ours, components);
        problems.push({
          check: i,
          path: ["components", vendor],
          message: `unknown component "${ours}"${hint ? `; did you mean "${hint}"?` : ""}`,
        });
      }
  });
  return problems;
}
