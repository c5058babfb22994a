/** Built-in catalog of the providers most of the internet runs on, so users only model their own components; region codes and service names are as the providers publish them (AWS "Regions and Availability Zones" and ip-ranges.json, Google Cloud "Regions and zones", Azure `az account list-locations`, and each vendor's product names). */
import type { ComponentSpec, RequireItem } from "../model/model-types.js";
import { controlPlaneComponents } from "./control-planes.js";

/** [code, display name] pairs, as the provider publishes them. */
type Named = readonly (readonly [string, string])[];

/**
 * [code, display name, latitude, longitude]: a region and where it is, to two decimals (about 1 km), for the
 * dashboard's world map. AWS and Google Cloud name the city or metro of each region (the display names here);
 * the point is that city's centre. Azure publishes a point per region in `az account list-locations`
 * (metadata.latitude, metadata.longitude), used rounded.
 */
type Placed = readonly (readonly [string, string, number, number])[];

/** Where a region is on Earth: degrees, latitude −90..90 (north positive), longitude −180..180 (east positive). */
export interface Place {
  lat: number;
  lon: number;
}

const AWS_REGIONS: Placed = [
  ["us-east-1", "US East (N. Virginia)", 39.04, -77.49],
  ["us-east-2", "US East (Ohio)", 39.96, -83.0],
  ["us-west-1", "US West (N. California)", 37.35, -121.96],
  ["us-west-2", "US West (Oregon)", 45.84, -119.7],
  ["ca-central-1", "Canada (Central)", 45.5, -73.57],
  ["ca-west-1", "Canada West (Calgary)", 51.05, -114.07],
  ["sa-east-1", "South America (São Paulo)", -23.55, -46.63],
  ["eu-west-1", "Europe (Ireland)", 53.35, -6.26],
  ["eu-west-2", "Europe (London)", 51.51, -0.13],
  ["eu-west-3", "Europe (Paris)", 48.86, 2.35],
  ["eu-central-1", "Europe (Frankfurt)", 50.11, 8.68],
  ["eu-central-2", "Europe (Zurich)", 47.37, 8.54],
  ["eu-north-1", "Europe (Stockholm)", 59.33, 18.07],
  ["eu-south-1", "Europe (Milan)", 45.46, 9.19],
  ["eu-south-2", "Europe (Spain)", 41.65, -0.88],
  ["ap-east-1", "Asia Pacific (Hong Kong)", 22.32, 114.17],
  ["ap-south-1", "Asia Pacific (Mumbai)", 19.08, 72.88],
  ["ap-south-2", "Asia Pacific (Hyderabad)", 17.39, 78.49],
  ["ap-northeast-1", "Asia Pacific (Tokyo)", 35.68, 139.69],
  ["ap-northeast-2", "Asia Pacific (Seoul)", 37.57, 126.98],
  ["ap-northeast-3", "Asia Pacific (Osaka)", 34.69, 135.5],
  ["ap-southeast-1", "Asia Pacific (Singapore)", 1.35, 103.82],
  ["ap-southeast-2", "Asia Pacific (Sydney)", -33.87, 151.21],
  ["ap-southeast-3", "Asia Pacific (Jakarta)", -6.21, 106.85],
  ["ap-southeast-4", "Asia Pacific (Melbourne)", -37.81, 144.96],
  ["ap-southeast-5", "Asia Pacific (Malaysia)", 3.14, 101.69],
  ["ap-southeast-7", "Asia Pacific (Thailand)", 13.76, 100.5],
  ["me-south-1", "Middle East (Bahrain)", 26.07, 50.56],
  ["me-central-1", "Middle East (UAE)", 25.2, 55.27],
  ["il-central-1", "Israel (Tel Aviv)", 32.09, 34.78],
  ["af-south-1", "Africa (Cape Town)", -33.92, 18.42],
  ["mx-central-1", "Mexico (Central)", 20.59, -100.39],
];

