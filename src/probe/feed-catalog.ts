/**
 * Cloud status feeds onto catalog ids, from the catalog's own ids and names (`ec2-us-east-1` →
 * `aws/us-east-1/ec2`; GCP's "Google Cloud Storage" in us-central1 → `gcp/us-central1/gcs`; Azure's "Azure
 * Virtual Machines" in "East US" → `azure/eastus/vm`), so catalog components need no hand-written mapping.
 * A small alias table covers only the vendor names that differ from the catalog's. Pure.
 */
import { catalogComponents } from "../catalog/catalog-data.js";
import type { Status } from "../model/model-types.js";
import type { FeedComponent, FeedReport } from "./status-feed-parse.js";

/** AWS service keys whose catalog id differs (the catalog follows ip-ranges.json names). */
const AWS_ALIAS: Record<string, string> = { apigateway: "api-gateway" };
/** GCP product names (normalised: see gcpKey) whose catalog name differs. */
const GCP_ALIAS: Record<string, string> = { functions: "cloud-functions" };

/** One feed component with the catalog id it stands for (null: none, it is only shown). */
export interface MappedComponent {
  name: string;
  id: string | null;
  status: Status;
}

/** Lookup tables over the catalog, built once per caller (a check runner keeps one). */
export interface CatalogIndex {
  ids: ReadonlySet<string>;
  /** gcp: normalised product name → service id (regional) or full id (global). */
  gcpServices: Map<string, { service?: string; id?: string }>;
  /** azure: [name, service id] longest first; [name, region code] longest first. */
  azureServices: [string, string][];
  azureRegions: [string, string][];
}

/** "Google Cloud Storage" and "Cloud Storage" alike: lower case, without Google/Cloud and punctuation. */
const gcpKey = (name: string) =>
  name
    .toLowerCase()
    .replace(/\b(google|cloud)\b/g, "")
    .replace(/[^a-z0-9]/g, "");

export function catalogIndex(): CatalogIndex {
  const components = catalogComponents();
  const ids = new Set(components.map((c) => c.id));
  const gcpServices = new Map<string, { service?: string; id?: string }>();
  const azureServices = new Map<string, string>();
  const azureRegions = new Map<string, string>();
  for (const c of components) {
    const [provider, second, third] = c.id.split("/");
    const cname = c.name ?? c.id;
    if (provider === "gcp" && third !== undefined)
      gcpServices.set(gcpKey(cname.replace(/ \([^)]*\)$/, "")), { service: third });
    else if (provider === "gcp" && second !== undefined && c.kind !== "region")
      gcpServices.set(gcpKey(cname), { id: c.id });
    if (provider === "azure" && third !== undefined) {
      const name = cname.replace(/ \([^)]*\)$/, "");
      azureServices.set(name, third);
      // Azure's posts often drop the brand: "Virtual Machines", "App Service".
      azureServices.set(name.replace(/^Azure /, ""), third);
    } else if (provider === "azure" && c.kind === "region" && second !== undefined)
      azureRegions.set(/^Azure (.+) \(/.exec(cname)?.[1] ?? second, second);
  }
  for (const [alias, service] of Object.entries(GCP_ALIAS)) gcpServices.set(alias, { service });
  const longestFirst = (m: Map<string, string>) => [...m].sort((a, b) => b[0].length - a[0].length);
  return {
    ids,
    gcpServices,
    azureServices: longestFirst(azureServices),
    azureRegions: longestFirst(azureRegions),
  };
}

/** The catalog id a cloud feed component stands for, when the catalog has one. */
export function catalogIdOf(c: FeedComponent, index: CatalogIndex): string | null {
  const cloud = c.cloud;
  if (!cloud) return null;
  let id: string | undefined;
  if (cloud.provider === "aws") {
    const service = AWS_ALIAS[cloud.service] ?? cloud.service;
    id = cloud.region ? `aws/${cloud.region}/${service}` : `aws/${service}`;
  } else if (cloud.provider === "gcp") {
    const found = index.gcpServices.get(gcpKey(cloud.service));
    id = found?.id ?? (found?.service && cloud.region ? `gcp/${cloud.region}/${found.service}` : undefined);
  } else id = cloud.region ? `azure/${cloud.region}/${cloud.service}` : `azure/${cloud.service}`;
  return id !== undefined && index.ids.has(id) ? id : null;
}

/**
 * Azure's feed names services and regions only in its prose: every catalog service × region it mentions
 * (by the catalog's names, whole words, longest first so "East US 2" is not also "East US").
 */
export function azureMentions(text: string, index: CatalogIndex): FeedComponent[] {
  const plain = text.replace(/<[^>]*>/g, " ");
  const find = (names: [string, string][]) => {
    let rest = plain;
    const found: [string, string][] = [];
    for (const [name, code] of names) {
      const pattern = new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "i");
      if (!pattern.test(rest)) continue;
      // "Azure Storage" and "Storage" are one service: the first (longest) name found is kept.
      if (!found.some(([, c]) => c === code)) found.push([name, code]);
      rest = rest.replace(new RegExp(pattern.source, "gi"), " ");
    }
    return found;
  };
  const services = find(index.azureServices);
  const regions = find(index.azureRegions);
  return services.flatMap(([service, code]) =>
    regions.map(([region, regionCode]) => ({
      name: `${service} (${region})`,
      status: "degraded" as Status,
      cloud: { provider: "azure" as const, service: code, region: regionCode },
    })),
  );
}

/**
 * The report's components with their ids: `explicit` (vendor name → ours) first, then the catalog's. For
 * Azure, the components its open incidents mention are added (and each incident names them).
 */
export function mapReport(
  report: FeedReport,
  explicit: Record<string, string>,
  index: CatalogIndex,
): MappedComponent[] {
  const components = [...report.components];
  if (report.format === "azure-rss")
    for (const incident of report.incidents) {
      const mentioned = azureMentions(`${incident.title} ${incident.text ?? ""}`, index);
      incident.components = mentioned.map((c) => c.name);
      components.push(...mentioned);
    }
  const lower = new Map(Object.entries(explicit).map(([k, v]) => [k.trim().toLowerCase(), v]));
  return components.map((c) => ({
    name: c.name,
    id: lower.get(c.name.toLowerCase()) ?? catalogIdOf(c, index),
    status: c.status,
  }));
}
