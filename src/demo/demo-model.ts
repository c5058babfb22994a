/**
 * The demo's world as data: provider components taken from the built-in catalog (same ids, names, kinds and
 * edges, so what the demo names is what a real config names), thirty observed services after the
 * 2021-12-07 us-east-1 story under `demo/`, one HTTP check each, and three local vantages. Pure.
 */
import { catalogComponents } from "../catalog/catalog-data.js";
import type { ComponentSpec, RequireItem } from "../model/model-types.js";
import type { HttpCheck } from "../probe/check-types.js";

/**
 * A vantage of the demo: a local source address the probes bind, which the demo's servers can tell apart, and
 * the catalog region it stands for on the world map (all three run on this machine; a real deployment has
 * agents in places like these).
 */
export interface DemoVantage {
  id: string;
  localAddress: string;
  region?: string;
}

export const DEMO_VANTAGES: readonly DemoVantage[] = [
  { id: "vantage/local-a", localAddress: "127.0.0.2", region: "aws/us-west-2" },
  { id: "vantage/local-b", localAddress: "127.0.0.3", region: "gcp/europe-west3" },
  { id: "vantage/local-c", localAddress: "127.0.0.4", region: "azure/southeastasia" },
];

/** Catalog components the demo's services stand on (their providers are pulled in with them). */
const PROVIDER_IDS: readonly string[] = [
  "aws/us-east-1/ec2",
  "aws/us-east-1/s3",
  "aws/us-east-1/dynamodb",
  "aws/us-east-1/lambda",
  "aws/us-east-1/api-gateway",
  "aws/us-east-1/cognito",
  "aws/us-west-2/ec2",
  "aws/us-west-2/s3",
  "aws/us-west-2/dynamodb",
  "aws/eu-west-1/ec2",
  "aws/eu-west-1/s3",
  "aws/eu-west-1/dynamodb",
  "aws/eu-west-1/rds",
  "aws/cloudfront",
  "aws/route53",
  "gcp/us-central1/gce",
  "gcp/us-central1/gcs",
  "gcp/europe-west1/gce",
  "cloudflare/cdn",
  "cloudflare/dns",
  "fastly/cdn",
  "akamai/cdn",
  "akamai/dns",
  "dyn/dns",
  "ns1/dns",
  "saas/stripe",
  "saas/twilio",
  "saas/auth0",
];

const soft = (id: string): RequireItem => ({ type: "soft", id, hidden: false });
const anyOf = (...of: string[]): RequireItem => ({ type: "anyOf", of, hidden: false });
const atLeast = (k: number, ...of: string[]): RequireItem => ({ type: "atLeast", k, of, hidden: false });

const E1 = "aws/us-east-1";
const W2 = "aws/us-west-2";
const EU = "aws/eu-west-1";
const GCP = "gcp/us-central1";

