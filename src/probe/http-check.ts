/**
 * The http/https runner: one request (redirects followed hop by hop, each hop's connection guarded), its
 * status and body judged against the check's expectations, its phases timed. Unless the check says
 * `reuse`, every request goes out on a connection of its own (resolved, guarded, connected and, for https,
 * handshaken anew, closed after the answer), so each run times and exercises DNS, TCP and TLS.
 */
import type { ErrorClass, Phases } from "../model/observation.js";
import type { CheckResult, HttpCheck } from "./check-types.js";
import { untilAborted } from "./guarded-connect.js";
import { type RequestTrace, sharedHttpAgents } from "./http-agent.js";
import { contextResolver } from "./name-server.js";
import type { ProbeContext } from "./probe-context.js";
import { classifyError, ProbeError } from "./probe-errors.js";
import { startTimer } from "./result-timer.js";
import { redactUrl } from "./url-redaction.js";

/** Bodies are read for assertions up to this size; the rest is not downloaded. */
export const BODY_LIMIT = 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin. */
const CREDENTIALS = ["authorization", "cookie", "proxy-authorization"];

/** Where one hop goes, as undici's dispatcher takes it (strings only: kept for every check, and URLs are big). */
interface Hop {
  href: string;
  protocol: string;
  origin: string;
  path: string;
}

/** Each check's first hop, parsed once (a check runs again and again); `source` catches a changed url. */
const firstHops = new WeakMap<object, Hop & { source: string }>();

function hopTo(url: URL): Hop {
  const path = url.search ? `${url.pathname}${url.search}` : url.pathname;
  return { href: url.href, protocol: url.protocol, origin: url.origin, path };
}

function firstHop(check: { url: string }): Hop {
  let hop = firstHops.get(check);
  if (hop === undefined || hop.source !== check.url) {
    hop = { ...hopTo(new URL(check.url)), source: check.url };
    // Usually the url was written normalised: keep one string, not two.
    if (hop.href === check.url) hop.href = check.url;
    firstHops.set(check, hop);
  }
  return hop;
}

export interface HttpResponse {
  status: number;
  body: string;
  url: string;
  /** The body was longer than BODY_LIMIT and `body` holds only its first BODY_LIMIT bytes. */
  truncated: boolean;
}

/**
 * Fetches `url` through the guarded agents, following redirects as the check says, and returns the final
 * response with its body (up to `bodyLimit`, 1 MiB by default), summing phases into `phases`. Every failure is thrown as a ProbeError.
 */
export async function guardedFetch(
  check: Pick<
    HttpCheck,
    "url" | "method" | "headers" | "body" | "followRedirects" | "maxRedirects" | "tlsVerify" | "reuse"
  >,
  ctx: ProbeContext,
  phases: Phases,
  readBody = true,
  bodyLimit = BODY_LIMIT,
): Promise<HttpResponse> {
  let target = firstHop(check);
  let method = check.method.toUpperCase();
  let body = check.body;
  // Never changed in place: a cross-origin redirect gets a copy without credentials.
  let headers = check.headers;
  const http = ctx.http ?? sharedHttpAgents();
  const reuse = check.reuse === true;
  const dispatcher = http.agentFor({
    tlsVerify: check.tlsVerify,
    reuse,
    policy: ctx.policy,
    resolver: contextResolver(ctx),
    localAddress: ctx.localAddress,
  });
  for (let hop = 0; ; hop++) {
    if (target.protocol !== "http:" && target.protocol !== "https:")
      throw new ProbeError("protocol", `cannot follow to ${target.protocol} (${shortUrl(target.href)})`);
    const trace = http.traceNext();
    let result: ReturnType<typeof dispatcher.request>;
    try {
      // The dispatcher's own request (what undici's request() calls after parsing the url each time).
      result = dispatcher.request({
        origin: target.origin,
        path: target.path,
        method: method as "GET",
        headers,
        body: body ?? null,
        signal: ctx.signal,
        // Connection: close, and the socket is destroyed after the answer: the next run connects anew.
        reset: !reuse,
      });
    } finally {
      http.untraced();
    }
    let response: Awaited<typeof result>;
    try {
      // undici leaves a request whose connection is still being set up (a blackholed TLS handshake, a SYN
      // never answered) waiting for the connector past the check's deadline; the check ends at it.
      response = await untilAborted(result, ctx.signal);
    } catch (error) {
      // Nothing sent yet means the connection was still being set up (resolved, guarded, connected).
      const { errorClass, message } = classifyError(
        error,
        trace.sentAt === undefined ? "connect" : "exchange",
      );
      throw new ProbeError(errorClass, message, { cause: error });
    } finally {
      addPhases(phases, trace);
    }
    const location = response.headers.location;
    if (check.followRedirects && REDIRECTS.has(response.statusCode) && typeof location === "string") {
      await response.body.dump().catch(() => {});
      if (hop >= check.maxRedirects)
        throw new ProbeError(
          "protocol",
          `more than ${check.maxRedirects} redirects (last to ${shortUrl(redactUrl(location, target.href))})`,
        );
      const next = new URL(location, target.href);
      if (next.origin !== target.origin) headers = withoutCredentials(headers);
      if (
        response.statusCode === 303 ||
        ((response.statusCode === 301 || response.statusCode === 302) && method === "POST")
      ) {
        method = method === "HEAD" ? "HEAD" : "GET";
        body = undefined;
      }
      target = hopTo(next);
      continue;
    }
    let text = { text: "", truncated: false };
    try {
      if (readBody) text = await readLimited(response.body, bodyLimit);
      else await response.body.dump();
    } catch (error) {
      const { errorClass, message } = classifyError(error, "exchange");
      throw new ProbeError(errorClass, message, { cause: error });
    }
    return { status: response.statusCode, body: text.text, truncated: text.truncated, url: target.href };
  }
}

