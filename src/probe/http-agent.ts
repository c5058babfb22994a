/**
 * undici Agents for HTTP checks: keep-alive pools shared per (policy, resolver, source address, TLS
 * verification), whose connector goes through the target guard, and per-request phase timings (DNS,
 * connect, TLS, first byte) gathered from the connector and undici's diagnostics channels.
 */
import diagnostics from "node:diagnostics_channel";
import type net from "node:net";
import { Agent } from "undici";
import { connectGuarded, type HostResolver, systemResolver, upgradeTls } from "./guarded-connect.js";
import { DEFAULT_PROBE_POLICY, type ProbePolicy } from "./target-guard.js";

/** What one request went through; phases of a reused connection stay absent. */
export interface RequestTrace {
  dns?: number;
  connect?: number;
  tls?: number;
  sentAt?: number;
  headersAt?: number;
}

export interface AgentKey {
  policy?: ProbePolicy | undefined;
  resolver?: HostResolver | undefined;
  localAddress?: string | undefined;
  tlsVerify: boolean;
}

// Idle connections are closed after this: long enough to span a 30 s interval, short enough not to pile up.
const KEEP_ALIVE_MS = 60_000;
const CONNECT_TIMEOUT_MS = 30_000;

const agents = new WeakMap<ProbePolicy, WeakMap<HostResolver, Map<string, Agent>>>();
/** A new connection's setup timings, on the socket until its first request takes them. */
const SETUP = Symbol("epicenter.setup");
type TimedSocket = net.Socket & { [SETUP]?: Omit<RequestTrace, "sentAt" | "headersAt"> | undefined };

/** The Agents for the default policy and resolver and no source address, by tlsVerify: no lookups per check. */
const defaults: { verify?: Agent; noVerify?: Agent } = {};

/** The shared Agent for this key (created on first use). */
export function agentFor(key: AgentKey): Agent {
  const policy = key.policy ?? DEFAULT_PROBE_POLICY;
  const resolver = key.resolver ?? systemResolver;
  if (policy === DEFAULT_PROBE_POLICY && resolver === systemResolver && !key.localAddress) {
    const slot = key.tlsVerify ? "verify" : "noVerify";
    defaults[slot] ??= sharedAgent(policy, resolver, undefined, key.tlsVerify);
    return defaults[slot];
  }
  return sharedAgent(policy, resolver, key.localAddress, key.tlsVerify);
}

function sharedAgent(
  policy: ProbePolicy,
  resolver: HostResolver,
  localAddress: string | undefined,
  tlsVerify: boolean,
): Agent {
  const byResolver = getOrCreate(agents, policy, () => new WeakMap());
  const byName = getOrCreate(byResolver, resolver, () => new Map());
  const name = `${localAddress ?? ""}|${tlsVerify}`;
  return getOrCreate(byName, name, () => createAgent(policy, resolver, localAddress, tlsVerify));
}

function getOrCreate<K, V>(
  map: { get(k: K): V | undefined; set(k: K, v: V): unknown },
  key: K,
  make: () => V,
): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function createAgent(
  policy: ProbePolicy,
  resolver: HostResolver,
  localAddress: string | undefined,
  tlsVerify: boolean,
): Agent {
  return new Agent({
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS,
    // The check's own signal is its deadline; undici's separate header/body timers would only race it.
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: (opts, callback) => {
      const port = Number(opts.port) || (opts.protocol === "https:" ? 443 : 80);
      const host = opts.hostname;
      connectGuarded({
        host,
        port,
        policy,
        resolver,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        ...(localAddress ? { localAddress } : {}),
      })
        .then(async ({ socket, timings }) => {
          const record: Omit<RequestTrace, "sentAt" | "headersAt"> = { ...timings };
          if (opts.protocol !== "https:") {
            (socket as TimedSocket)[SETUP] = record;
            return socket;
          }
          const started = performance.now();
          const secure = await upgradeTls(socket, {
            servername: opts.servername || host.replace(/^\[|\]$/g, ""),
            rejectUnauthorized: tlsVerify,
            anchors: policy.ca,
            alpn: ["http/1.1"],
          });
          record.tls = performance.now() - started;
          (secure as TimedSocket)[SETUP] = record;
          return secure;
        })
        .then(
          (socket) => callback(null, socket),
          (error: Error) => callback(error, null),
        );
    },
  });
}

// Request ↔ trace correlation. undici creates its Request synchronously inside dispatch (the pools here
// have no connection limit, so nothing is queued), so the trace waiting in `pending` belongs to the very
// next `undici:request:create`; it is kept on the request under a symbol (cheaper than a WeakMap entry per
// request, which the garbage collector must also visit).
const TRACE = Symbol("epicenter.trace");
type TracedRequest = { [TRACE]?: RequestTrace };
let pending: RequestTrace | undefined;
let subscribed = false;

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe("undici:request:create", (message) => {
    if (pending === undefined) return;
    (message as { request: TracedRequest }).request[TRACE] = pending;
    pending = undefined;
  });
  diagnostics.subscribe("undici:client:sendHeaders", (message) => {
    const { request, socket } = message as { request: TracedRequest; socket: TimedSocket };
    const trace = request[TRACE];
    if (trace === undefined) return;
    trace.sentAt = performance.now();
    const connected = socket[SETUP];
    if (connected !== undefined) {
      // Only the first request on a connection paid for setting it up.
      socket[SETUP] = undefined;
      if (connected.dns !== undefined) trace.dns = connected.dns;
      if (connected.connect !== undefined) trace.connect = connected.connect;
      if (connected.tls !== undefined) trace.tls = connected.tls;
    }
  });
  diagnostics.subscribe("undici:request:headers", (message) => {
    const trace = (message as { request: TracedRequest }).request[TRACE];
    if (trace !== undefined) trace.headersAt = performance.now();
  });
}

/**
 * The trace the next undici request fills: call it, start exactly one request synchronously, then call
 * `untraced()` (in a finally) so no later request takes it.
 */
export function traceNext(): RequestTrace {
  subscribeOnce();
  const trace: RequestTrace = {};
  pending = trace;
  return trace;
}

export function untraced(): void {
  pending = undefined;
}
