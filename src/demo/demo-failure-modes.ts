/**
 * How a demo service that is down or degraded fails, as the real internet's failures arrive: the kind of
 * the fault behind it picks the family, the service's index picks within it, so one fault shows a mix
 * (a region: some connections blackholed, some reset, the rest 5xx) and the same service fails the same
 * way every time. Pure.
 */

export type FailureMode =
  /** The name server answers SERVFAIL for the service's name. */
  | "dns-servfail"
  /** The name server drops the question: resolvers time out. */
  | "dns-timeout"
  /** Connections are accepted and never answered, not even the TLS handshake: a connect timeout. */
  | "blackhole"
  /** Connections are reset as they arrive. */
  | "reset"
  | "http-500"
  | "http-502"
  | "http-503"
  /** An expired certificate, or one for another name, instead of the service's own. */
  | "expired-certificate"
  | "wrong-name-certificate"
  /** Answers 200, slower than the checks' degradedOver. */
  | "slow";

const BY_KIND: Record<string, readonly FailureMode[]> = {
  region: ["blackhole", "reset", "http-503"],
  "cloud-service": ["http-503", "http-500"],
  cdn: ["http-502", "http-503", "wrong-name-certificate", "http-502", "http-503", "expired-certificate"],
  dns: ["dns-servfail", "dns-timeout"],
};

/**
 * The failure mode of service number `index` when it is `state` because of a fault on a component of
 * `kind` (undefined when nothing explains it, e.g. a kind with no family): degraded is always slow, down
 * without a family is HTTP 503.
 */
export function failureMode(
  kind: string | undefined,
  state: "down" | "degraded",
  index: number,
): FailureMode {
  if (state === "degraded") return "slow";
  const family = kind === undefined ? undefined : BY_KIND[kind];
  if (family === undefined) return "http-503";
  return family[index % family.length]!;
}

/** Whether the mode fails at the name server (the service's own server is never reached). */
export function failsAtDns(mode: FailureMode | undefined): mode is "dns-servfail" | "dns-timeout" {
  return mode === "dns-servfail" || mode === "dns-timeout";
}

const IN_WORDS: Record<string, string> = {
  region: "connections blackholed or reset, or HTTP 503",
  "cloud-service": "HTTP 500 or 503",
  cdn: "HTTP 502 or 503, or a wrong-name or expired certificate",
  dns: "SERVFAIL or no answer from the name server",
};

/** How the services a fault of `kind` takes down fail, in words for the chaos line; undefined: HTTP 503. */
export function failuresInWords(kind: string): string | undefined {
  return IN_WORDS[kind];
}
