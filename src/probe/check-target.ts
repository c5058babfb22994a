/**
 * A check from one TARGET URL: `http(s)://...`, `tcp://host:port`, `tls://host:port`,
 * `dns://name?type=A&server=host:port`. Used by `epicenter check` and by `probes.anchors` in the config.
 */
import { parseHostPort, RECORD_TYPES } from "./check-fields.js";
import { httpDefaults } from "./check-normalise.js";
import type { Check } from "./check-types.js";

export class TargetError extends Error {
  override readonly name = "TargetError";
  readonly code = "E_TARGET";
}

/** The check a TARGET URL describes; a TargetError saying what is wrong otherwise. */
export function checkForTarget(target: string, timeoutMs: number, id = "cli#1", component = "cli"): Check {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new TargetError(`"${target}" is not a TARGET URL (http://, https://, tcp://, dns:// or tls://)`);
  }
  const base = { id, component, intervalMs: timeoutMs, timeoutMs, vantages: [], confirm: 0 };
  const hostPort = (defaultPort?: number) => {
    const parsed = parseHostPort(url.host, defaultPort);
    if (!parsed) throw new TargetError(`${url.protocol}// needs HOST:PORT, got "${url.host || target}"`);
    return parsed;
  };
  switch (url.protocol) {
    case "http:":
    case "https:":
      return {
        ...base,
        type: "http",
        url: url.href,
        ...httpDefaults(),
      };
    case "tcp:":
      return { ...base, type: "tcp", ...hostPort() };
    case "tls:":
      return { ...base, type: "tls", ...hostPort(443), degradedUnderDays: 14 };
    case "dns:": {
      const name = decodeURIComponent(url.hostname || url.pathname.replace(/^\/+/, ""));
      if (!name) throw new TargetError("dns:// needs a name, e.g. dns://example.com?type=A");
      const type = (url.searchParams.get("type") ?? "A").toUpperCase();
      if (!(RECORD_TYPES as readonly string[]).includes(type))
        throw new TargetError(`unknown record type "${type}"; one of ${RECORD_TYPES.join(", ")}`);
      const server = url.searchParams.get("server");
      if (server !== null && !parseHostPort(server, 53))
        throw new TargetError(
          `server "${server}" is not HOST:PORT (an IP address, port 53 by default; IPv6 as [::1]:53)`,
        );
      return {
        ...base,
        type: "dns",
        name,
        recordType: type as (typeof RECORD_TYPES)[number],
        ...(server ? { server } : {}),
        expect: "non-empty",
      };
    }
    default:
      throw new TargetError(
        `unsupported scheme "${url.protocol}" in "${target}"; use http, https, tcp, dns or tls`,
      );
  }
}
