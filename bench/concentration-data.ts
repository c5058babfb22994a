/**
 * Reads the data release of Kashaf, Sekar and Agarwal, "Analyzing Third Party Service Dependencies in Modern
 * Web Services" (IMC 2020), as copied to ../shared/data/real/kashaf-2020 (formats in its README), into plain
 * maps: each site's DNS provider groups, CDNs, CA and OCSP stapling, which site → provider pairs the authors
 * classified as third-party, the providers' own name servers and CDNs, and the release's own damage
 * (critical dependency) lists to compare against.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

export type Service = "dns" | "cdn" | "ca";

/** One provider's name servers: each NS registered domain, its DNS provider group, third-party or not. */
export interface NameServer {
  domain: string;
  group: string;
  third: boolean;
}

export interface KashafRelease {
  /** Site → Alexa 2020 rank, for every site any file names (within `maxRank`). */
  rank: Map<string, number>;
  /** Site → its DNS provider groups (DNSconcAll: group names lower-cased, or the bare NS domain). */
  dns: Map<string, Set<string>>;
  /** The group names of newGroups, lower-cased (through DNS_ALIAS): the names that are not a bare NS domain. */
  dnsGroups: Set<string>;
  /** Site → its CDNs, lower-cased (CDNCurrent; `none` left out). */
  cdn: Map<string, Set<string>>;
  /** Site → its CA, under the damage files' names (CAconc3rd through CA_ALIAS). */
  ca: Map<string, Set<string>>;
  /** Sites that staple OCSP (stapleCurrent `yes`). */
  staples: Set<string>;
  /** `service provider site` for the pairs classified third-party (the *conc3rd files). */
  third: Set<string>;
  /** CDN → its name servers (cdn-ns; third-party ones as third-cdn-ns lists them). */
  cdnDns: Map<string, NameServer[]>;
  /** CA → its revocation-host domains (CA_HOSTS, for the hosts the indirect files name). */
  caHosts: Map<string, Set<string>>;
  /** Revocation host → its name servers (CA_NS; third-party ones as third-cert-ns lists them). */
  hostDns: Map<string, NameServer[]>;
  /** Revocation host → the CDNs serving it (cert-cdn). */
  hostCdn: Map<string, Set<string>>;
  /** Revocation hosts the indirect files name that CA_HOSTS does not map (left out of the model). */
  unmappedHosts: string[];
  /** The release's own critical-dependency lists (*damage3rd): provider → sites. */
  damage: Record<Service, Map<string, Set<string>>>;
}

/**
 * CAconc* name CAs by issuer organisation, CAdamage* by revocation host (the data README): the conc names
 * that differ, mapped to the damage names so one CA is one component and counts compare.
 */
export const CA_ALIAS: Readonly<Record<string, string>> = {
  COMODOCALimited: "Sectigo",
  SectigoLimited: "Sectigo",
  "GlobalSignnv-sa": "GlobalSign",
  "GoDaddy.comInc.": "GoDaddy",
  TheUSERTRUSTNetwork: "Usertrust",
};

/**
 * Revocation-host domain → CA, for the indirect files (the release's own url-ca-map is not in it). Only
 * hosts whose owner is public knowledge: DigiCert's brands (RapidSSL, GeoTrust, Thawte, Symantec's symcb),
 * Sectigo's (Comodo), GlobalSign's AlphaSSL, Google Trust Services' pki.goog, Amazon's amazontrust.com.
 */