/** Regional AWS services; ids are ip-ranges.json service names lower-cased (`_` as `-`) where one exists. */
const AWS_SERVICES: Named = [
  ["ec2", "Amazon EC2"],
  ["ebs", "Amazon EBS"],
  ["ec2-instance-connect", "EC2 Instance Connect"],
  ["s3", "Amazon S3"],
  ["dynamodb", "Amazon DynamoDB"],
  ["api-gateway", "Amazon API Gateway"],
  ["lambda", "AWS Lambda"],
  ["rds", "Amazon RDS"],
  ["sqs", "Amazon SQS"],
  ["sns", "Amazon SNS"],
  ["sts", "AWS STS"],
  ["cognito", "Amazon Cognito"],
  ["elb", "Elastic Load Balancing"],
  ["kinesis", "Amazon Kinesis Data Streams"],
  ["ecs", "Amazon ECS"],
  ["eks", "Amazon EKS"],
  ["cloudwatch", "Amazon CloudWatch"],
  ["elasticache", "Amazon ElastiCache"],
];

const GCP_REGIONS: Placed = [
  ["us-central1", "Council Bluffs, Iowa", 41.26, -95.86],
  ["us-east1", "Moncks Corner, South Carolina", 33.2, -80.01],
  ["us-east4", "Ashburn, Virginia", 39.04, -77.49],
  ["us-east5", "Columbus, Ohio", 39.96, -83.0],
  ["us-south1", "Dallas, Texas", 32.78, -96.8],
  ["us-west1", "The Dalles, Oregon", 45.59, -121.18],
  ["us-west2", "Los Angeles, California", 34.05, -118.24],
  ["us-west3", "Salt Lake City, Utah", 40.76, -111.89],
  ["us-west4", "Las Vegas, Nevada", 36.17, -115.14],
  ["northamerica-northeast1", "Montréal, Québec", 45.5, -73.57],
  ["northamerica-northeast2", "Toronto, Ontario", 43.65, -79.38],
  ["northamerica-south1", "Querétaro, Mexico", 20.59, -100.39],
  ["southamerica-east1", "Osasco, São Paulo", -23.53, -46.79],
  ["southamerica-west1", "Santiago, Chile", -33.45, -70.67],
  ["europe-west1", "St. Ghislain, Belgium", 50.45, 3.82],
  ["europe-west2", "London, England", 51.51, -0.13],
  ["europe-west3", "Frankfurt, Germany", 50.11, 8.68],
  ["europe-west4", "Eemshaven, Netherlands", 53.44, 6.83],
  ["europe-west6", "Zurich, Switzerland", 47.37, 8.54],
  ["europe-west8", "Milan, Italy", 45.46, 9.19],
  ["europe-west9", "Paris, France", 48.86, 2.35],
  ["europe-west10", "Berlin, Germany", 52.52, 13.4],
  ["europe-west12", "Turin, Italy", 45.07, 7.69],
  ["europe-north1", "Hamina, Finland", 60.57, 27.2],
  ["europe-north2", "Stockholm, Sweden", 59.33, 18.07],
  ["europe-central2", "Warsaw, Poland", 52.23, 21.01],
  ["europe-southwest1", "Madrid, Spain", 40.42, -3.7],
  ["asia-east1", "Changhua County, Taiwan", 24.08, 120.54],
  ["asia-east2", "Hong Kong", 22.32, 114.17],
  ["asia-northeast1", "Tokyo, Japan", 35.68, 139.69],
  ["asia-northeast2", "Osaka, Japan", 34.69, 135.5],
  ["asia-northeast3", "Seoul, South Korea", 37.57, 126.98],
  ["asia-south1", "Mumbai, India", 19.08, 72.88],
  ["asia-south2", "Delhi, India", 28.61, 77.21],
  ["asia-southeast1", "Jurong West, Singapore", 1.34, 103.71],
  ["asia-southeast2", "Jakarta, Indonesia", -6.21, 106.85],
  ["australia-southeast1", "Sydney, Australia", -33.87, 151.21],
  ["australia-southeast2", "Melbourne, Australia", -37.81, 144.96],
  ["me-west1", "Tel Aviv, Israel", 32.09, 34.78],
  ["me-central1", "Doha, Qatar", 25.29, 51.53],
  ["me-central2", "Dammam, Saudi Arabia", 26.43, 50.1],
  ["africa-south1", "Johannesburg, South Africa", -26.2, 28.05],
];

