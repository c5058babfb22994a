/**
 * The target guard's adapter: resolve a name, ask the guard about each address, and connect to exactly the
 * address it allowed (never re-resolving), binding the vantage's source address. Every runner and every
 * HTTP hop opens its connections here.
 */
import { promises as dnsPromises, Resolver } from "node:dns";
import net from "node:net";
import tls from "node:tls";
import { classifyError, ProbeError } from "./probe-errors.js";
import { DEFAULT_PROBE_POLICY, guardAddress, isIpLiteral, type ProbePolicy } from "./target-guard.js";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Name resolution for probes: every address a name has. Passed in, so tests can point it at their own server. */
export type HostResolver = (hostname: string, signal?: AbortSignal) => Promise<ResolvedAddress[]>;

/** The operating system's resolver (getaddrinfo: /etc/hosts, then DNS), as other programs on the host see names. */
export const systemResolver: HostResolver = async (hostname) => {
  const all = await dnsPromises.lookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * A resolver that asks one name server (`host:port`) directly for A and AAAA records. One c-ares channel
 * serves every question (making one reads the system's resolver configuration: too dear per check); a
 * question whose check is aborted is given up at once and left to end at its own timeout (cancelling would
 * cancel every other check's question on the channel too).
 */
export function nameServerResolver(server: string, timeoutMs = 5000): HostResolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([server]);
  const query = (type: "resolve4" | "resolve6", hostname: string, family: 4 | 6) =>
    new Promise<ResolvedAddress[]>((ok, ko) =>
      resolver[type](hostname, (error, list) => {
        if (error?.code === "ENODATA") ok([]);
        else if (error) ko(error);
        else ok(list.map((address) => ({ address, family })));
      }),
    );
  return async (hostname, signal) => {
    const answers = Promise.all([query("resolve4", hostname, 4), query("resolve6", hostname, 6)]);
    const [v4, v6] = await (signal ? untilAborted(answers, signal) : answers);
    const all = [...v4, ...v6];
    if (all.length === 0) throw Object.assign(new Error(`no address for ${hostname}`), { code: "ENODATA" });
    return all;
  };
}

/** `promise`, or an AbortError as soon as `signal` aborts (the promise left to settle unobserved). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortError("dns"));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(abortError("dns"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

export interface TargetOptions {
  policy?: ProbePolicy;
  resolver?: HostResolver;
  signal?: AbortSignal;
}

/**
 * The first address of `host` the guard allows (an IP literal is judged as it is), or a ProbeError of class
 * `blocked` naming why every address was refused. DNS failures are thrown as node:dns raised them.
 */
export async function resolveTarget(host: string, options: TargetOptions = {}): Promise<ResolvedAddress> {
  const policy = options.policy ?? DEFAULT_PROBE_POLICY;
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  const candidates = isIpLiteral(bare)
    ? [{ address: bare, family: bare.includes(":") ? 6 : 4 } as ResolvedAddress]
    : await resolveName(bare, options);
  const refusals: string[] = [];
  for (const candidate of candidates) {
    const decision = guardAddress(candidate.address, policy);
    if (decision.allowed) return candidate;
    refusals.push(decision.reason);
  }
  const via = isIpLiteral(bare) ? "" : `${bare} resolves to `;
  throw new ProbeError("blocked", `target refused by the probe policy: ${via}${refusals.join("; ")}`);
}

/**
 * Every address of a name, a failure classified as the DNS failure it is (class `dns`: NXDOMAIN, SERVFAIL,
 * TIMEOUT, even when the check's deadline cut the question short), naming the host.
 */
async function resolveName(host: string, options: TargetOptions): Promise<ResolvedAddress[]> {
  try {
    return await (options.resolver ?? systemResolver)(host, options.signal);
  } catch (error) {
    const { errorClass, message } = classifyError(error, "dns");
    throw new ProbeError(errorClass, `${message} (${host})`, { cause: error });
  }
}

export interface ConnectOptions extends TargetOptions {
  host: string;
  port: number;
  localAddress?: string;
  /** Give up connecting after this long (the socket is destroyed). */
  connectTimeoutMs?: number;
}

export interface ConnectTimings {
  dns?: number;
  connect: number;
}

/** A guarded TCP connection: resolved, judged, connected to that very address. */
export async function connectGuarded(
  options: ConnectOptions,
): Promise<{ socket: net.Socket; address: ResolvedAddress; timings: ConnectTimings }> {
  const started = performance.now();
  const literal = isIpLiteral(options.host.replace(/^\[|\]$/g, ""));
  const address = await resolveTarget(options.host, options);
  const resolved = performance.now();
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({
      host: address.address,
      port: options.port,
      family: address.family,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const fail = (error: Error) => {
      cleanup();
      s.destroy();
      reject(error);
    };
    const onAbort = () => fail(abortError("connect"));
    const timer = options.connectTimeoutMs
      ? setTimeout(
          () =>
            fail(
              Object.assign(new Error(`connect timed out after ${options.connectTimeoutMs}ms`), {
                code: "ETIMEDOUT",
              }),
            ),
          options.connectTimeoutMs,
        )
      : undefined;
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      s.off("error", fail);
    };
    if (options.signal?.aborted) return fail(abortError("connect"));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    s.once("error", fail);
    s.once("connect", () => {
      cleanup();
      resolve(s);
    });
  });
  const timings: ConnectTimings = { connect: performance.now() - resolved };
  if (!literal) timings.dns = resolved - started;
  return { socket, address, timings };
}

export interface TlsOptions {
  servername?: string;
  rejectUnauthorized: boolean;
  anchors?: string[];
  signal?: AbortSignal;
  alpn?: string[];
}

/** The secure context trusting Node's roots plus each anchors list (a policy's `ca`), made once per list. */
const anchoredContexts = new WeakMap<string[], tls.SecureContext>();

/**
 * Trusted CAs: Node's roots plus the policy's anchors (undefined keeps Node's default store). Built once per
 * anchors list and reused: a `ca` option parses every root certificate again on each handshake, which a
 * fresh connection per check would pay on every run.
 */
function trustedContext(anchors: string[] | undefined): tls.SecureContext | undefined {
  if (!anchors || anchors.length === 0) return undefined;
  let context = anchoredContexts.get(anchors);
  if (context === undefined) {
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, ...anchors] });
    anchoredContexts.set(anchors, context);
  }
  return context;
}

