/**
 * The IMC 2020 release as an Epicenter model, with the paper's definitions as dependencies, so `report
 * concentration`'s own code (one what-if per provider) yields the paper's "critical dependency":
 * - a site requires its DNS provider groups: one group hard, two or more `anyOf` (redundant). A private NS
 *   domain in no group of newGroups is not a second group: the release's damage lists count such a site as
 *   critical on its one third-party group (chase.com on dyn beside jpmorganchase.com, theguardian.com on ns1
 *   beside theguardiandns.com: vanity names that are mostly the same provider's servers);
 * - its CDNs the same way (one CDN critical, more redundant);
 * - its CA hard, or soft when the site staples OCSP (a stapled response keeps the site up while the CA's
 *   responder is down, so the CA's failure only degrades it);
 * - a provider a site uses as its own (the pairs the authors did not classify third-party) is a private
 *   component (`own-dns/…`, `own-cdn/…`) that is never a candidate, as the paper's "3rd" counts leave it out,
 *   but still counts towards the site's redundancy (one third-party group plus its own name servers is
 *   redundant, as in the release);
 * - with `indirect`, the providers' own dependencies: a CDN requires its name servers' groups (`anyOf` when
 *   several); a CA requires each of its revocation hosts (`ca-host/…`; the release does not say which host
 *   each site's certificate names, so any host's failure counts for the whole CA), and a host requires its
 *   name servers' groups and the CDN serving it.
 * Pure.
 */
import type { ComponentSpec, RequireItem } from "../src/model/model-types.js";
import type { KashafRelease, NameServer, Service } from "./concentration-data.js";

/** The kinds of the shared (third-party) providers: the candidates. */
export const PROVIDER_KINDS: readonly Service[] = ["dns", "cdn", "ca"];

export interface KashafModelOptions {
  /** Add the providers' dependencies on each other (CDN → DNS, CA → DNS and CDN). */
  indirect: boolean;
}

export const siteId = (site: string) => `site/${site}`;
export const providerId = (service: Service, name: string) => `${service}/${name}`;

function requireOneOf(members: string[], soft = false): RequireItem {
  if (members.length === 1) return { type: soft ? "soft" : "hard", id: members[0]!, hidden: false };
  return { type: "anyOf", of: members, hidden: false };
}

/** The model: providers first, then one observed `service` per site, in rank order. */
export function kashafComponents(release: KashafRelease, options: KashafModelOptions): ComponentSpec[] {
  const components = new Map<string, ComponentSpec>();
  const ensure = (id: string, kind: string, requires: RequireItem[] = []) => {
    let c = components.get(id);
    if (!c) {
      c = { id, kind, observed: false, requires };
      components.set(id, c);
    }
    return c;
  };
  /** The component a site (or provider) reaches `name` of `service` through: shared or its own. */
  const member = (service: "dns" | "cdn" | "ca", name: string, third: boolean) =>
    third
      ? ensure(providerId(service, name), service).id
      : ensure(`own-${service}/${name}`, `own-${service}`).id;
  const nameServers = (list: readonly NameServer[]) => {
    const groups = new Map<string, boolean>();
    for (const ns of list) groups.set(ns.group, (groups.get(ns.group) ?? false) || ns.third);
    return [...groups].map(([group, third]) => member("dns", group, third));
  };

  const sites = [...release.rank].sort((a, b) => a[1] - b[1]).map(([site]) => site);
  const siteSpecs: ComponentSpec[] = [];
  for (const site of sites) {
    const requires: RequireItem[] = [];
    const third = (service: Service, p: string) => release.third.has(`${service} ${p} ${site}`);
    const named = [...(release.dns.get(site) ?? [])].sort();
    const grouped = named.filter((p) => third("dns", p) || release.dnsGroups.has(p));
    const dns = grouped.length > 0 ? grouped : named;
    if (dns.length > 0) requires.push(requireOneOf(dns.map((p) => member("dns", p, third("dns", p)))));
    const cdn = [...(release.cdn.get(site) ?? [])].sort();
    if (cdn.length > 0) requires.push(requireOneOf(cdn.map((p) => member("cdn", p, third("cdn", p)))));
    const staples = release.staples.has(site);
    for (const ca of [...(release.ca.get(site) ?? [])].sort())
      requires.push(requireOneOf([member("ca", ca, third("ca", ca))], staples));
    siteSpecs.push({ id: siteId(site), kind: "service", name: site, observed: true, requires });
  }

  if (options.indirect) {
    for (const c of [...components.values()]) {
      const [kind, name] = [c.kind, c.id.slice(c.id.indexOf("/") + 1)];
      if (kind === "cdn" || kind === "own-cdn") {
        const ns = nameServers(release.cdnDns.get(name) ?? []);
        if (ns.length > 0) c.requires.push(requireOneOf(ns));
      } else if (kind === "ca" || kind === "own-ca") {
        for (const host of [...(release.caHosts.get(name) ?? [])].sort()) {
          const h = ensure(`ca-host/${host}`, "ca-host");
          c.requires.push({ type: "hard", id: h.id, hidden: false });
          if (h.requires.length > 0) continue;
          const ns = nameServers(release.hostDns.get(host) ?? []);
          if (ns.length > 0) h.requires.push(requireOneOf(ns));
          // A revocation host's CDN is third-party to the CA (cert-cdn names no CA's own CDN).
          for (const cdn of release.hostCdn.get(host) ?? [])
            h.requires.push({ type: "hard", id: member("cdn", cdn, true), hidden: false });
        }
      }
    }
    // CDNs a CA's host reached first through `member` above need their own name servers too.
    for (const c of components.values())
      if (c.kind === "cdn" && c.requires.length === 0) {
        const ns = nameServers(release.cdnDns.get(c.id.slice(4)) ?? []);
        if (ns.length > 0) c.requires.push(requireOneOf(ns));
      }
  }
  return [...components.values(), ...siteSpecs];
}