/**
 * A URL from a response (a Location of any length) as a message shows it: at most 200 characters, its
 * credentials already hidden (messages are stored and shown to every reader).
 */
function shortUrl(url: string): string {
  return url.length <= 200 ? url : `${url.slice(0, 199)}…`;
}

/** Runs an http check; never throws. */
export async function runHttpCheck(check: HttpCheck, ctx: ProbeContext): Promise<CheckResult> {
  const { phases, done } = startTimer();
  const needsBody =
    check.bodyContains !== undefined || check.bodyRegex !== undefined || check.jsonPath !== undefined;
  let response: HttpResponse;
  try {
    response = await guardedFetch(check, ctx, phases, needsBody);
  } catch (error) {
    const { errorClass, message } = classifyError(error, "exchange");
    return done("down", errorClass, message);
  }
  const { status } = response;
  if (!check.expectStatus.some(([lo, hi]) => status >= lo && status <= hi)) {
    const cls: ErrorClass = status >= 500 ? "http-5xx" : status >= 400 ? "http-4xx" : "assertion";
    return done("down", cls, `HTTP ${status} (expected ${formatRanges(check.expectStatus)})`);
  }
  const failed = assertBody(check, response.body);
  if (failed) return done("down", "assertion", failed);
  const result = done("up", null, `HTTP ${status}`);
  if (check.degradedOverMs !== undefined && result.latencyMs > check.degradedOverMs) {
    result.status = "degraded";
    result.message = `HTTP ${status} in ${Math.round(result.latencyMs)}ms, over ${check.degradedOverMs}ms`;
  }
  return result;
}

/** The first body expectation that fails, as a message; undefined when all hold. */
function assertBody(
  check: Pick<HttpCheck, "bodyContains" | "bodyRegex" | "jsonPath">,
  body: string,
): string | undefined {
  if (check.bodyContains !== undefined && !body.includes(check.bodyContains))
    return `body does not contain ${JSON.stringify(check.bodyContains)}`;
  if (check.bodyRegex !== undefined && !new RegExp(check.bodyRegex).test(body))
    return `body does not match /${check.bodyRegex}/`;
  if (check.jsonPath) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return "body is not JSON";
    }
    for (const key of check.jsonPath.path.split(".")) {
      value =
        value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (!deepEqual(value, check.jsonPath.equals))
      return `${check.jsonPath.path} is ${JSON.stringify(value) ?? "absent"}, expected ${JSON.stringify(check.jsonPath.equals)}`;
  }
  return undefined;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Adds one hop's phases (no closure: this runs for every check). */
function addPhases(phases: Phases, trace: RequestTrace): void {
  if (trace.dns !== undefined) phases.dns = (phases.dns ?? 0) + trace.dns;
  if (trace.connect !== undefined) phases.connect = (phases.connect ?? 0) + trace.connect;
  if (trace.tls !== undefined) phases.tls = (phases.tls ?? 0) + trace.tls;
  if (trace.sentAt !== undefined && trace.headersAt !== undefined)
    phases.firstByte = (phases.firstByte ?? 0) + (trace.headersAt - trace.sentAt);
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIALS.includes(k.toLowerCase())));
}

async function readLimited(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  limit: number,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      break;
    }
  }
  const all = Buffer.concat(chunks);
  return { text: all.subarray(0, limit).toString("utf8"), truncated: all.length > limit };
}

function formatRanges(ranges: [number, number][]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(", ");
}
