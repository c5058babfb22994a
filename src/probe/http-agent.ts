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
  policy?: ProbePolicy;
  resolver?: HostResolver;
  localAddress?: string;
  tlsVerify: boolean;
}

// Idle connections are closed after this: long enough to span a 30 s interval, short enough not to pile up.
const KEEP_ALIVE_MS = 60_000;
const CONNECT_TIMEOUT_MS = 30_000;

const agents = new WeakMap<ProbePolicy, WeakMap<HostResolver, Map<string, Agent>>>();
const socketTimings = new WeakMap<net.Socket, Omit<RequestTrace, "sentAt" | "headersAt">>();

/** The shared Agent for this key (created on first use). */
export function agentFor(key: AgentKey): Agent {
  const policy = key.policy ?? DEFAULT_PROBE_POLICY;
  const resolver = key.resolver ?? systemResolver;
  const byResolver = getOrCreate(agents, policy, () => new WeakMap());
  const byName = getOrCreate(byResolver, resolver, () => new Map());
  const name = `${key.localAddress ?? ""}|${key.tlsVerify}`;
  const agent = getOrCreate(byName, name, () =>
    createAgent(policy, resolver, key.localAddress, key.tlsVerify),
  );
  return agent;
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
            socketTimings.set(socket, record);
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
          socketTimings.set(secure, record);
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
// next `undici:request:create`.
let pending: RequestTrace | undefined;
const traces = new WeakMap<object, RequestTrace>();
let subscribed = false;

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe("undici:request:create", (message) => {
    const { request } = message as { request: object };
    if (pending) traces.set(request, pending);
    pending = undefined;
  });
  diagnostics.subscribe("undici:client:sendHeaders", (message) => {
    const { request, socket } = message as { request: object; socket: net.Socket };
    const trace = traces.get(request);
    if (!trace) return;
    trace.sentAt = performance.now();
    const connected = socketTimings.get(socket);
    if (connected) {
      // Only the first request on a connection paid for setting it up.
      socketTimings.delete(socket);
      Object.assign(trace, connected);
    }
  });
  diagnostics.subscribe("undici:request:headers", (message) => {
    const trace = traces.get((message as { request: object }).request);
    if (trace) trace.headersAt = performance.now();
  });
}

/** Runs `dispatch` (which must start one undici request synchronously) and returns the trace it fills. */
export function traced<T>(dispatch: () => T): { result: T; trace: RequestTrace } {
  subscribeOnce();
  const trace: RequestTrace = {};
  pending = trace;
  try {
    return { result: dispatch(), trace };
  } finally {
    pending = undefined;
  }
}
