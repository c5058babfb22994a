/**
 * URLs as anyone but an admin may see them: user info and the values of query parameters named like a
 * credential hidden. Used for check URLs in API answers and for URLs a probe puts in an observation's
 * message (a redirect's Location can be a signed URL), so those never reach the store in the clear. Pure.
 */

/**
 * Query parameter names that say they hold a credential (`api_key`, `token`, `key`, `secret`, `password`,
 * `auth`, `sig`, and names containing them such as `X-Api-Key` or `access_token`); over-matching only hides
 * a harmless value, under-matching leaks a secret.
 */
const SECRET_PARAM = /key|token|secret|passw|pwd|auth|sig|credential/i;

/** `url` (resolved against `base` when relative) with its secrets replaced by `redacted`. */
export function redactUrl(url: string, base?: string): string {
  let u: URL;
  try {
    u = new URL(url, base);
  } catch {
    // Not a URL we can take apart: keep what cannot hold a query's secret.
    const head = url.split(/[?#]/, 1)[0] ?? "";
    return head.length < url.length ? `${head}?redacted` : url;
  }
  const secretParams = [...u.searchParams.keys()].filter((k) => SECRET_PARAM.test(k));
  if (!u.username && !u.password && secretParams.length === 0) return url;
  if (u.username || u.password) {
    u.username = "redacted";
    u.password = "";
  }
  for (const k of secretParams) u.searchParams.set(k, "redacted");
  return u.toString();
}
