/**
 * Pure classification of a domain's facts into dependencies, after Kashaf, Sekar and Agarwal ("Analyzing
 * Third Party Service Dependencies in Modern Web Services", IMC 2020): name servers private or third
 * party, grouped into providers (more than one group is redundancy); CNAME chains and address ranges for
 * CDN and hosting; the CA's OCSP responder unless stapled; mail exchangers (soft).
 */
import type {
  DiscoveredComponent,
  DomainFacts,
  DomainResult,
  Evidence,
  RequireOut,
  SoaFacts,
} from "./discovery-types.js";
import {
  awsRegionalEndpoint,
  CNAME_RULES,
  caRef,
  MX_RULES,
  matchRule,
  NS_RULES,
  normalizeName,
  type ProviderRef,
  registrableDomain,
  slugOf,
} from "./provider-patterns.js";
import type { RangeTable, RangeTag, SnapshotPatterns } from "./range-snapshot.js";

export interface ClassifyContext {
  ranges: RangeTable;
  patterns: SnapshotPatterns;
  /** Ids of the catalog: a ref whose id is missing there is declared as a discovered component. */
  catalog: ReadonlySet<string>;
}

/** How a name server was judged, before the SOA step (which needs a lookup the caller does). */
export function nameServerProvider(
  domain: string,
  ns: string,
  patterns: SnapshotPatterns,
): ProviderRef | "private" | undefined {
  const name = normalizeName(ns);
  if (registrableDomain(name) === registrableDomain(domain)) return "private";
  const known = matchRule(NS_RULES, name);
  if (known) return known;
  const group = patterns.nsGroups[registrableDomain(name)];
  if (group) return { id: `${slugOf(group)}/dns`, kind: "dns", name: `${group} DNS` };
  return undefined;
}

function sameSoa(a: SoaFacts | undefined, b: SoaFacts | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    normalizeName(a.mname) === normalizeName(b.mname) &&
    normalizeName(a.rname) === normalizeName(b.rname)
  );
}

/** An address's range tag as a component: the most specific catalog id the tag supports. */
function rangeComponent(tag: RangeTag, catalog: ReadonlySet<string>): ProviderRef {
  const { provider, region, service } = tag;
  const first = (...ids: string[]) => ids.find((id) => catalog.has(id)) ?? ids[ids.length - 1]!;
  if (provider === "aws") {
    if (service === "cloudfront") return { id: "aws/cloudfront", kind: "cdn", name: "Amazon CloudFront" };
    if (service === "route53") return { id: "aws/route53", kind: "dns", name: "Amazon Route 53" };
    if (region === "" || region === "global") return { id: "aws", kind: "provider", name: "AWS" };
    const id = first(`aws/${region}/${service}`, `aws/${region}`, "aws");
    return { id, kind: id.split("/").length === 3 ? "cloud-service" : "region", name: `AWS ${region}` };
  }
  if (provider === "azure" && service === "front-door")
    return { id: "azure/front-door", kind: "cdn", name: "Azure Front Door" };
  if (provider === "gcp" || provider === "azure") {
    const id =
      region === "" ? provider : first(`${provider}/${region}/${service}`, `${provider}/${region}`, provider);
    return { id, kind: id === provider ? "provider" : "region", name: `${provider} ${region}` };
  }
  if (provider === "cloudflare" || provider === "fastly" || provider === "akamai")
    return { id: `${provider}/cdn`, kind: "cdn", name: `${provider} CDN` };
  if (provider === "github" && service === "pages")
    return { id: "github/pages", kind: "hosting", name: "GitHub Pages" };
  return { id: provider, kind: "provider", name: provider };
}

/** Collects requires and the components they name, without duplicates. */
class ResultBuilder {
  readonly requires: RequireOut[] = [];
  readonly evidence: Evidence[] = [];
  readonly providers = new Map<string, string>();
  readonly refs = new Map<string, ProviderRef>();
  readonly #keys = new Set<string>();