const GCP_SERVICES: Named = [
  ["gce", "Compute Engine"],
  ["gcs", "Cloud Storage"],
  ["gke", "Google Kubernetes Engine"],
  ["cloud-run", "Cloud Run"],
  ["cloud-sql", "Cloud SQL"],
  ["cloud-functions", "Cloud Run functions"],
  ["pubsub", "Pub/Sub"],
];

const AZURE_REGIONS: Placed = [
  ["eastus", "East US", 37.37, -79.82],
  ["eastus2", "East US 2", 36.67, -78.39],
  ["centralus", "Central US", 41.59, -93.62],
  ["northcentralus", "North Central US", 41.88, -87.63],
  ["southcentralus", "South Central US", 29.42, -98.5],
  ["westcentralus", "West Central US", 40.89, -110.23],
  ["westus", "West US", 37.78, -122.42],
  ["westus2", "West US 2", 47.23, -119.85],
  ["westus3", "West US 3", 33.45, -112.07],
  ["canadacentral", "Canada Central", 43.65, -79.38],
  ["canadaeast", "Canada East", 46.82, -71.22],
  ["brazilsouth", "Brazil South", -23.55, -46.63],
  ["northeurope", "North Europe", 53.35, -6.26],
  ["westeurope", "West Europe", 52.37, 4.9],
  ["uksouth", "UK South", 50.94, -0.8],
  ["ukwest", "UK West", 53.43, -3.08],
  ["francecentral", "France Central", 46.38, 2.37],
  ["germanywestcentral", "Germany West Central", 50.11, 8.68],
  ["switzerlandnorth", "Switzerland North", 47.45, 8.56],
  ["norwayeast", "Norway East", 59.91, 10.75],
  ["swedencentral", "Sweden Central", 60.67, 17.14],
  ["polandcentral", "Poland Central", 52.23, 21.02],
  ["italynorth", "Italy North", 45.47, 9.18],
  ["spaincentral", "Spain Central", 40.43, -3.42],
  ["eastasia", "East Asia", 22.27, 114.19],
  ["southeastasia", "Southeast Asia", 1.28, 103.83],
  ["japaneast", "Japan East", 35.68, 139.77],
  ["japanwest", "Japan West", 34.69, 135.5],
  ["koreacentral", "Korea Central", 37.57, 126.98],
  ["centralindia", "Central India", 18.58, 73.92],
  ["southindia", "South India", 12.98, 80.16],
  ["australiaeast", "Australia East", -33.86, 151.21],
  ["australiasoutheast", "Australia Southeast", -37.81, 144.96],
  ["uaenorth", "UAE North", 25.27, 55.32],
  ["southafricanorth", "South Africa North", -25.73, 28.22],
  ["qatarcentral", "Qatar Central", 25.55, 51.44],
  ["israelcentral", "Israel Central", 32.08, 34.78],
  ["mexicocentral", "Mexico Central", 20.59, -100.39],
];

const AZURE_SERVICES: Named = [
  ["vm", "Azure Virtual Machines"],
  ["storage", "Azure Storage"],
  ["sql", "Azure SQL Database"],
  ["aks", "Azure Kubernetes Service"],
  ["app-service", "Azure App Service"],
  ["functions", "Azure Functions"],
  ["cosmosdb", "Azure Cosmos DB"],
];

/**
 * [id, kind, name, requires]: providers, their global services, CDNs, DNS providers and SaaS. A global
 * service here is its data plane (Route 53 answering, CloudFront serving, IAM authorizing in every Region);
 * the control planes the providers keep apart, some in one region, are in control-planes.ts.
 */
