/**
 * A check input (check-schema.ts) as the check check-types.ts describes: defaults filled in, durations in
 * ms, ids `<component>#<n>` unless named, `probes:` defaults (reuse) applied.
 */
import { parseDuration } from "../model/duration.js";
import { formatServer, parseHostPort, parseStatusRanges } from "./check-fields.js";
import type { CheckInput } from "./check-schema.js";
import type { Check, DnsCheck, HttpCheck } from "./check-types.js";

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