export const CA_HOSTS: Readonly<Record<string, string>> = {
  "digicert.com": "DigiCertInc",
  "digicert-cn.com": "DigiCertInc",
  "digitalcertvalidation.com": "DigiCertInc",
  "rapidssl.com": "DigiCertInc",
  "geotrust.com": "DigiCertInc",
  "thawte.com": "DigiCertInc",
  "symcb.com": "DigiCertInc",
  "letsencrypt.org": "Let'sEncrypt",
  "sectigo.com": "Sectigo",
  "comodoca.com": "Sectigo",
  "usertrust.com": "Usertrust",
  "globalsign.com": "GlobalSign",
  "alphassl.com": "GlobalSign",
  "godaddy.com": "GoDaddy",
  "starfieldtech.com": "StarfieldTechnologiesInc.",
  "entrust.net": "EntrustInc.",
  "certum.pl": "CERTUM",
  "quovadisglobal.com": "QuoVadisLimited",
  "ssl.com": "SSL.com",
  "trustwave.com": "TrustwaveHoldingsInc.",
  "affirmtrust.com": "AffirmTrust",
  "actalis.it": "ActalisS.p.A./03358520967",
  "cybertrust.ne.jp": "CybertrustJapanCo.Ltd.",
  "securecore-ca.com": "SecureCore",
  "dfn.de": "DFN",
  "telesec.de": "T-SystemsInternationalGmbH",
  "dhimyotis.com": "DHIMYOTIS",
  "certigna.fr": "Certigna",
  "microsoft.com": "MicrosoftCorporation",
  "msocsp.com": "MicrosoftCorporation",
  "symcd.com": "DigiCertInc",
  "comodoca4.com": "Sectigo",
  "ocsp-certum.com": "CERTUM",
  "amazontrust.com": "Amazon",
  "pki.goog": "GoogleTrustServices",
  "netsolssl.com": "NetworkSolutionsL.L.C.",
  "secomtrust.net": "SECOMTrustSystemsCO.LTD",
  "swisssign.net": "SwissSignAG",
  "twca.com.tw": "TAIWAN-CA",
  "telia.com": "TeliaSonera",
  "teliasonera.com": "TeliaSonera",
  "jprs.jp": "JapanRegistryServicesCo.Ltd.",
  "apple.com": "AppleInc.",
  "izenpe.com": "IZENPES.A.",
  "izenpe.eus": "IZENPES.A.",
  "buypass.com": "BuypassAS-983163327",
  "buypass.no": "BuypassAS-983163327",
};

/**
 * DNSconcAll names Google's DNS for other companies' sites `google3rd` (its newGroups group "Google3rd"),
 * DNSconc3rd and DNSdamage3rd name it `google`.
 */
const DNS_ALIAS: Readonly<Record<string, string>> = { google3rd: "google" };

/** DNSconcAll entries that name no provider: a failed lookup, as the release leaves unclassified sites out. */
const NOT_A_PROVIDER = new Set(["NXDOMAIN"]);

/** The folder of the release, or why it cannot be read. */
export function kashafMissing(dir: string): string | null {
  return existsSync(join(dir, "dns", "DNSconcAll.gz")) ? null : `${dir} has no dns/DNSconcAll.gz`;
}

function text(dir: string, file: string): string {
  const path = join(dir, file);
  const raw = readFileSync(path);
  return (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
}

function lines(body: string): string[] {
  return body.split("\n").filter((l) => l.length > 0);
}

/** `provider,rank-site:rank-site:...`: split on the last comma, each entry on its first '-'. */
function providerLists(body: string, maxRank: number, rank: Map<string, number>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of lines(body)) {
    const comma = line.lastIndexOf(",");
    const provider = line.slice(0, comma);
    const sites = out.get(provider) ?? new Set<string>();
    out.set(provider, sites);
    const rest = line.slice(comma + 1);
    if (rest.length === 0) continue;
    for (const entry of rest.split(":")) {
      const dash = entry.indexOf("-");
      const r = Number(entry.slice(0, dash));
      if (!(r >= 1 && r <= maxRank)) continue;
      const site = entry.slice(dash + 1);
      rank.set(site, r);
      sites.add(site);
    }
  }
  return out;
}

function invert(byProvider: Map<string, Set<string>>, rename = (p: string) => p): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [provider, sites] of byProvider)
    for (const site of sites) {
      const set = out.get(site) ?? new Set<string>();
      set.add(rename(provider));
      out.set(site, set);
    }
  return out;
}

/** NS registered domain → DNS provider group: newGroups first (the grouping sites are judged by), then the
 * indirect files' own groups; any awsdns-* is aws, as the release's scripts have it. */
function nsGroups(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of ["cdn/groups-cdn-ns", "cert/groups-cert-ns"])
    for (const line of lines(text(dir, file))) {
      const [group, domains] = line.split(",");
      for (const d of (domains ?? "").split(" ")) if (d) out.set(d, group!.toLowerCase());
    }
  for (const line of lines(text(dir, "dns/newGroups"))) {
    const [group, domains] = line.split(" ;;; ");
    for (const d of (domains ?? "").split(" ")) if (d) out.set(d, group!.trim().toLowerCase());
  }
  return out;
}

function groupOf(groups: Map<string, string>, domain: string): string {
  return /^awsdns-\d+\./.test(domain) ? "aws" : (groups.get(domain) ?? domain);
}

