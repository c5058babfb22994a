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

/** A batch the hub did not take: unreachable, timed out, or refused (then `status` says how). */
export class HttpPublishError extends Error {
  override readonly name = "HttpPublishError";
  readonly code: HttpPublishErrorCode;
  readonly status: number | null;

  constructor(code: HttpPublishErrorCode, message: string, status: number | null, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.status = status;
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
    throw new HttpPublishError("E_PUBLISH_REJECTED", message, status);
  };
  return Object.assign(publish, { close: () => dispatcher.close() });
}

/** `<hub>/api/v1/observations`, refusing what is not an http(s) URL. */
export function observationsUrl(hub: string): string {
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
