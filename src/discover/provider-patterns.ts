/**
 * Curated name patterns that map DNS names to providers and catalog ids: name servers, CNAME targets,
 * mail exchangers, certificate authorities. These win over the snapshot's bulk lists (which are noisy).
 * Sources: each provider's documentation of its name servers and hostnames, and ../shared/data/README.md.
 */

/** A provider a name points at, as a component id and what to declare if the catalog lacks it. */
export interface ProviderRef {
  id: string;
  kind: string;
  name: string;
}

type Rule = readonly [RegExp, ProviderRef];

const p = (id: string, kind: string, name: string): ProviderRef => ({ id, kind, name });

export const NS_RULES: readonly Rule[] = [
  [/\.awsdns-\d+\.(com|net|org|co\.uk)$/, p("aws/route53", "dns", "Amazon Route 53")],
  [/\.ns\.cloudflare\.com$/, p("cloudflare/dns", "dns", "Cloudflare DNS")],
  [/\.(akam|akamaiedge|akadns)\.net$/, p("akamai/dns", "dns", "Akamai Edge DNS")],
  [/\.nsone\.net$/, p("ns1/dns", "dns", "NS1 Managed DNS")],
  [/\.dynect\.net$/, p("dyn/dns", "dns", "Dyn Managed DNS")],
  [/^ns-cloud-[a-z0-9-]+\.googledomains\.com$/, p("gcp/cloud-dns", "dns", "Cloud DNS")],
  [/\.azure-dns\.(com|net|org|info)$/, p("azure/dns", "dns", "Azure DNS")],
  [/\.domaincontrol\.com$/, p("godaddy/dns", "dns", "GoDaddy DNS")],
  [/\.ultradns\.(com|net|org|biz)$/, p("ultradns/dns", "dns", "UltraDNS")],
  [/\.dnsmadeeasy\.com$/, p("dnsmadeeasy/dns", "dns", "DNS Made Easy")],
  [/\.dnsimple\.com$/, p("dnsimple/dns", "dns", "DNSimple")],
  [/\.digitalocean\.com$/, p("digitalocean/dns", "dns", "DigitalOcean DNS")],
  [/\.vercel-dns\.com$/, p("vercel/dns", "dns", "Vercel DNS")],
  [/\.(hetzner\.com|hetzner\.de|your-server\.de)$/, p("hetzner/dns", "dns", "Hetzner DNS")],
  [/\.registrar-servers\.com$/, p("namecheap/dns", "dns", "Namecheap DNS")],
];

export const CNAME_RULES: readonly Rule[] = [
  [/\.cloudfront\.net$/, p("aws/cloudfront", "cdn", "Amazon CloudFront")],
  [/\.(cdn\.)?cloudflare\.net$/, p("cloudflare/cdn", "cdn", "Cloudflare CDN")],
  [
    /\.(akamaiedge|edgekey|edgesuite|akamaized|akamai|akamaihd|akamaitechnologies)\.(net|com)$/,
    p("akamai/cdn", "cdn", "Akamai CDN"),
  ],
  [/\.(fastly|fastlylb)\.net$/, p("fastly/cdn", "cdn", "Fastly CDN")],
  [/\.(azurefd|azureedge|t-msedge)\.net$/, p("azure/front-door", "cdn", "Azure Front Door")],
  [/\.(googlehosted|ghs\.google|appspot)\.com$/, p("google/hosting", "hosting", "Google hosting")],
  [/\.(vercel-dns\.com|vercel\.app|vercel\.com)$/, p("vercel/hosting", "hosting", "Vercel")],
  [/\.(netlify\.app|netlify\.com|netlifyglobalcdn\.com)$/, p("netlify/hosting", "hosting", "Netlify")],
  [/\.(herokuapp|herokudns|herokussl)\.com$/, p("heroku/hosting", "hosting", "Heroku")],
  [/\.github\.io$/, p("github/pages", "hosting", "GitHub Pages")],
  [/\.(myshopify|shopify)\.com$/, p("shopify/hosting", "hosting", "Shopify")],
];

