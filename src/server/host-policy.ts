/**
 * Which Host a request may name, and the hub's own origin for absolute URLs. A page on an attacker's domain
 * that rebinds its name to the hub's address makes the browser send `Host: attacker.example`; with
 * `server.publicUrl` set, such a request is refused (421) before any route runs, so open reads cannot be
 * scraped through a rebound name. Without it nothing is refused (as before), but no URL the hub writes is
 * built from the Host header: they use the address the connection reached. Pure: the caller passes what the
 * socket says.
 */

/** Host names that always mean this machine; a rebinding page cannot make a browser send them for its origin. */
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Where the request came in, as the socket reports it; both absent without a socket (app.request in tests). */
export interface LocalEnd {
  address?: string;
  port?: number;
}

/** `publicUrl` as the config accepts it: http(s), no credentials, query or fragment; the reason otherwise. */
export function publicUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "must be an absolute URL like https://status.example.com";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an http:// or https:// URL";
  if (url.username || url.password) return "must not carry credentials";
  if (url.search || url.hash) return "must not have a query or fragment";
  return undefined;
}

/** The URL without a trailing slash, to which `/status` and the like are appended. */
export function publicBase(publicUrl: string): string {
  const url = new URL(publicUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function isLoopbackAddress(address: string): boolean {
  const v4 = address.replace(/^::ffff:/i, "");
  return v4.startsWith("127.") || address === "::1";
}

/** The origin the connection reached (`http://<local address>:<port>`), or http://localhost without a socket. */
export function listenerOrigin(local: LocalEnd): string {
  if (local.address === undefined || local.port === undefined) return "http://localhost";
  const v4 = local.address.replace(/^::ffff:/i, "");
  const host = v4.includes(":") ? `[${v4}]` : v4;
  return `http://${host}:${local.port}`;
}

/**
 * Why a request naming `host` is refused, or undefined when it may go on. With no `publicUrl` every Host
 * passes. With one, only its host (as `new URL` writes it: lower case, default port left out) passes, and,
 * when the connection came in on a loopback address, the loopback names with any port.
 */
export function hostRefusal(
  host: string | undefined,
  publicUrl: string | undefined,
  local: LocalEnd,
): string | undefined {
  if (publicUrl === undefined) return undefined;
  const expected = new URL(publicUrl);
  const asked = parseHost(host, expected.protocol);
  if (asked !== undefined && asked.host === expected.host) return undefined;
  if (asked !== undefined && local.address !== undefined && isLoopbackAddress(local.address))
    if (LOOPBACK_NAMES.has(asked.hostname)) return undefined;
  const named = host === undefined ? "no Host header" : `Host ${JSON.stringify(host.slice(0, 100))}`;
  return `this hub answers at ${expected.host} (server.publicUrl), not to ${named}`;
}

/** The Host header as a URL's host (normalized), or undefined when it is none. */
function parseHost(host: string | undefined, protocol: string): URL | undefined {
  if (host === undefined || host === "" || /[/?#@\\\s]/.test(host)) return undefined;
  try {
    return new URL(`${protocol}//${host}`);
  } catch {
    return undefined;
  }
}
