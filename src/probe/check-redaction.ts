/**
 * A check without its secrets: a heartbeat's token (the credential of its URL), request headers and body,
 * URL user info and credential-named query values. What non-admins are shown and what the store keeps: the
 * running config holds the real values, so the checks table never needs them. Pure.
 */
import type { Check } from "./check-types.js";
import { redactUrl } from "./url-redaction.js";

const REDACTED = "[redacted]";

export function redactCheck(check: Check): Check {
  switch (check.type) {
    case "heartbeat":
      return { ...check, token: REDACTED };
    case "http":
      return {
        ...check,
        url: redactUrl(check.url),
        headers: Object.fromEntries(Object.keys(check.headers).map((k) => [k, REDACTED])),
        ...(check.body === undefined ? {} : { body: REDACTED }),
      };
    case "statuspage":
      return { ...check, url: redactUrl(check.url) };
    default:
      return check;
  }
}