const SINGLES: readonly (readonly [string, string, string, readonly string[]])[] = [
  ["aws", "provider", "Amazon Web Services", []],
  ["aws/cloudfront", "cdn", "Amazon CloudFront", ["aws"]],
  ["aws/route53", "dns", "Amazon Route 53", ["aws"]],
  ["aws/iam", "cloud-service", "AWS Identity and Access Management (IAM)", ["aws"]],
  ["gcp", "provider", "Google Cloud", []],
  ["gcp/cloud-dns", "dns", "Cloud DNS", ["gcp"]],
  ["gcp/cloud-cdn", "cdn", "Cloud CDN", ["gcp"]],
  ["gcp/load-balancing", "network", "Cloud Load Balancing", ["gcp"]],
  ["azure", "provider", "Microsoft Azure", []],
  ["azure/dns", "dns", "Azure DNS", ["azure"]],
  ["azure/front-door", "cdn", "Azure Front Door", ["azure"]],
  ["azure/entra-id", "cloud-service", "Microsoft Entra ID", ["azure"]],
  ["cloudflare", "provider", "Cloudflare", []],
  ["cloudflare/cdn", "cdn", "Cloudflare CDN", ["cloudflare"]],
  ["cloudflare/dns", "dns", "Cloudflare DNS", ["cloudflare"]],
  ["akamai", "provider", "Akamai", []],
  ["akamai/cdn", "cdn", "Akamai CDN", ["akamai"]],
  ["akamai/dns", "dns", "Akamai Edge DNS", ["akamai"]],
  ["fastly", "provider", "Fastly", []],
  ["fastly/cdn", "cdn", "Fastly CDN", ["fastly"]],
  ["ns1", "provider", "NS1 (IBM)", []],
  ["ns1/dns", "dns", "NS1 Managed DNS", ["ns1"]],
  ["dyn", "provider", "Dyn (Oracle)", []],
  ["dyn/dns", "dns", "Dyn Managed DNS", ["dyn"]],
  ["saas/auth0", "saas", "Auth0", []],
  ["saas/okta", "saas", "Okta", []],
  ["saas/stripe", "saas", "Stripe", []],
  ["saas/twilio", "saas", "Twilio", []],
  ["saas/datadog", "saas", "Datadog", []],
  ["saas/github", "saas", "GitHub", []],
];

/** A cloud's regions, each requiring the provider, and its regional services, each requiring the region. */
interface Cloud {
  provider: string;
  regions: Placed;
  services: Named;
  regionName: (code: string, name: string) => string;
}

const CLOUDS: readonly Cloud[] = [
  {
    provider: "aws",
    regions: AWS_REGIONS,
    services: AWS_SERVICES,
    regionName: (code, name) => `AWS ${name} (${code})`,
  },
  {
    provider: "gcp",
    regions: GCP_REGIONS,
    services: GCP_SERVICES,
    regionName: (code, name) => `Google Cloud ${code} (${name})`,
  },
  {
    provider: "azure",
    regions: AZURE_REGIONS,
    services: AZURE_SERVICES,
    regionName: (code, name) => `Azure ${name} (${code})`,
  },
];

function hard(id: string): RequireItem {
  return { type: "hard", id, hidden: false };
}

function component(id: string, kind: string, name: string, requires: readonly string[]): ComponentSpec {
  return { id, kind, name, observed: false, requires: requires.map(hard) };
}

/** Where each catalog region is (`aws/us-east-1` → N. Virginia), keyed by component id; a fresh map per call. */
export function regionPlaces(): Map<string, Place> {
  const out = new Map<string, Place>();
  for (const cloud of CLOUDS)
    for (const [code, , lat, lon] of cloud.regions) out.set(`${cloud.provider}/${code}`, { lat, lon });
  return out;
}

/** The built-in catalog, as fresh objects on every call (callers may mutate them). */
export function catalogComponents(): ComponentSpec[] {
  const out = SINGLES.map(([id, kind, name, requires]) => component(id, kind, name, requires));
  out.push(...controlPlaneComponents());
  for (const cloud of CLOUDS) {
    for (const [code, regionName] of cloud.regions) {
      const region = `${cloud.provider}/${code}`;
      out.push(component(region, "region", cloud.regionName(code, regionName), [cloud.provider]));
      for (const [service, serviceName] of cloud.services) {
        out.push(component(`${region}/${service}`, "cloud-service", `${serviceName} (${code})`, [region]));
      }
    }
  }
  return out;
}
