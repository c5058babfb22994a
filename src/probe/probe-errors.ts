/** Why a probe failed, as an error class every runner reports the same way. Pure: no node: imports. */
import type { ErrorClass } from "../model/observation.js";

/** A failure a runner detected itself (a refused target, a failed assertion), already classified. */
export class ProbeError extends Error {
  override readonly name = "ProbeError";
  readonly code = "E_PROBE";
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DNS_CODES: Record<string, string> = {
  ENOTFOUND: "NXDOMAIN: the name does not exist",
  NXDOMAIN: "NXDOMAIN: the name does not exist",
  ESERVFAIL: "SERVFAIL: the name server failed",
  ETIMEOUT: "TIMEOUT: no answer from the name server",
  EAI_AGAIN: "TIMEOUT: the resolver could not answer (try again)",
  ENODATA: "NODATA: the name has no records of this type",
  EREFUSED: "REFUSED: the name server refused the query",
  ECONNREFUSED: "REFUSED: the name server is not listening",
  EBADRESP: "BADRESP: malformed answer",
  ECANCELLED: "TIMEOUT: cancelled at the check's deadline",
  EFORMERR: "FORMERR: the name server rejected the query",
};

/** The one-word DNS failure (NXDOMAIN, SERVFAIL, TIMEOUT, NODATA, ...) for a node:dns error code. */
function dnsFailure(code: string | undefined): string | undefined {
  return code ? DNS_CODES[code] : undefined;
}

const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|HOSTNAME_MISMATCH|ERR_OSSL_)|_CERT_|_SIGNATURE/;

/**
 * The error class and a short message for anything a probe threw. `stage` says whether the connection was
 * still being set up when it happened (an abort then is `connect-timeout`, later `timeout`).
 */
export function classifyError(
  error: unknown,
  stage: "dns" | "connect" | "exchange",
): { errorClass: ErrorClass; message: string } {
  if (error instanceof ProbeError) return { errorClass: error.errorClass, message: error.message };
  const e = (error ?? {}) as { code?: string; name?: string; message?: string; cause?: unknown };
  // undici wraps a connector failure as the request's error; look one level in for the real one.
  if (e.cause instanceof ProbeError) return classifyError(e.cause, stage);
  const code = e.code ?? "";
  const message = e.message ?? String(error);
  if (
    e.name === "AbortError" ||
    e.name === "TimeoutError" ||
    code === "ABORT_ERR" ||
    code === "UND_ERR_ABORTED"
  ) {
    if (stage === "dns")
      return { errorClass: "dns", message: "TIMEOUT: no answer from the resolver in time" };
    if (stage === "connect") return { errorClass: "connect-timeout", message: "connect timed out" };
    return { errorClass: "timeout", message: "no complete answer before the timeout" };
  }
  // ECONNREFUSED and ECANCELLED mean a DNS failure only while resolving; the other codes only ever do.
  const dns =
    stage === "dns" || (code !== "ECONNREFUSED" && code !== "ECANCELLED") ? dnsFailure(code) : undefined;
  if (dns) return { errorClass: "dns", message: dns };
  if (code === "ECONNREFUSED") return { errorClass: "connect-refused", message };
  // Reset while the connection was being set up (TCP or TLS): refused by a middlebox or an overloaded door.
  if (code === "ECONNRESET" && stage === "connect") return { errorClass: "connect-refused", message };
  if (code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT")
    return { errorClass: stage === "exchange" ? "timeout" : "connect-timeout", message };
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT")
    return { errorClass: "timeout", message };
  if (TLS_CODE.test(code) || (code === "EPROTO" && /ssl|tls/i.test(message)))
    return { errorClass: "tls", message: code ? `${code}: ${message}` : message };
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH")
    return { errorClass: "connect-timeout", message: `${code}: ${message}` };
  return { errorClass: "protocol", message: code ? `${code}: ${message}` : message };
}
