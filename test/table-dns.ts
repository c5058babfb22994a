/** A DnsLookup answering from a table, for tests of what discovery concludes (no network, no server). */
import type { DnsLookup } from "../src/discover/dns-lookup.js";

export type DnsTable = Record<
  string,
  {
    NS?: string[];
    CNAME?: string;
    A?: string[];
    AAAA?: string[];
    MX?: { exchange: string; priority: number }[];
  }
>;

export function tableDns(table: DnsTable): DnsLookup {
  const at = (name: string) => table[name.toLowerCase().replace(/\.$/, "")] ?? {};
  return {
    ns: async (n) => at(n).NS ?? [],
    cname: async (n) => at(n).CNAME,
    a: async (n) => at(n).A ?? [],
    aaaa: async (n) => at(n).AAAA ?? [],
    mx: async (n) => at(n).MX ?? [],
    soa: async () => undefined,
  };
}
