/** Built-in catalog of the providers most of the internet runs on, so users only model their own components; region codes and service names are as the providers publish them (AWS "Regions and Availability Zones" and ip-ranges.json, Google Cloud "Regions and zones", Azure `az account list-locations`, and each vendor's product names). */
import type { ComponentSpec, RequireItem } from "../model/model-types.js";
import { controlPlaneComponents } from "./control-planes.js";

/** [code, display name] pairs, as the provider publishes them. */
type Named = readonly (readonly [string, string])[];

const AWS_REGIONS: Named = [
  ["us-east-1", "US East (N. Virginia)"],
  ["us-east-2", "US East (Ohio)"],
  ["us-west-1", "US West (N. California)"],
  ["us-west-2", "US West (Oregon)"],
  ["ca-central-1", "Canada (Central)"],
  ["ca-west-1", "Canada West (Calgary)"],
  ["sa-east-1", "South America (São Paulo)"],
  ["eu-west-1", "Europe (Ireland)"],
  ["eu-west-2", "Europe (London)"],
  ["eu-west-3", "Europe (Paris)"],
  ["eu-central-1", "Europe (Frankfurt)"],
  ["eu-central-2", "Europe (Zurich)"],
  ["eu-north-1", "Europe (Stockholm)"],
  ["eu-south-1", "Europe (Milan)"],
  ["eu-south-2", "Europe (Spain)"],
  ["ap-east-1", "Asia Pacific (Hong Kong)"],
  ["ap-south-1", "Asia Pacific (Mumbai)"],
  ["ap-south-2", "Asia Pacific (Hyderabad)"],
  ["ap-northeast-1", "Asia Pacific (Tokyo)"],
  ["ap-northeast-2", "Asia Pacific (Seoul)"],
  ["ap-northeast-3", "Asia Pacific (Osaka)"],
  ["ap-southeast-1", "Asia Pacific (Singapore)"],
  ["ap-southeast-2", "Asia Pacific (Sydney)"],
  ["ap-southeast-3", "Asia Pacific (Jakarta)"],
  ["ap-southeast-4", "Asia Pacific (Melbourne)"],
  ["ap-southeast-5", "Asia Pacific (Malaysia)"],
  ["ap-southeast-7", "Asia Pacific (Thailand)"],
  ["me-south-1", "Middle East (Bahrain)"],
  ["me-central-1", "Middle East (UAE)"],
  ["il-central-1", "Israel (Tel Aviv)"],
  ["af-south-1", "Africa (Cape Town)"],
  ["mx-central-1", "Mexico (Central)"],
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

const GCP_REGIONS: Named = [
  ["us-central1", "Council Bluffs, Iowa"],
  ["us-east1", "Moncks Corner, South Carolina"],
  ["us-east4", "Ashburn, Virginia"],
  ["us-east5", "Columbus, Ohio"],
  ["us-south1", "Dallas, Texas"],
  ["us-west1", "The Dalles, Oregon"],
  ["us-west2", "Los Angeles, California"],
  ["us-west3", "Salt Lake City, Utah"],
  ["us-west4", "Las Vegas, Nevada"],
  ["northamerica-northeast1", "Montréal, Québec"],
  ["northamerica-northeast2", "Toronto, Ontario"],
  ["northamerica-south1", "Querétaro, Mexico"],
  ["southamerica-east1", "Osasco, São Paulo"],
  ["southamerica-west1", "Santiago, Chile"],
  ["europe-west1", "St. Ghislain, Belgium"],
  ["europe-west2", "London, England"],
  ["europe-west3", "Frankfurt, Germany"],
  ["europe-west4", "Eemshaven, Netherlands"],
  ["europe-west6", "Zurich, Switzerland"],
  ["europe-west8", "Milan, Italy"],
  ["europe-west9", "Paris, France"],
  ["europe-west10", "Berlin, Germany"],
  ["europe-west12", "Turin, Italy"],
  ["europe-north1", "Hamina, Finland"],
  ["europe-north2", "Stockholm, Sweden"],
  ["europe-central2", "Warsaw, Poland"],
  ["europe-southwest1", "Madrid, Spain"],
  ["asia-east1", "Changhua County, Taiwan"],
  ["asia-east2", "Hong Kong"],
  ["asia-northeast1", "Tokyo, Japan"],
  ["asia-northeast2", "Osaka, Japan"],
  ["asia-northeast3", "Seoul, South Korea"],
  ["asia-south1", "Mumbai, India"],
  ["asia-south2", "Delhi, India"],
  ["asia-southeast1", "Jurong West, Singapore"],
  ["asia-southeast2", "Jakarta, Indonesia"],
  ["australia-southeast1", "Sydney, Australia"],
  ["australia-southeast2", "Melbourne, Australia"],
  ["me-west1", "Tel Aviv, Israel"],
  ["me-central1", "Doha, Qatar"],
  ["me-central2", "Dammam, Saudi Arabia"],
  ["africa-south1", "Johannesburg, South Africa"],
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

const AZURE_REGIONS: Named = [
  ["eastus", "East US"],
  ["eastus2", "East US 2"],
  ["centralus", "Central US"],
  ["northcentralus", "North Central US"],
  ["southcentralus", "South Central US"],
  ["westcentralus", "West Central US"],
  ["westus", "West US"],
  ["westus2", "West US 2"],
  ["westus3", "West US 3"],
  ["canadacentral", "Canada Central"],
  ["canadaeast", "Canada East"],
  ["brazilsouth", "Brazil South"],
  ["northeurope", "North Europe"],
  ["westeurope", "West Europe"],
  ["uksouth", "UK South"],
  ["ukwest", "UK West"],
  ["francecentral", "France Central"],
  ["germanywestcentral", "Germany West Central"],
  ["switzerlandnorth", "Switzerland North"],
  ["norwayeast", "Norway East"],
  ["swedencentral", "Sweden Central"],
  ["polandcentral", "Poland Central"],
  ["italynorth", "Italy North"],
  ["spaincentral", "Spain Central"],
  ["eastasia", "East Asia"],
  ["southeastasia", "Southeast Asia"],
  ["japaneast", "Japan East"],
  ["japanwest", "Japan West"],
  ["koreacentral", "Korea Central"],
  ["centralindia", "Central India"],
  ["southindia", "South India"],
  ["australiaeast", "Australia East"],
  ["australiasoutheast", "Australia Southeast"],
  ["uaenorth", "UAE North"],
  ["southafricanorth", "South Africa North"],
  ["qatarcentral", "Qatar Central"],
  ["israelcentral", "Israel Central"],
  ["mexicocentral", "Mexico Central"],
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
  regions: Named;
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