export const MX_RULES: readonly Rule[] = [
  [/\.(google|googlemail)\.com$/, p("google/mail", "mail", "Google Workspace mail")],
  [/\.mail\.protection\.outlook\.com$/, p("microsoft/mail", "mail", "Microsoft Exchange Online")],
  [/\.(pphosted|ppe-hosted)\.com$/, p("proofpoint/mail", "mail", "Proofpoint")],
  [/\.mimecast\.com$/, p("mimecast/mail", "mail", "Mimecast")],
  [/\.zoho\.(com|eu|in)$/, p("zoho/mail", "mail", "Zoho Mail")],
  [/\.messagingengine\.com$/, p("fastmail/mail", "mail", "Fastmail")],
  [/\.mx\.cloudflare\.net$/, p("cloudflare/email", "mail", "Cloudflare Email Routing")],
  [/\.barracudanetworks\.com$/, p("barracuda/mail", "mail", "Barracuda")],
  [/\.amazonaws\.com$/, p("aws/ses", "mail", "Amazon SES")],
];

/** AWS regional endpoints in a CNAME target: `x.us-east-1.elb.amazonaws.com`, `s3-website-eu-west-1...`. */
const AWS_REGIONAL: readonly [RegExp, string][] = [
  [/\.([a-z]{2}(?:-[a-z]+)+-\d)\.elb\.amazonaws\.com$/, "elb"],
  [/(?:^|\.)s3[.-](?:website[.-])?([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$/, "s3"],
  [/\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$/, "api-gateway"],
];

/** The first rule whose pattern matches `name` (lower case, no trailing dot). */
export function matchRule(rules: readonly Rule[], name: string): ProviderRef | undefined {
  for (const [pattern, ref] of rules) if (pattern.test(`.${name}`)) return ref;
  return undefined;
}

/** `[region, service]` of an AWS regional endpoint name, or undefined. */
export function awsRegionalEndpoint(name: string): [string, string] | undefined {
  for (const [pattern, service] of AWS_REGIONAL) {
    const m = pattern.exec(name);
    if (m) return [m[1]!, service];
  }
  return undefined;
}

/** Certificate authorities by the issuer organisation they print. */
const CA_NAMES: readonly [RegExp, string, string][] = [
  [/let'?s encrypt/i, "lets-encrypt", "Let's Encrypt"],
  [/digicert/i, "digicert", "DigiCert"],
  [/sectigo|comodo/i, "sectigo", "Sectigo"],
  [/globalsign/i, "globalsign", "GlobalSign"],
  [/google trust services/i, "google-trust-services", "Google Trust Services"],
  [/^amazon/i, "amazon", "Amazon Trust Services"],
  [/godaddy|starfield/i, "godaddy", "GoDaddy"],
  [/entrust/i, "entrust", "Entrust"],
  [/zerossl/i, "zerossl", "ZeroSSL"],
  [/microsoft/i, "microsoft", "Microsoft"],
];

export function caRef(issuer: string): ProviderRef {
  for (const [pattern, slug, name] of CA_NAMES) if (pattern.test(issuer)) return p(`ca/${slug}`, "ca", name);
  const s = slugOf(issuer) || "unknown";
  return p(`ca/${s}`, "ca", issuer || "unknown certificate authority");
}

export function slugOf(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
}

/** Second-level labels under which registrations sit one level deeper (a small public-suffix subset). */
const TWO_LABEL_SUFFIXES = new Set(
  "co.uk org.uk ac.uk gov.uk me.uk com.au net.au org.au co.jp ne.jp or.jp com.br com.cn net.cn org.cn co.nz co.in co.za com.mx com.tr com.sg co.kr com.hk com.tw co.il".split(
    " ",
  ),
);

/**
 * The registrable domain of a name (`a.b.example.co.uk` → `example.co.uk`). An approximation of the
 * Public Suffix List covering the common two-label suffixes; enough to tell a site's own name servers.
 */
export function registrableDomain(name: string): string {
  const labels = normalizeName(name).split(".").filter(Boolean);
  if (labels.length <= 2) return labels.join(".");
  const lastTwo = labels.slice(-2).join(".");
  return TWO_LABEL_SUFFIXES.has(lastTwo) ? labels.slice(-3).join(".") : lastTwo;
}

export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.+$/, "");
}