/** Runs a TLS handshake over a connected socket; resolves once it is done (authorized or not, see rejectUnauthorized). */
export function upgradeTls(socket: net.Socket, options: TlsOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secureContext = trustedContext(options.anchors);
    const servername =
      options.servername && !isIpLiteral(options.servername) ? options.servername : undefined;
    const secure = tls.connect({
      socket,
      rejectUnauthorized: options.rejectUnauthorized,
      // `host` is what the certificate must name (an IP literal too); SNI carries names only.
      ...(options.servername ? { host: options.servername } : {}),
      ...(servername ? { servername } : {}),
      ...(secureContext ? { secureContext } : {}),
      ...(options.alpn ? { ALPNProtocols: options.alpn } : {}),
    });
    const fail = (error: Error) => {
      options.signal?.removeEventListener("abort", onAbort);
      // Destroying the TLS wrapper does not always close the socket under it; close both.
      secure.destroy();
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(abortError("tls"));
    if (options.signal?.aborted) return fail(abortError("tls"));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    secure.once("error", fail);
    secure.once("secureConnect", () => {
      options.signal?.removeEventListener("abort", onAbort);
      secure.off("error", fail);
      resolve(secure);
    });
  });
}

function abortError(stage: string): Error {
  return Object.assign(new Error(`aborted during ${stage}`), { name: "AbortError", code: "ABORT_ERR" });
}