/** [id under demo/, display name, requires]; a string is a hard dependency. */
const SERVICES: readonly (readonly [string, string, readonly (string | RequireItem)[]])[] = [
  // Hit on 2021-12-07: everything on us-east-1's APIs.
  ["streaming", "Streaming (Disney+-like)", ["akamai/cdn", `${E1}/api-gateway`, `${E1}/dynamodb`, "dyn/dns"]],
  ["tv-platform", "TV platform (Roku-like)", [`${E1}/ec2`, soft(`${E1}/cognito`), "aws/route53"]],
  [
    "exchange",
    "Crypto exchange (Coinbase-like)",
    ["cloudflare/cdn", `${E1}/ec2`, soft("saas/twilio"), "cloudflare/dns"],
  ],
  [
    "dating",
    "Dating app (Tinder-like)",
    [`${E1}/api-gateway`, `${E1}/dynamodb`, soft("saas/stripe"), "aws/route53"],
  ],
  ["battle-royale", "Battle royale game (PUBG-like)", [`${E1}/ec2`, `${E1}/cognito`, "ns1/dns"]],
  ["voice-assistant", "Voice assistant (Alexa-like)", [`${E1}/lambda`, `${E1}/dynamodb`, "aws/route53"]],
  [
    "ebooks",
    "E-book store (Kindle-like)",
    ["aws/cloudfront", `${E1}/api-gateway`, `${E1}/s3`, "aws/route53"],
  ],
  [
    "smart-home",
    "Doorbell cameras (Ring-like)",
    [`${E1}/ec2`, `${E1}/lambda`, soft("saas/twilio"), "aws/route53"],
  ],
  ["music", "Music streaming (Amazon Music-like)", ["aws/cloudfront", `${E1}/api-gateway`, "aws/route53"]],
  [
    "delivery",
    "Delivery drivers' app (Flex-like)",
    [`${E1}/api-gateway`, `${E1}/cognito`, `${E1}/dynamodb`, "aws/route53"],
  ],
  ["chat", "Team chat (Slack-like)", [`${E1}/ec2`, "fastly/cdn", "dyn/dns"]],
  ["payments-app", "Payments app (Venmo-like)", [`${E1}/ec2`, "cloudflare/cdn", "ns1/dns"]],
  [
    "cloud-status",
    "A cloud's status page, hosted where it fails",
    [`${E1}/s3`, "aws/cloudfront", "aws/route53"],
  ],
  // Survived it, impaired: failover across regions (anyOf) or a quorum (atLeast).
  [
    "moba",
    "Team game (League-like)",
    [anyOf(`${E1}/ec2`, `${W2}/ec2`), soft(`${E1}/cognito`), "cloudflare/dns"],
  ],
  [
    "video",
    "Video on demand (Prime Video-like)",
    ["aws/cloudfront", anyOf(`${E1}/ec2`, `${W2}/ec2`, `${EU}/ec2`), "aws/route53"],
  ],
  [
    "movies",
    "Movies (Netflix-like)",
    [anyOf(`${E1}/ec2`, `${W2}/ec2`, `${EU}/ec2`), soft(`${E1}/dynamodb`), anyOf("dyn/dns", "aws/route53")],
  ],
  ["video-calls", "Video calls (Zoom-like)", [atLeast(2, `${E1}/ec2`, `${W2}/ec2`, `${EU}/ec2`), "ns1/dns"]],
  [
    "ledger",
    "Payments ledger (quorum of three regions)",
    [atLeast(2, `${E1}/dynamodb`, `${W2}/dynamodb`, `${EU}/dynamodb`), "saas/stripe", "akamai/dns"],
  ],
  // Elsewhere: they should never be blamed on us-east-1.
  ["news", "Link aggregator (Reddit-like)", [`${W2}/ec2`, "fastly/cdn", "dyn/dns"]],
  ["photos", "Photo sharing", [`${W2}/ec2`, `${W2}/s3`, "fastly/cdn", "aws/route53"]],
  [
    "ride-hailing",
    "Ride hailing",
    [`${W2}/ec2`, `${W2}/dynamodb`, "saas/twilio", anyOf("ns1/dns", "dyn/dns")],
  ],
  ["weather", "Weather", ["aws/cloudfront", `${GCP}/gcs`, "aws/route53"]],
  ["food-delivery", "Food delivery", [`${W2}/ec2`, "cloudflare/cdn", "saas/stripe", "cloudflare/dns"]],
  ["ticketing", "Concert tickets", [`${EU}/ec2`, "aws/cloudfront", "saas/stripe", "aws/route53"]],
  ["bank", "Online bank (EU)", [`${EU}/ec2`, `${EU}/rds`, "akamai/cdn", "akamai/dns"]],
  ["travel", "Travel booking", [`${EU}/dynamodb`, "fastly/cdn", "saas/stripe", "ns1/dns"]],
  [
    "fitness",
    "Fitness tracker",
    [`${EU}/ec2`, `${EU}/s3`, soft("saas/auth0"), "cloudflare/cdn", "cloudflare/dns"],
  ],
  ["podcasts", "Podcasts (Spotify-like)", ["gcp/europe-west1/gce", "fastly/cdn", "ns1/dns"]],
  ["social", "Photo messaging (Snapchat-like)", [`${GCP}/gce`, `${GCP}/gcs`, "cloudflare/dns"]],
  ["shop", "Online shops (Shopify-like)", ["cloudflare/cdn", `${GCP}/gce`, "saas/stripe", "cloudflare/dns"]],
];

/** The demo's components: the catalog entries it uses (with every ancestor), then the observed services. */
export function demoComponents(): ComponentSpec[] {
  const catalog = new Map(catalogComponents().map((c) => [c.id, c]));
  const picked = new Map<string, ComponentSpec>();
  const pick = (id: string): void => {
    if (picked.has(id)) return;
    const spec = catalog.get(id);
    if (!spec) throw new Error(`demo model: "${id}" is not in the built-in catalog`);
    for (const item of spec.requires) if (item.type === "hard") pick(item.id);
    picked.set(id, spec);
  };
  for (const id of PROVIDER_IDS) pick(id);
  const services: ComponentSpec[] = SERVICES.map(([id, name, requires]) => ({
    id: `demo/${id}`,
    kind: "service",
    name,
    observed: true,
    requires: requires.map((r) => (typeof r === "string" ? { type: "hard", id: r, hidden: false } : r)),
  }));
  return [...picked.values(), ...services];
}

/** Where each observed service listens: its own loopback address, 127.0.1.N in model order. */
export function demoAddresses(components: ReadonlyArray<ComponentSpec>): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of components) {
    if (!c.observed) continue;
    const n = out.size + 1;
    if (n > 254) throw new Error("demo model: more than 254 observed services do not fit in 127.0.1.0/24");
    out.set(c.id, `127.0.1.${n}`);
  }
  return out;
}

/** Timings of the demo's checks: quick enough that an incident opens within a minute or two of a fault. */
export const DEMO_CHECK_TIMING = { intervalMs: 10_000, timeoutMs: 3_000, degradedOverMs: 1_000 } as const;

/** The HTTP check of one demo service, run from every vantage. */
export function demoCheck(component: string, url: string): HttpCheck {
  return {
    id: `${component}#1`,
    component,
    type: "http",
    intervalMs: DEMO_CHECK_TIMING.intervalMs,
    timeoutMs: DEMO_CHECK_TIMING.timeoutMs,
    vantages: [],
    confirm: 0,
    url,
    method: "GET",
    headers: {},
    expectStatus: [[200, 299]],
    degradedOverMs: DEMO_CHECK_TIMING.degradedOverMs,
    followRedirects: false,
    maxRedirects: 0,
    tlsVerify: true,
  };
}
