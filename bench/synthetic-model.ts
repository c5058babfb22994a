/**
 * A seeded synthetic internet shaped like the worlds of ../shared/scenarios, at any size: providers, their
 * regions, each region's network and cloud services, CDNs, DNS, SaaS vendors, and sites that require them
 * (and each other). Region popularity follows Zipf's law, so the first region (aws/us-east-1) is the busiest.
 */
import type { ComponentInput } from "../src/model/component-schema.js";
import { seededRandom } from "../src/simulate/random.js";

type RequireInput = NonNullable<ComponentInput["requires"]>[number];

/** [provider, region count]: real clouds' sizes, roughly. */
const CLOUDS: readonly (readonly [string, number])[] = [
  ["aws", 30],
  ["azure", 60],
  ["gcp", 40],
  ["oracle", 40],
  ["alibaba", 25],
  ["ibm", 10],
  ["digitalocean", 14],
  ["hetzner", 5],
  ["ovh", 10],
  ["linode", 11],
  ["vultr", 15],
];
const SERVICES = ["compute", "storage", "db", "kv", "queue", "functions", "api-gateway", "sts", "auth"];
const SERVICES_EXTRA = ["lb", "cache", "stream", "k8s", "dns-resolver", "monitoring"];
const EDGE = ["cloudflare", "akamai", "fastly"];
const DNS = [
  "cloudflare/dns",
  "aws/route53",
  "azure/dns",
  "gcp/cloud-dns",
  "ns1/dns",
  "dyn/dns",
  "godaddy/dns",
];
const CDN = [
  "cloudflare/cdn",
  "akamai/cdn",
  "fastly/cdn",
  "aws/cloudfront",
  "gcp/cloud-cdn",
  "azure/front-door",
];
const SAAS = 200;

export interface SyntheticModel {
  components: ComponentInput[];
  /** The region with the most dependents. */
  busiestRegion: string;
}

/** About `size` components and 5 dependency edges per component. Deterministic for a seed. */
export function syntheticModel(size: number, seed: number): SyntheticModel {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const out: ComponentInput[] = [];
  const regions: { id: string; services: string[] }[] = [];

  for (const p of [...CLOUDS.map(([p]) => p), ...EDGE, "ns1", "dyn", "godaddy"])
    out.push({ id: p, kind: "provider" });
  for (const cdn of CDN) out.push({ id: cdn, kind: "cdn", requires: [cdn.split("/")[0]!] });
  for (const dns of DNS) out.push({ id: dns, kind: "dns", requires: [dns.split("/")[0]!] });
  // Regions interleaved across clouds by their index, so the Zipf head holds every big cloud's first regions.
  const maxRegions = Math.max(...CLOUDS.map(([, n]) => n));
  for (let r = 0; r < maxRegions; r++)
    for (const [provider, n] of CLOUDS) {
      if (r >= n) continue;
      const region = `${provider}/r${r}`;
      const id = provider === "aws" && r === 0 ? "aws/us-east-1" : region;
      out.push({ id, kind: "region", requires: [provider] });
      out.push({ id: `${id}/network`, kind: "network", requires: [id] });
      const services = [...SERVICES, ...SERVICES_EXTRA.filter(() => random() < 0.5)].map((s) => `${id}/${s}`);
      services.forEach((s, i) => {
        // Like Lambda on EC2, or API Gateway on Lambda: some services need an earlier one of the same region.
        const requires: RequireInput[] = [`${id}/network`];
        if (i > 0 && random() < 0.4) requires.push(services[Math.floor(random() * i)]!);
        out.push({ id: s, kind: "cloud-service", requires });
      });
      regions.push({ id, services });
    }
  // Zipf weights over regions: P(rank k) ∝ 1/k.
  const cumulative: number[] = [];
  let total = 0;
  regions.forEach((_, k) => {
    total += 1 / (k + 1);
    cumulative.push(total);
  });
  const zipfRegion = () => {
    const x = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return regions[lo]!;
  };
  const saas: string[] = [];
  for (let i = 0; i < SAAS; i++) {
    const id = `saas/v${String(i).padStart(3, "0")}`;
    const home = zipfRegion();
    out.push({ id, kind: "saas", requires: [pick(home.services), pick(home.services), pick(DNS)] });
    saas.push(id);
  }
  const zipfSaas = () => saas[Math.floor(saas.length * random() ** 2)]!;

  const sites = Math.max(0, size - out.length);
  const first = out.length;
  for (let i = 0; i < sites; i++) {
    const home = zipfRegion();
    const requires: RequireInput[] = [];
    const used = new Set<string>();
    const hard = (id: string) => {
      if (used.has(id)) return;
      used.add(id);
      requires.push(id);
    };
    const serviceCount = 1 + Math.floor(random() * 3);
    for (let s = 0; s < serviceCount; s++) hard(pick(home.services));
    const roll = random();
    if (roll < 0.08) {
      // Failover: the same service in another region.
      const local = pick(home.services);
      const there = zipfRegion();
      const other = `${there.id}/${local.slice(home.id.length + 1)}`;
      if (there !== home && there.services.includes(other) && !used.has(local)) {
        used.add(local);
        requires.push({ anyOf: [local, other] });
      }
    } else if (roll < 0.1) {
      const three = new Set([
        `${home.id}/compute`,
        `${zipfRegion().id}/compute`,
        `${zipfRegion().id}/compute`,
      ]);
      if (three.size === 3) requires.push({ atLeast: 2, of: [...three] });
    }
    if (random() < 0.8) hard(pick(DNS));
    else {
      const a = pick(DNS);
      const b = pick(DNS);
      if (a !== b) requires.push({ anyOf: [a, b] });
      else hard(a);
    }
    if (random() < 0.5) hard(pick(CDN));
    const saasCount = Math.floor(random() * 3);
    for (let s = 0; s < saasCount; s++) {
      const id = zipfSaas();
      if (used.has(id)) continue;
      used.add(id);
      requires.push(random() < 0.5 ? { id, soft: true } : id);
    }
    // Internal dependencies: a site built on a nearby earlier one (same organisation's API).
    if (i > 0 && random() < 0.3) hard(siteId(i - 1 - Math.floor(random() * Math.min(i, 50))));
    out.push({ id: siteId(i), kind: "service", observed: random() < 0.7, requires });
  }
  if (out.length !== first + sites) throw new Error("syntheticModel: miscounted");
  return { components: out, busiestRegion: "aws/us-east-1" };
}

function siteId(i: number): string {
  return `site/s${String(i).padStart(7, "0")}`;
}