  require(item: RequireOut, refs: ProviderRef[]): void {
    const key = JSON.stringify(item);
    for (const r of refs) this.refs.set(r.id, r);
    if (this.#keys.has(key)) return;
    // A hard edge makes a soft one to the same id redundant, and the reverse.
    if (typeof item === "string") {
      const soft = this.requires.findIndex((r) => typeof r === "object" && "soft" in r && r.id === item);
      if (soft >= 0) this.requires.splice(soft, 1);
    } else if ("soft" in item && this.#keys.has(JSON.stringify(item.id))) return;
    this.#keys.add(key);
    this.requires.push(item);
  }

  note(component: string, record: string, reason: string): void {
    this.evidence.push({ component, record, reason });
  }
}

export function classifyDomain(facts: DomainFacts, ctx: ClassifyContext): DomainResult {
  const domain = normalizeName(facts.domain);
  const out = new ResultBuilder();
  classifyNameServers(domain, facts, ctx, out);
  classifyHosts(domain, facts, ctx, out);
  classifyCertificate(domain, facts, out);
  classifyMail(domain, facts, out);
  const components: DiscoveredComponent[] = [];
  for (const ref of out.refs.values()) components.push(...declare(ref, ctx.catalog));
  return {
    domain,
    requires: out.requires,
    evidence: out.evidence,
    providers: [...out.providers].map(([id, d]) => ({ id, domain: d })),
    components: dedupe(components),
  };
}

function classifyNameServers(
  domain: string,
  facts: DomainFacts,
  ctx: ClassifyContext,
  out: ResultBuilder,
): void {
  if (facts.nsError) out.note("", `${domain} NS`, `no answer: ${facts.nsError}`);
  const groups = new Map<string, ProviderRef>();
  const san = new Set((facts.tls?.san ?? []).map((n) => registrableDomain(n.replace(/^\*\./, ""))));
  for (const raw of facts.ns) {
    const ns = normalizeName(raw);
    const record = `${domain} NS ${ns}`;
    let judged = nameServerProvider(domain, ns, ctx.patterns);
    let reason = judged === "private" ? "same registrable domain" : judged ? "known provider pattern" : "";
    if (judged === undefined && san.has(registrableDomain(ns))) {
      judged = "private";
      reason = "name server's domain is in the site certificate's SAN";
    }
    if (judged === undefined && sameSoa(facts.soa, facts.nsSoa[registrableDomain(ns)])) {
      judged = "private";
      reason = "name server's domain has the site's SOA";
    }
    if (judged === undefined) {
      const base = registrableDomain(ns);
      judged = { id: `${slugOf(base)}/dns`, kind: "dns", name: `DNS at ${base}` };
      reason = "third party: other registrable domain, SOA differs";
    }
    const ref: ProviderRef =
      judged === "private"
        ? { id: `${domain}/dns`, kind: "dns", name: `${domain} own name servers` }
        : judged;
    groups.set(ref.id, ref);
    if (judged !== "private") out.providers.set(ref.id, registrableDomain(ns));
    out.note(ref.id, record, `${judged === "private" ? "private" : "third-party"}: ${reason}`);
  }
  const refs = [...groups.values()];
  const thirdParty = refs.filter((r) => r.id !== `${domain}/dns`);
  if (refs.length > 1) out.require({ anyOf: refs.map((r) => r.id).sort() }, refs);
  else if (thirdParty.length === 1) out.require(thirdParty[0]!.id, thirdParty);
}

function classifyHosts(domain: string, facts: DomainFacts, ctx: ClassifyContext, out: ResultBuilder): void {
  for (const host of facts.hosts) {
    if (host.error) out.note("", `${host.name} A/AAAA`, `no answer: ${host.error}`);
    let previous = host.name;
    for (const target of host.chain) {
      const name = normalizeName(target);
      const record = `${previous} CNAME ${name}`;
      previous = name;
      const regional = awsRegionalEndpoint(name);
      const ref: ProviderRef | undefined = regional
        ? rangeComponent({ provider: "aws", region: regional[0], service: regional[1] }, ctx.catalog)
        : (matchRule(CNAME_RULES, name) ?? bulkCname(name, ctx.patterns));
      if (!ref || registrableDomain(name) === domain) continue;
      out.require(ref.id, [ref]);
      out.providers.set(ref.id, registrableDomain(name));
      out.note(ref.id, record, regional ? "AWS regional endpoint name" : "CNAME suffix of the provider");
    }
    const ids = new Map<string, ProviderRef>();
    const last = host.chain.at(-1) ?? host.name;
    for (const address of [...host.v4, ...host.v6]) {
      const tag = ctx.ranges.lookup(address);
      const ref: ProviderRef = tag
        ? rangeComponent(tag, ctx.catalog)
        : { id: `${domain}/hosting`, kind: "hosting", name: `${domain} own hosting` };
      ids.set(ref.id, ref);
      const where = tag ? [tag.provider, tag.region, tag.service].filter(Boolean).join(" ") : "";
      out.note(
        ref.id,
        `${last} ${address.includes(":") ? "AAAA" : "A"} ${address}`,
        tag
          ? `in the published ranges of ${where}`
          : "in no provider's published ranges: self-hosted or unknown",
      );
    }
    const refs = [...ids.values()];
    const providers = refs.filter((r) => r.id !== `${domain}/hosting`);
    if (providers.length === 0) continue;
    if (refs.length === 1) out.require(refs[0]!.id, refs);
    else out.require({ anyOf: refs.map((r) => r.id).sort() }, refs);
  }
}

function bulkCname(name: string, patterns: SnapshotPatterns): ProviderRef | undefined {
  const labels = name.split(".");
  for (let i = 1; i < labels.length - 1; i++) {
    const provider = patterns.cnameSuffixes[labels.slice(i).join(".")];
    if (provider) return { id: `${slugOf(provider) || "cdn"}/cdn`, kind: "cdn", name: provider };
  }
  return undefined;
}

function classifyCertificate(domain: string, facts: DomainFacts, out: ResultBuilder): void {
  if (facts.tlsError) out.note("", `${domain} TLS`, `no certificate read: ${facts.tlsError}`);
  const tls = facts.tls;
  if (!tls) return;
  const ca = caRef(tls.issuer);
  const record = `${tls.host} certificate issuer "${tls.issuer}"`;
  if (tls.ocsp.length > 0 && !tls.stapled) {
    out.require(ca.id, [ca]);
    out.note(
      ca.id,
      `${record}, OCSP ${tls.ocsp.join(" ")}`,
      "no OCSP stapling: clients ask the CA's responder",
    );
  } else {
    out.require({ id: ca.id, soft: true }, [ca]);
    out.note(
      ca.id,
      record,
      tls.stapled
        ? "OCSP response stapled: the responder is needed only for renewals"
        : "no OCSP responder named",
    );
  }
}

function classifyMail(domain: string, facts: DomainFacts, out: ResultBuilder): void {
  if (facts.mxError) out.note("", `${domain} MX`, `no answer: ${facts.mxError}`);
  for (const mx of facts.mx) {
    const name = normalizeName(mx.exchange);
    const record = `${domain} MX ${mx.priority} ${name}`;
    if (name === "" || registrableDomain(name) === domain) {
      out.note(`${domain}/mail`, record, "private mail exchanger");
      continue;
    }
    const base = registrableDomain(name);
    const ref = matchRule(MX_RULES, name) ?? {
      id: `${slugOf(base)}/mail`,
      kind: "mail",
      name: `mail at ${base}`,
    };
    out.require({ id: ref.id, soft: true }, [ref]);
    out.note(ref.id, record, "third-party mail exchanger (soft: the site works without mail)");
  }
}

/** The declarations a ref needs when the catalog lacks it: itself, and its parent provider. */
function declare(ref: ProviderRef, catalog: ReadonlySet<string>): DiscoveredComponent[] {
  if (catalog.has(ref.id)) return [];
  const slash = ref.id.lastIndexOf("/");
  if (slash < 0) return [{ id: ref.id, kind: ref.kind, name: ref.name, requires: [] }];
  const parent = ref.id.slice(0, slash);
  // A site's own parts (example.com/dns) hang on nothing: the site itself requires them.
  if (parent.includes(".")) return [{ id: ref.id, kind: ref.kind, name: ref.name, requires: [] }];
  const parentRef: ProviderRef = { id: parent, kind: "provider", name: parent };
  return [...declare(parentRef, catalog), { id: ref.id, kind: ref.kind, name: ref.name, requires: [parent] }];
}

function dedupe(components: DiscoveredComponent[]): DiscoveredComponent[] {
  const seen = new Map<string, DiscoveredComponent>();
  for (const c of components) if (!seen.has(c.id)) seen.set(c.id, c);
  return [...seen.values()];
}
