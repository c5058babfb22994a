/**
 * `probes.resolver`: the DNS server a vantage's checks ask instead of the system's resolver, as
 * `host:port` with an IP literal host (a resolver cannot be found by name). Parsing is pure; the resolver
 * made for one address is shared, so the HTTP pools keyed by resolver are too.
 */
import { type HostResolver, nameServerResolver } from "./guarded-connect.js";
import type { ProbeContext } from "./probe-context.js";
import { ProbeError } from "./probe-errors.js";
import { DEFAULT_PROBE_POLICY, guardAddress, isIpLiteral } from "./target-guard.js";

/** The address and port of `host:port` or `[v6]:port`; undefined unless the host is an IP literal and the port 1-65535. */
export function parseNameServer(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const host = (match[1] ?? match[2])!;
  const port = Number(match[3]);
  if (!isIpLiteral(host) || port < 1 || port > 65_535) return undefined;
  return { host, port };
}

/** Why `text` is not a resolver address, in words for a config error; undefined when it is one. */
export function nameServerProblem(text: string): string | undefined {
  return parseNameServer(text) === undefined
    ? `must be host:port with an IP address, like 127.0.0.1:5353 or [::1]:53, not "${text}"`
    : undefined;
}

/** Which resolver each vantage's checks ask: one for all, and overrides per vantage. */
export interface NameServers {
  default?: string;
  vantages: Record<string, string>;
}

/** The name server `vantage` asks, or undefined for the system's resolver. */
export function nameServerFor(servers: NameServers | undefined, vantage: string): string | undefined {
  return servers?.vantages[vantage] ?? servers?.default;
}

const resolvers = new Map<string, HostResolver>();
// One try of 2 s: under the usual check timeouts (3 s and up), so a resolver that drops the question is
// reported as a DNS timeout, not cut short by the check's deadline as a connect timeout.
const QUESTION_TIMEOUT_MS = 2000;

/**
 * The resolver a check run uses: the context's own (tests), else one asking `ctx.nameServer`, whose
 * address the target guard judges first (a ProbeError `blocked` when refused), else undefined (the
 * system's). Every address it returns is still judged by the guard before a connection is opened.
 */
export function contextResolver(ctx: ProbeContext): HostResolver | undefined {
  if (ctx.resolver !== undefined || ctx.nameServer === undefined) return ctx.resolver;
  const server = parseNameServer(ctx.nameServer);
  if (server === undefined) throw new ProbeError("protocol", `bad resolver address ${ctx.nameServer}`);
  const decision = guardAddress(server.host, ctx.policy ?? DEFAULT_PROBE_POLICY);
  if (!decision.allowed)
    throw new ProbeError("blocked", `resolver refused by the probe policy: ${decision.reason}`);
  let resolver = resolvers.get(ctx.nameServer);
  if (resolver === undefined) {
    resolver = nameServerResolver(ctx.nameServer, QUESTION_TIMEOUT_MS);
    resolvers.set(ctx.nameServer, resolver);
  }
  return resolver;
}
