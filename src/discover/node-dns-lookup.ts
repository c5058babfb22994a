/** DnsLookup over node:dns's c-ares resolver, optionally pointed at one server (`--resolver host:port`). */
import { Resolver } from "node:dns/promises";
import { type DnsLookup, DnsLookupError } from "./dns-lookup.js";

const EMPTY = new Set(["ENODATA", "ENOTFOUND", "NXDOMAIN", "ENONAME"]);

export interface NodeDnsOptions {
  /** `host:port` or `host` (port 53); IPv6 as `[::1]:53`. Every query goes there. */
  server?: string;
  timeoutMs?: number;
  tries?: number;
}

export function nodeDnsLookup(options: NodeDnsOptions = {}): DnsLookup {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: options.tries ?? 2 });
  if (options.server !== undefined) resolver.setServers([options.server]);
  const ask = async <T>(what: string, name: string, query: () => Promise<T>, empty: T): Promise<T> => {
    try {
      return await query();
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (EMPTY.has(code)) return empty;
      throw new DnsLookupError(`${what} ${name}: ${code || (error as Error).message}`, { cause: error });
    }
  };
  return {
    ns: (name) => ask("NS", name, () => resolver.resolveNs(name), []),
    cname: async (name) => (await ask("CNAME", name, () => resolver.resolveCname(name), []))[0],
    a: (name) => ask("A", name, () => resolver.resolve4(name), []),
    aaaa: (name) => ask("AAAA", name, () => resolver.resolve6(name), []),
    mx: (name) => ask("MX", name, () => resolver.resolveMx(name), []),
    soa: async (name) => {
      const soa = await ask("SOA", name, () => resolver.resolveSoa(name), undefined);
      return soa ? { mname: soa.nsname, rname: soa.hostmaster } : undefined;
    },
  };
}

/** Checks a `--resolver` value: `host`, `host:port`, `[v6]:port`. Returns it or throws with what to write. */
export function parseResolver(value: string): string {
  const ok = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(value) || /^[0-9a-fA-F:]+$/.test(value);
  if (!ok) throw new Error(`--resolver "${value}" is not host:port (e.g. 127.0.0.1:5353 or [::1]:53)`);
  return value;
}
