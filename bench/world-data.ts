/**
 * The shape of the generated internet: providers with rough market shares, their busiest regions weighted by
 * how much they host, their regional services, CDNs, DNS providers and SaaS. Shares are approximate public
 * figures (Synergy Research cloud market share 2024 for clouds; W3Techs for CDN and DNS usage); weights
 * within a provider are guesses that keep us-east-1-like regions far busier than the rest.
 */

/** [name, weight] pairs; weights need not sum to 1. */
export type Weighted = readonly (readonly [string, number])[];

export interface CloudSpec {
  id: string;
  /** Share of sites homed on this provider. */
  share: number;
  regions: Weighted;
  services: Weighted;
}

const AWS_SERVICES: Weighted = [
  ["ec2", 22],
  ["s3", 14],
  ["lambda", 10],
  ["rds", 10],
  ["elb", 8],
  ["dynamodb", 8],
  ["api-gateway", 7],
  ["sqs", 5],
  ["sts", 4],
  ["cognito", 4],
  ["kinesis", 3],
];

/** Generic services of the smaller clouds. */
const SMALL_SERVICES: Weighted = [
  ["compute", 5],
  ["storage", 2],
  ["database", 2],
  ["lb", 1],
];

export const CLOUDS: readonly CloudSpec[] = [
  {
    id: "aws",
    share: 31,
    regions: [
      ["us-east-1", 38],
      ["us-west-2", 14],
      ["eu-west-1", 10],
      ["eu-central-1", 7],
      ["us-east-2", 7],
      ["ap-southeast-1", 4],
      ["ap-northeast-1", 4],
      ["ap-southeast-2", 3],
      ["ap-south-1", 3],
      ["sa-east-1", 3],
      ["eu-west-2", 3],
      ["ca-central-1", 2],
      ["us-west-1", 2],
    ],
    services: AWS_SERVICES,
  },
  {
    id: "azure",
    share: 25,
    regions: [
      ["eastus", 30],
      ["westeurope", 18],
      ["eastus2", 12],
      ["westus2", 10],
      ["northeurope", 10],
      ["centralus", 7],
      ["southeastasia", 5],
      ["uksouth", 4],
      ["japaneast", 4],
    ],
    services: [
      ["vm", 20],
      ["app-service", 14],
      ["sql", 12],
      ["blob", 12],
      ["functions", 10],
      ["cosmosdb", 8],
      ["aks", 8],
      ["service-bus", 5],
      ["entra-id", 5],
    ],
  },
  {
    id: "gcp",
    share: 11,
    regions: [
      ["us-central1", 35],
      ["us-east1", 15],
      ["europe-west1", 12],
      ["us-east4", 8],
      ["europe-west4", 8],
      ["us-west1", 8],
      ["asia-east1", 5],
      ["asia-northeast1", 5],
      ["australia-southeast1", 4],
    ],
    services: [
      ["compute", 20],
      ["gke", 14],
      ["gcs", 14],
      ["cloud-sql", 12],
      ["cloud-run", 10],
      ["pubsub", 8],
      ["cloud-functions", 8],
      ["spanner", 4],
      ["bigquery", 4],
    ],
  },
  {
    id: "alibaba",
    share: 4,
    regions: [
      ["cn-hangzhou", 40],
      ["cn-shanghai", 25],
      ["cn-beijing", 20],
      ["ap-southeast-1", 15],
    ],
    services: [
      ["ecs", 5],
      ["oss", 2],
      ["rds", 2],
      ["slb", 1],
    ],
  },
  {
    id: "oracle",
    share: 3,
    regions: [
      ["us-ashburn-1", 40],
      ["us-phoenix-1", 30],
      ["eu-frankfurt-1", 30],
    ],
    services: [
      ["compute", 5],
      ["object-storage", 2],
      ["autonomous-db", 2],
      ["lb", 1],
    ],
  },
  {
    id: "digitalocean",
    share: 3,
    regions: [
      ["nyc3", 35],
      ["sfo3", 20],
      ["ams3", 15],
      ["fra1", 15],
      ["sgp1", 15],
    ],
    services: [
      ["droplets", 5],
      ["spaces", 2],
      ["managed-db", 2],
      ["lb", 1],
    ],
  },
  {
    id: "hetzner",
    share: 3,
    regions: [
      ["fsn1", 40],
      ["nbg1", 30],
      ["hel1", 20],
      ["ash", 10],
    ],
    services: SMALL_SERVICES,
  },
  {
    id: "ibm",
    share: 2,
    regions: [
      ["us-south", 45],
      ["us-east", 30],
      ["eu-de", 25],
    ],
    services: SMALL_SERVICES,
  },
  {
    id: "ovh",
    share: 2,
    regions: [
      ["gra", 45],
      ["sbg", 30],
      ["bhs", 25],
    ],
    services: SMALL_SERVICES,
  },
  {
    id: "linode",
    share: 2,
    regions: [
      ["us-east", 45],
      ["eu-west", 30],
      ["ap-south", 25],
    ],
    services: SMALL_SERVICES,
  },
  {
    id: "selfhosted",
    share: 4,
    regions: [
      ["dc1", 50],
      ["dc2", 30],
      ["dc3", 20],
    ],
    services: SMALL_SERVICES,
  },
];