/** Reads the release; `maxRank` keeps only the sites ranked 1..maxRank (the test's slice). */
export function readKashaf(dir: string, maxRank = 100_000): KashafRelease {
  const rank = new Map<string, number>();
  const lists = (file: string) => providerLists(text(dir, file), maxRank, rank);
  const dnsAll = lists("dns/DNSconcAll.gz");
  for (const name of NOT_A_PROVIDER) dnsAll.delete(name);
  const third = new Set<string>();
  const addThird = (service: Service, byProvider: Map<string, Set<string>>, rename = (p: string) => p) => {
    for (const [p, sites] of byProvider) for (const s of sites) third.add(`${service} ${rename(p)} ${s}`);
  };
  addThird("dns", lists("dns/DNSconc3rd.gz"));
  addThird("cdn", lists("cdn/CDNconc3rd.gz"));
  const caRename = (p: string) => CA_ALIAS[p] ?? p;
  const caConc = lists("cert/CAconc3rd.gz");
  addThird("ca", caConc, caRename);

  const cdn = new Map<string, Set<string>>();
  for (const line of lines(text(dir, "cdn/CDNCurrent.gz"))) {
    const [r, site, name] = line.split(",");
    const n = Number(r);
    if (!(n >= 1 && n <= maxRank) || site === undefined || name === undefined) continue;
    rank.set(site, n);
    const lower = name.toLowerCase();
    if (lower === "none") continue;
    const set = cdn.get(site) ?? new Set<string>();
    set.add(lower);
    cdn.set(site, set);
  }
  const staples = new Set<string>();
  for (const line of lines(text(dir, "cert/stapleCurrent.gz"))) {
    const [r, site, yes] = line.split(",");
    const n = Number(r);
    if (!(n >= 1 && n <= maxRank) || site === undefined) continue;
    rank.set(site, n);
    if (yes === "yes") staples.add(site);
  }

  const groups = nsGroups(dir);
  const thirdPairs = (file: string) => new Set(lines(text(dir, file)).map((l) => l.toLowerCase()));
  const cdnThird = thirdPairs("cdn/third-cdn-ns");
  const cdnDns = new Map<string, NameServer[]>();
  for (const line of new Set(lines(text(dir, "cdn/cdn-ns")))) {
    const comma = line.lastIndexOf(",");
    const name = line.slice(0, comma).split(" ")[0]!.toLowerCase();
    const domain = line.slice(comma + 1);
    const list = cdnDns.get(name) ?? [];
    list.push({ domain, group: groupOf(groups, domain), third: cdnThird.has(`${name},${domain}`) });
    cdnDns.set(name, list);
  }
  const unmapped = new Set<string>();
  const caHosts = new Map<string, Set<string>>();
  const mapped = (host: string) => {
    const ca = CA_HOSTS[host];
    if (ca === undefined) unmapped.add(host);
    else caHosts.set(ca, (caHosts.get(ca) ?? new Set<string>()).add(host));
    return ca !== undefined;
  };
  const certThird = thirdPairs("cert/third-cert-ns");
  const hostDns = new Map<string, NameServer[]>();
  for (const line of new Set(lines(text(dir, "cert/CA_NS")))) {
    const [host, domain] = line.split(",");
    if (host === undefined || domain === undefined || !mapped(host)) continue;
    const list = hostDns.get(host) ?? [];
    list.push({ domain, group: groupOf(groups, domain), third: certThird.has(`${host},${domain}`) });
    hostDns.set(host, list);
  }
  const hostCdn = new Map<string, Set<string>>();
  for (const line of lines(text(dir, "cert/cert-cdn"))) {
    const [host, name] = line.split(",");
    const lower = (name ?? "none").trim().toLowerCase();
    if (host === undefined || lower === "none" || !mapped(host)) continue;
    hostCdn.set(host, (hostCdn.get(host) ?? new Set<string>()).add(lower));
  }

  const damageOf = (file: string) => providerLists(text(dir, file), maxRank, new Map());
  return {
    rank,
    dns: invert(dnsAll, (p) => DNS_ALIAS[p] ?? p),
    dnsGroups: new Set(
      lines(text(dir, "dns/newGroups")).map((l) => {
        const name = l.split(" ;;; ")[0]!.trim().toLowerCase();
        return DNS_ALIAS[name] ?? name;
      }),
    ),
    cdn,
    ca: invert(caConc, caRename),
    staples,
    third,
    cdnDns,
    caHosts,
    hostDns,
    hostCdn,
    unmappedHosts: [...unmapped].sort(),
    damage: {
      dns: damageOf("dns/DNSdamage3rd.gz"),
      cdn: damageOf("cdn/CDNdamage3rd.gz"),
      ca: damageOf("cert/CAdamage3rd.gz"),
    },
  };
}
