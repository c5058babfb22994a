/**
 * undici Agents for HTTP checks: pools per (policy, resolver, source address, TLS verification, reuse), whose
 * connector goes through the target guard, and per-request phase timings (DNS, connect, TLS, first byte)
 * gathered from the connector and undici's diagnostics channels. A fresh-connection check (the default) gets
 * pools of its own and sends each request with `reset` (Connection: close, the socket closed after the
 * answer), so it never rides a socket a keep-alive check left open and every run resolves, is guarded,
 * connects and handshakes anew. The pools and the "next request's trace" slot belong to an HttpAgents
 * instance: a probe runner owns one (ProbeContext.http) and closes it when it stops; runs that pass none
 * share the default one made here.
 */
import diagnostics from "node:diagnostics_channel";
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
  /** Keep-alive pools (true) or fresh-connection ones (false): the two never share a socket. */
  reuse: boolean;
}

// A keep-alive check's idle connections are closed after this: long enough to span a 30 s interval, short
// enough not to pile up.
const KEEP_ALIVE_MS = 60_000;
const CONNECT_TIMEOUT_MS = 30_000;

/** A new connection's setup timings, on the socket until its first request takes them. */
type Setup = Omit<RequestTrace, "sentAt" | "headersAt">;
type Tagged = Record<symbol, unknown>;
type DefaultSlot = `${"verify" | "noVerify"}${"Reuse" | "Fresh"}`;

/** The pools of one probe runner, and the correlation of its requests with their traces. */
export class HttpAgents {
  readonly #agents = new WeakMap<ProbePolicy, WeakMap<HostResolver, Map<string, Agent>>>();
  /** Every Agent made, for close(). */
  readonly #all = new Set<Agent>();
  /** The Agents for the default policy and resolver and no source address, by tlsVerify and reuse: no lookups per check. */
  readonly #defaults: Partial<Record<DefaultSlot, Agent>> = {};
  // Own symbols: another instance's handlers never touch this one's sockets and requests.
  readonly #setup = Symbol("epicenter.setup");
  readonly #trace = Symbol("epicenter.trace");
  #pending: RequestTrace | undefined;
  #subscribed = false;

  /** The shared Agent for this key (created on first use). */
  agentFor(key: AgentKey): Agent {
    const policy = key.policy ?? DEFAULT_PROBE_POLICY;
    const resolver = key.resolver ?? systemResolver;
    if (policy === DEFAULT_PROBE_POLICY && resolver === systemResolver && !key.localAddress) {
      const slot: DefaultSlot = `${key.tlsVerify ? "verify" : "noVerify"}${key.reuse ? "Reuse" : "Fresh"}`;
      this.#defaults[slot] ??= this.#sharedAgent(policy, resolver, undefined, key.tlsVerify, key.reuse);
      return this.#defaults[slot];
    }
    return this.#sharedAgent(policy, resolver, key.localAddress, key.tlsVerify, key.reuse);
  }

  /**
   * The trace the next undici request fills: call it, start exactly one request synchronously, then call
   * `untraced()` (in a finally) so no later request takes it.
   */
  traceNext(): RequestTrace {
    this.#subscribeOnce();
    const trace: RequestTrace = {};
    this.#pending = trace;
    return trace;
  }

  untraced(): void {
    this.#pending = undefined;
  }

  /**
   * Stops tracing and closes every pool (idle connections at once, busy ones when their requests end, or
   * destroyed after `graceMs`: a connection still being set up to a blackholed target would hold a close
   * for the whole connect timeout).
   */
  async close(graceMs = 1000): Promise<void> {
    if (this.#subscribed) {
      diagnostics.unsubscribe("undici:request:create", this.#onCreate);
      diagnostics.unsubscribe("undici:client:sendHeaders", this.#onSendHeaders);
      diagnostics.unsubscribe("undici:request:headers", this.#onHeaders);
      this.#subscribed = false;
    }
    const agents = [...this.#all];
    this.#all.clear();
    for (const slot of Object.keys(this.#defaults) as DefaultSlot[]) this.#defaults[slot] = undefined;
    await Promise.all(
      agents.map(async (a) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<"late">((resolve) => {
          timer = setTimeout(() => resolve("late"), graceMs);
        });
        const closed = a.close().catch(() => {});
        if ((await Promise.race([closed, late])) === "late") await a.destroy().catch(() => {});
        clearTimeout(timer);
      }),
    );
  }

  #sharedAgent(
    policy: ProbePolicy,
    resolver: HostResolver,
    localAddress: string | undefined,
    tlsVerify: boolean,
    reuse: boolean,
  ): Agent {
    const byResolver = getOrCreate(this.#agents, policy, () => new WeakMap());
    const byName = getOrCreate(byResolver, resolver, () => new Map());
    const name = `${localAddress ?? ""}|${tlsVerify}|${reuse}`;
    return getOrCreate(byName, name, () => {
      const agent = this.#createAgent(policy, resolver, localAddress, tlsVerify);
      this.#all.add(agent);
      return agent;
    });
  }

  #createAgent(
    policy: ProbePolicy,
    resolver: HostResolver,
    localAddress: string | undefined,
    tlsVerify: boolean,
  ): Agent {
    const setup = this.#setup;
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
            const record: Setup = { ...timings };
            if (opts.protocol !== "https:") {
              (socket as unknown as Tagged)[setup] = record;
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
            (secure as unknown as Tagged)[setup] = record;
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
  // have no connection limit, so nothing is queued), so the trace waiting in `#pending` belongs to the very
  // next `undici:request:create`; it is kept on the request under a symbol (cheaper than a WeakMap entry per
  // request, which the garbage collector must also visit).
  #subscribeOnce(): void {
    if (this.#subscribed) return;
    this.#subscribed = true;
    diagnostics.subscribe("undici:request:create", this.#onCreate);
    diagnostics.subscribe("undici:client:sendHeaders", this.#onSendHeaders);
    diagnostics.subscribe("undici:request:headers", this.#onHeaders);
  }

  readonly #onCreate = (message: unknown) => {
    if (this.#pending === undefined) return;
    (message as { request: Tagged }).request[this.#trace] = this.#pending;
    this.#pending = undefined;
  };

  readonly #onSendHeaders = (message: unknown) => {
    const { request, socket } = message as { request: Tagged; socket: Tagged };
    const trace = request[this.#trace] as RequestTrace | undefined;
    if (trace === undefined) return;
    trace.sentAt = performance.now();
    const connected = socket[this.#setup] as Setup | undefined;
    if (connected !== undefined) {
      // Only the first request on a connection paid for setting it up.
      socket[this.#setup] = undefined;
      if (connected.dns !== undefined) trace.dns = connected.dns;
      if (connected.connect !== undefined) trace.connect = connected.connect;
      if (connected.tls !== undefined) trace.tls = connected.tls;
    }
  };

  readonly #onHeaders = (message: unknown) => {
    const trace = (message as { request: Tagged }).request[this.#trace] as RequestTrace | undefined;
    if (trace !== undefined) trace.headersAt = performance.now();
  };
}

let shared: HttpAgents | undefined;

/** The instance runs without their own share (`epicenter check`, tests); made on first use, never closed. */
export function sharedHttpAgents(): HttpAgents {
  shared ??= new HttpAgents();
  return shared;
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