/** An edge network or DNS service: its id, the provider it requires, and its usage weight. */
export interface EdgeSpec {
  id: string;
  provider: string;
  weight: number;
}

export const CDNS: readonly EdgeSpec[] = [
  { id: "cloudflare/cdn", provider: "cloudflare", weight: 40 },
  { id: "aws/cloudfront", provider: "aws", weight: 22 },
  { id: "akamai/cdn", provider: "akamai", weight: 15 },
  { id: "fastly/cdn", provider: "fastly", weight: 10 },
  { id: "azure/front-door", provider: "azure", weight: 7 },
  { id: "gcp/cloud-cdn", provider: "gcp", weight: 6 },
];

export const DNS_PROVIDERS: readonly EdgeSpec[] = [
  { id: "cloudflare/dns", provider: "cloudflare", weight: 30 },
  { id: "aws/route53", provider: "aws", weight: 28 },
  { id: "godaddy/dns", provider: "godaddy", weight: 12 },
  { id: "azure/dns", provider: "azure", weight: 7 },
  { id: "ns1/dns", provider: "ns1", weight: 6 },
  { id: "gcp/cloud-dns", provider: "gcp", weight: 5 },
  { id: "dyn/dns", provider: "dyn", weight: 4 },
  { id: "akamai/edge-dns", provider: "akamai", weight: 4 },
];

/** SaaS by what sites use them for; a site picks at most one of each category. */
export const SAAS: Readonly<Record<string, { use: number; names: Weighted }>> = {
  auth: {
    use: 0.3,
    names: [
      ["auth0", 5],
      ["okta", 4],
      ["firebase", 3],
    ],
  },
  payments: {
    use: 0.25,
    names: [
      ["stripe", 6],
      ["paypal", 3],
      ["adyen", 2],
    ],
  },
  messaging: {
    use: 0.25,
    names: [
      ["twilio", 5],
      ["sendgrid", 4],
      ["pusher", 1],
    ],
  },
  monitoring: {
    use: 0.35,
    names: [
      ["datadog", 5],
      ["sentry", 4],
      ["new-relic", 3],
      ["launchdarkly", 1],
    ],
  },
};

/** A draw from weighted entries with `random()` in [0, 1). */
export function pick<T extends readonly [string, number]>(entries: readonly T[], random: () => number): T {
  let total = 0;
  for (const e of entries) total += e[1];
  let x = random() * total;
  for (const e of entries) {
    x -= e[1];
    if (x < 0) return e;
  }
  return entries[entries.length - 1]!;
}
