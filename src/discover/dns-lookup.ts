/** The DNS questions discovery asks; one implementation over node:dns (node-dns-lookup.ts). */
import type { SoaFacts } from "./discovery-types.js";

/**
 * Answers are empty when the name has no such record (NXDOMAIN, NODATA); other failures (timeout,
 * SERVFAIL, refused) reject with DnsLookupError, so discovery can say the answer is unknown.
 */
export interface DnsLookup {
  ns(name: string): Promise<string[]>;
  /** The CNAME target of `name`, or undefined. */
  cname(name: string): Promise<string | undefined>;
  a(name: string): Promise<string[]>;
  aaaa(name: string): Promise<string[]>;
  mx(name: string): Promise<{ exchange: string; priority: number }[]>;
  soa(name: string): Promise<SoaFacts | undefined>;
}

export class DnsLookupError extends Error {
  override readonly name = "DnsLookupError";
  readonly code = "E_DNS_LOOKUP";
}
