/**
 * Discovery of one domain, and of many with bounded concurrency: gathers the facts through a DnsLookup
 * and a TLS inspector, classifies them (classify-domain.ts), then analyses the DNS of the providers found,
 * to a configurable depth (a CDN's own DNS). Each provider domain is analysed once per run.
 */
import { type ClassifyContext, classifyDomain, nameServerProvider } from "./classify-domain.js";
import type { DomainFacts, DomainResult, HostFacts, SoaFacts } from "./discovery-types.js";
import type { DnsLookup } from "./dns-lookup.js";
import { normalizeName, registrableDomain } from "./provider-patterns.js";
import type { TlsInspector } from "./tls-inspect.js";

export interface DiscoverOptions {
  dns: DnsLookup;
  context: ClassifyContext;
  /** Reads certificates; without it, no CA dependency is looked for. */
  tls?: TlsInspector;
  tlsPort?: number;
  tlsTimeoutMs?: number;
  /** Hostnames to follow besides the apex and www (full names, or labels under the domain). */
  hosts?: string[];
  /** How many levels of providers' own DNS to analyse (0: none). Default 1. */
  depth?: number;
}

const MAX_CHAIN = 8;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function followHost(dns: DnsLookup, name: string): Promise<HostFacts> {
  const chain: string[] = [];
  try {
    let current = name;
    for (let i = 0; i < MAX_CHAIN; i++) {
      const target = await dns.cname(current);
      if (target === undefined || chain.includes(normalizeName(target))) break;
      current = normalizeName(target);
      chain.push(current);
    }
    const [v4, v6] = await Promise.all([dns.a(current), dns.aaaa(current)]);
    return { name, chain, v4, v6 };
  } catch (error) {
    return { name, chain, v4: [], v6: [], error: message(error) };
  }
}

/** NS of `domain`, and the SOAs the classification needs for name servers no pattern names. */
async function nameServerFacts(
  dns: DnsLookup,
  domain: string,
  ctx: ClassifyContext,
): Promise<Pick<DomainFacts, "ns" | "nsError" | "soa" | "nsSoa">> {
  let ns: string[] = [];
  try {
    ns = (await dns.ns(domain)).map(normalizeName).sort();
  } catch (error) {
    return { ns, nsError: message(error), nsSoa: {} };
  }
  const unknown = [
    ...new Set(
      ns.filter((n) => nameServerProvider(domain, n, ctx.patterns) === undefined).map(registrableDomain),
    ),
  ];
  if (unknown.length === 0) return { ns, nsSoa: {} };
  const soaOf = (name: string) => dns.soa(name).catch((): SoaFacts | undefined => undefined);
  const [soa, ...others] = await Promise.all([soaOf(domain), ...unknown.map(soaOf)]);
  return { ns, soa, nsSoa: Object.fromEntries(unknown.map((u, i) => [u, others[i]])) };
}

/** Everything discovery looks at for one domain. */
async function gatherFacts(domain: string, options: DiscoverOptions): Promise<DomainFacts> {
  const { dns } = options;
  const names = [
    domain,
    `www.${domain}`,
    ...(options.hosts ?? []).map((h) => (h.includes(".") ? h : `${h}.${domain}`)),
  ];
  const [nsFacts, hosts, mx] = await Promise.all([
    nameServerFacts(dns, domain, options.context),
    Promise.all([...new Set(names.map(normalizeName))].map((n) => followHost(dns, n))),
    dns.mx(domain).then(
      (mx) => ({ mx }),
      (error: unknown) => ({ mx: [], mxError: message(error) }),
    ),
  ]);
  const facts: DomainFacts = { domain, ...nsFacts, hosts, ...mx };
  if (options.tls) {
    const target = hosts.find((h) => h.v4.length > 0 || h.v6.length > 0);
    if (target) {
      try {
        facts.tls = await options.tls(target.name, target.v4[0] ?? target.v6[0]!, {
          port: options.tlsPort,
          timeoutMs: options.tlsTimeoutMs,
        });
      } catch (error) {
        facts.tlsError = message(error);
      }
    }
  }
  return facts;
}

/** Discovers one domain and the DNS of its providers; `seen` (provider domains done) spans a batch. */
async function discoverDomain(
  domain: string,
  options: DiscoverOptions,
  seen: Set<string> = new Set(),
): Promise<DomainResult[]> {
  const name = normalizeName(domain);
  const direct = classifyDomain(await gatherFacts(name, options), options.context);
  const results = [direct];
  let frontier = direct.providers;
  for (let level = 1; level <= (options.depth ?? 1) && frontier.length > 0; level++) {
    const next: DomainResult["providers"] = [];
    for (const provider of frontier) {
      if (seen.has(provider.domain) || provider.domain === name) continue;
      seen.add(provider.domain);
      const facts: DomainFacts = {
        domain: provider.domain,
        ...(await nameServerFacts(options.dns, provider.domain, options.context)),
        hosts: [],
        mx: [],
      };
      const result = classifyDomain(facts, options.context);
      results.push({ ...result, via: provider.id, depth: level });
      next.push(...result.providers.filter((p) => p.id !== provider.id));
    }
    frontier = next;
  }
  return results;
}

export interface BatchOptions extends DiscoverOptions {
  concurrency?: number;
  /** Called after each domain with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Called with each domain's results as soon as they are known (for a resumable cache). */
  onResult?: (domain: string, results: DomainResult[]) => void;
  /** Provider domains already analysed (from a cache), so they are not analysed again. */
  seen?: Set<string>;
}

/** Discovers many domains with at most `concurrency` in flight; results in input order. */
export async function discoverMany(
  domains: readonly string[],
  options: BatchOptions,
): Promise<DomainResult[][]> {
  const out: DomainResult[][] = new Array(domains.length);
  const seen = options.seen ?? new Set<string>();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < domains.length) {
      const i = next++;
      const domain = domains[i]!;
      out[i] = await discoverDomain(domain, options, seen);
      options.onResult?.(domain, out[i]!);
      options.onProgress?.(++done, domains.length);
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? 32, domains.length));
  await Promise.all(Array.from({ length: width }, worker));
  return out;
}
