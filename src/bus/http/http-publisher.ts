/**
 * Publishes observation batches to a hub over HTTP: `POST <hub>/api/v1/observations` with
 * `{"observations": [...]}` and `Authorization: Bearer <token>`. A remote agent's publish function; the
 * hub answers 2xx once the batch is committed, so a resolved publish is a stored batch.
 */
import { Agent, request } from "undici";
import type { Observation } from "../../model/observation.js";

export interface HttpPublisherOptions {
  /** The hub's base URL, `http(s)://host:port` (a path prefix is kept). */
  hub: string;
  token: string;
  /** A publish not answered within this is rejected (default 30 s). */
  timeoutMs?: number;
}

export type HttpPublishErrorCode = "E_PUBLISH_UNREACHABLE" | "E_PUBLISH_REJECTED" | "E_PUBLISH_TIMEOUT";

/**
 * Answers that refuse the batch for what it holds: sending it again cannot help, so the agent splits it to
 * find the observations to blame (a 404 also means a wrong --hub; the agent then keeps them in its
 * dead-letter file rather than retrying forever). Everything else (no answer, 401/403, 429, 5xx) is
 * transient: the batch is kept and retried.
 */
const PERMANENT = new Set([400, 404, 413, 422]);

/** Longest wait a Retry-After may ask for (a hostile or broken hub must not park the agent for days). */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** One observation the hub named in its refusal: its index in the batch sent, and why. */
export interface NamedRefusal {
  index: number;
  message: string;
}

/**
 * A batch the hub did not take: unreachable, timed out, or refused (then `status` says how). Carries what
 * the agent's batcher reads (see PublishRefusal in probe/observation-batcher.ts): whether the refusal is
 * permanent, the observations the hub named, and the wait a 429 or 503 asked for.
 */
export class HttpPublishError extends Error {
  override readonly name = "HttpPublishError";
  readonly code: HttpPublishErrorCode;
  readonly status: number | null;
  readonly permanent: boolean;
  /** The hub's own words, for the dead-letter file (its error message, or the body's start). */
  readonly reason: string;
  readonly refusals: readonly NamedRefusal[];
  readonly retryAfterMs: number | null;

  constructor(
    code: HttpPublishErrorCode,
    message: string,
    status: number | null,
    options?: ErrorOptions & {
      reason?: string;
      refusals?: readonly NamedRefusal[];
      retryAfterMs?: number | null;
    },
  ) {
    super(message, options);
    this.code = code;
    this.status = status;
    this.permanent = status !== null && PERMANENT.has(status);
    this.reason = options?.reason ?? message;
    this.refusals = options?.refusals ?? [];
    this.retryAfterMs = options?.retryAfterMs ?? null;
  }
}

/** What each refusal means for the operator. */
const ADVICE: Record<number, string> = {
  401: "the hub refused the token; check --token (epicenter token creates one)",
  403: "the token may not publish observations",
  404: "no observation endpoint there; check --hub (the hub's base URL)",
  413: "the batch is too large for the hub",
  422: "the hub refused the observations as invalid",
};

/** A publish function for the agent's batcher, or for anything that takes a Bus's `publish`. */
export function httpPublisher(options: HttpPublisherOptions): ((batch: Observation[]) => Promise<void>) & {
  close: () => Promise<void>;
} {
  const endpoint = observationsUrl(options.hub);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dispatcher = new Agent({ keepAliveTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 });
  const headers = { "content-type": "application/json", authorization: `Bearer ${options.token}` };
  const publish = async (batch: Observation[]): Promise<void> => {
    const body = JSON.stringify({ observations: batch });
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(endpoint, {
        method: "POST",
        headers,
        body,
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError" || (error as Error).name === "AbortError";
      if (timedOut)
        throw new HttpPublishError(
          "E_PUBLISH_TIMEOUT",
          `hub ${endpoint} did not answer within ${timeoutMs} ms`,
          null,
          {
            cause: error,
          },
        );
      const why = (error as { code?: string }).code ?? (error as Error).message;
      throw new HttpPublishError("E_PUBLISH_UNREACHABLE", `cannot reach hub ${endpoint}: ${why}`, null, {
        cause: error,
      });
    }
    const text = await response.body.text().catch(() => "");
    const status = response.statusCode;
    if (status >= 200 && status < 300) return;
    const detail = text.trim().slice(0, 300);
    const advice = ADVICE[status] ?? (status >= 500 ? "the hub failed; the batch will be retried" : "");
    const message = `hub ${endpoint} answered HTTP ${status}${advice ? `: ${advice}` : ""}${detail ? ` (${detail})` : ""}`;
    const said = apiError(text);
    throw new HttpPublishError("E_PUBLISH_REJECTED", message, status, {
      reason: said
        ? `HTTP ${status} ${said.code}: ${said.message}`
        : `HTTP ${status}${detail ? ` ${detail}` : ""}`,
      refusals: said ? namedRefusals(said, batch.length) : [],
      retryAfterMs: retryAfter(response.headers["retry-after"], Date.now()),
    });
  };
  return Object.assign(publish, { close: () => dispatcher.close() });
}

/** `<hub>/api/v1/observations`, refusing what is not an http(s) URL. */
function observationsUrl(hub: string): string {
  let url: URL;
  try {
    url = new URL(hub);
  } catch {
    throw new HttpPublishError(
      "E_PUBLISH_UNREACHABLE",
      `--hub "${hub}" is not a URL (like http://hub:8080)`,
      null,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new HttpPublishError("E_PUBLISH_UNREACHABLE", `--hub "${hub}" must be an http or https URL`, null);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}/api/v1/observations`;
}

interface ApiErrorBody {
  code: string;
  message: string;
  path?: unknown;
  refusals?: unknown;
}

/** The API's `{"error": {"code", "message", ...}}`, or null for any other body. */
function apiError(text: string): ApiErrorBody | null {
  try {
    const e = (JSON.parse(text) as { error?: Partial<ApiErrorBody> } | null)?.error;
    return e && typeof e.code === "string" && typeof e.message === "string" ? (e as ApiErrorBody) : null;
  } catch {
    return null;
  }
}

/**
 * The observations a refusal names: the 422's `refusals`, or a 400's one `path` (`observations[3].message`).
 * Only indexes inside the batch sent count; the batcher checks them again.
 */
function namedRefusals(e: ApiErrorBody, size: number): NamedRefusal[] {
  const valid = (i: unknown): i is number =>
    Number.isInteger(i) && (i as number) >= 0 && (i as number) < size;
  if (Array.isArray(e.refusals))
    return e.refusals.flatMap((r: { index?: unknown; message?: unknown }) =>
      valid(r?.index) ? [{ index: r.index, message: String(r.message ?? e.message) }] : [],
    );
  const index = typeof e.path === "string" ? /^observations\[(\d+)\]/.exec(e.path)?.[1] : undefined;
  return index !== undefined && valid(Number(index)) ? [{ index: Number(index), message: e.message }] : [];
}

/** Retry-After as ms from `now` (seconds or an HTTP date), bounded; null when absent or unreadable. */
export function retryAfter(header: string | string[] | undefined, now: number): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return null;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)) : null;
}
