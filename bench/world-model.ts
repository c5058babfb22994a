/**
 * Builds an internet-like dependency model from world-data: providers, regions, regional networks and cloud
 * services, CDNs, DNS providers, SaaS, and observed sites that depend on them in the ways real sites do
 * (multi-region failover, secondary DNS, quorums, soft SaaS dependencies, a few edges the model is not told).
 * Pure and seeded.
 */
import type { ComponentSpec, RequireItem } from "../src/model/model-types.js";
import {
  CDNS,
  CLOUDS,
  type CloudSpec,
  DNS_PROVIDERS,
  type EdgeSpec,
  pick,
  SAAS,
  type Weighted,
} from "./world-data.js";

/** Chances that shape how sites depend on things; defaults are what the benches use. */
export interface WorldShape {
  multiRegion: number;
  quorum: number;
  cdn: number;
  secondaryDns: number;
  softSaas: number;
  hidden: number;
}

export const DEFAULT_SHAPE: WorldShape = {
  multiRegion: 0.08,
  quorum: 0.03,
  cdn: 0.55,
  secondaryDns: 0.12,
  softSaas: 0.5,
  hidden: 0.05,
};

const SERVICE_COUNT: Weighted = [
  ["1", 30],
  ["2", 35],
  ["3", 20],
  ["4", 15],
];

const hard = (id: string): RequireItem => ({ type: "hard", id, hidden: false });

export function buildWorld(
  random: () => number,
  sites: number,
  shape: WorldShape = DEFAULT_SHAPE,
): ComponentSpec[] {
  const comps: ComponentSpec[] = [];
  const add = (id: string, kind: string, requires: RequireItem[] = [], observed = false) => {
    comps.push({ id, kind, observed, requires });
  };
  const providers = new Set<string>();
  const provider = (id: string) => {
    if (providers.has(id)) return;
    providers.add(id);
    add(id, "provider");
  };
  for (const cloud of CLOUDS) {
    provider(cloud.id);
    for (const [r] of cloud.regions) {
      const region = `${cloud.id}/${r}`;
      add(region, "region", [hard(cloud.id)]);
      add(`${region}/network`, "network", [hard(region)]);
      for (const [s] of cloud.services) add(`${region}/${s}`, "cloud-service", [hard(`${region}/network`)]);
    }
  }
  for (const [kind, list] of [
    ["cdn", CDNS],
    ["dns", DNS_PROVIDERS],
  ] as const)
    for (const e of list) {
      provider(e.provider);
      add(e.id, kind, [hard(e.provider)]);
    }
  const cloudByShare: (readonly [string, number])[] = CLOUDS.map((c) => [c.id, c.share]);
  const cloudOf = new Map(CLOUDS.map((c) => [c.id, c]));
  const pickCloud = () => cloudOf.get(pick(cloudByShare, random)[0])!;
  const pickEdge = (list: readonly EdgeSpec[]) => pick(edgeWeights(list), random)[0];

  for (const [, category] of Object.entries(SAAS))
    for (const [name] of category.names) {
      const cloud = pickCloud();
      const home = `${cloud.id}/${pick(cloud.regions, random)[0]}/${pick(cloud.services, random)[0]}`;
      add(`saas/${name}`, "saas", [hard(home), hard(pickEdge(DNS_PROVIDERS))], true);
    }

  const width = Math.max(5, String(sites - 1).length);
  for (let i = 0; i < sites; i++) {
    const cloud = pickCloud();
    const items = cloudItems(cloud, random, shape);
    if (random() < shape.cdn) items.push(hard(pickEdge(CDNS)));
    if (random() < shape.secondaryDns) {
      const first = pickEdge(DNS_PROVIDERS);
      let second = pickEdge(DNS_PROVIDERS);
      while (second === first) second = pickEdge(DNS_PROVIDERS);
      items.push({ type: "anyOf", of: [first, second], hidden: false });
    } else items.push(hard(pickEdge(DNS_PROVIDERS)));
    for (const [, category] of Object.entries(SAAS)) {
      if (random() >= category.use) continue;
      const id = `saas/${pick(category.names, random)[0]}`;
      items.push({ type: random() < shape.softSaas ? "soft" : "hard", id, hidden: false });
    }
    if (random() < shape.hidden) items[Math.floor(random() * items.length)]!.hidden = true;
    add(`site/s${String(i).padStart(width, "0")}`, "service", items, true);
  }
  return comps;
}

/** A site's cloud dependencies: 1 to 4 services of one home region, sometimes failing over or in quorum. */
function cloudItems(cloud: CloudSpec, random: () => number, shape: WorldShape): RequireItem[] {
  const region = pick(cloud.regions, random)[0];
  const count = Math.min(Number(pick(SERVICE_COUNT, random)[0]), cloud.services.length);
  const services: string[] = [];
  while (services.length < count) {
    const s = pick(cloud.services, random)[0];
    if (!services.includes(s)) services.push(s);
  }
  const otherRegions = (n: number) => {
    const out = [region];
    while (out.length < n) {
      const r = pick(cloud.regions, random)[0];
      if (!out.includes(r)) out.push(r);
    }
    return out;
  };
  const at = (r: string, s: string) => `${cloud.id}/${r}/${s}`;
  const style = random();
  if (style < shape.multiRegion && cloud.regions.length >= 2) {
    const [, second] = otherRegions(2) as [string, string];
    return services.map((s, i) =>
      i === 0 || random() < 0.7
        ? { type: "anyOf", of: [at(region, s), at(second, s)], hidden: false }
        : hard(at(region, s)),
    );
  }
  if (style < shape.multiRegion + shape.quorum && cloud.regions.length >= 3) {
    const three = otherRegions(3);
    return services.map((s, i) =>
      i === 0
        ? { type: "atLeast", k: 2, of: three.map((r) => at(r, s)), hidden: false }
        : hard(at(region, s)),
    );
  }
  return services.map((s) => hard(at(region, s)));
}

function edgeWeights(list: readonly EdgeSpec[]): (readonly [string, number])[] {
  return list.map((e) => [e.id, e.weight]);
}
