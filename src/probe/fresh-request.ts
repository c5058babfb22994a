/**
 * One request on a connection of its own, for checks that do not say `reuse`: Node's http client (llhttp)
 * over a socket from the guarded connector (resolved, each address judged, connected to that address, for
 * https handshaken and verified), `Connection: close`, the socket closed after the answer. Cheaper per check
 * than an undici pool made to forget its sockets: no pool, no dispatcher queue, and no InformationalError
 * with a formatted stack for every connection it closes (13% of a fresh HTTP check's CPU in bench:probes).
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type net from "node:net";
import { connectGuarded, type HostResolver, upgradeTls } from "./guarded-connect.js";
import type { RequestTrace } from "./http-agent.js";
import type { ProbePolicy } from "./target-guard.js";

/** Where the request goes: a hop's parts as http-check keeps them (`hostname` bracketed for IPv6). */
export interface FreshTarget {
  protocol: string;
  hostname: string;
  port: string;
  path: string;
}

export interface FreshOptions {
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
  policy: ProbePolicy;
  resolver: HostResolver;
  localAddress: string | undefined;
  tlsVerify: boolean;
}

export interface FreshAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

// The connector's own limit, as undici's pools had it; the check's signal usually ends it first.
const CONNECT_TIMEOUT_MS = 30_000;
/** What discarding a body reads before it closes the connection (undici's dump() default). */
const DISCARD_LIMIT = 128 * 1024;

/**
 * Sends the request and resolves with the answer's head once it arrives; the body is left to read (or to
 * `discardBody`). Fills `trace` with the connection's setup phases, when the request went out and when the
 * head came back. Rejects with what failed: a ProbeError from the guard, a node:dns, net or tls error, an
 * llhttp parse error, or an AbortError when `signal` aborts (the request and its socket are destroyed).
 */
export function freshRequest(
  target: FreshTarget,
  options: FreshOptions,
  trace: RequestTrace,
): Promise<FreshAnswer> {
  const https = target.protocol === "https:";
  const defaultPort = https ? 443 : 80;
  const port = target.port === "" ? defaultPort : Number(target.port);
  const bare = target.hostname.startsWith("[") ? target.hostname.slice(1, -1) : target.hostname;
  return new Promise<FreshAnswer>((resolve, reject) => {
    const request = http.request({
      // No agent: the request uses exactly the socket createConnection hands it, and says Connection: close.
      host: bare,
      port,
      defaultPort,
      path: target.path,
      method: options.method,
      headers: options.headers,
      signal: options.signal,
      createConnection: (_opts: unknown, done: (error: Error | null, socket?: net.Socket) => void) => {
        connect(bare, port, https, options).then(
          ({ socket, setup }) => {
            if (setup.dns !== undefined) trace.dns = setup.dns;
            trace.connect = setup.connect;
            if (setup.tls !== undefined) trace.tls = setup.tls;
            // The request writes its head as soon as it has the socket.
            trace.sentAt = performance.now();
            done(null, socket);
          },
          (error: Error) => done(error),
        );
        return undefined;
      },
    } as http.RequestOptions);
    // Stays attached for the request's life: a late socket error must never go unhandled.
    request.on("error", reject);
    request.once("response", (response) => {
      trace.headersAt = performance.now();
      resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: response });
    });
    request.end(options.body);
  });
}

/** A guarded socket, for https handshaken; with its setup timings. */
async function connect(
  host: string,
  port: number,
  https: boolean,
  options: FreshOptions,
): Promise<{ socket: net.Socket; setup: { dns?: number; connect: number; tls?: number } }> {
  const { socket, timings } = await connectGuarded({
    host,
    port,
    policy: options.policy,
    resolver: options.resolver,
    signal: options.signal,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  if (!https) return { socket, setup: timings };
  const started = performance.now();
  const secure = await upgradeTls(socket, {
    servername: host,
    rejectUnauthorized: options.tlsVerify,
    ...(options.policy.ca ? { anchors: options.policy.ca } : {}),
    signal: options.signal,
    alpn: ["http/1.1"],
  });
  return { socket: secure, setup: { ...timings, tls: performance.now() - started } };
}

/**
 * Reads and drops a body the check does not need, as undici's dump() does: up to 128 KiB, then the
 * connection is closed; resolves when the body is done or destroyed (an abort included), never rejects.
 */
export function discardBody(body: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    body.once("close", () => resolve());
    body.on("error", () => {});
    const length = Number(body.headers["content-length"]);
    if (length > DISCARD_LIMIT) {
      body.destroy();
      return;
    }
    let read = 0;
    body.on("data", (chunk: Buffer) => {
      read += chunk.length;
      if (read > DISCARD_LIMIT) body.destroy();
    });
  });
}
