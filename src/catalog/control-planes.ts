/**
 * Control planes the providers document apart from their data planes, so a what-if names what a region takes
 * with it beyond its own services: the parts that create, change and sign in, not the parts that serve.
 *
 * The rule the providers state, and this file keeps: a data plane does not need its control plane to keep
 * working (AWS calls it static stability), so no data plane here requires a control plane, and a data plane
 * never requires the region its control plane lives in. `aws/route53` (DNS answers) and `aws/cloudfront`
 * (serving) stay up when us-east-1 fails; only `aws/route53/control-plane` and `aws/cloudfront/control-plane`
 * (changes) go down with it.
 *
 * Sources:
 * - AWS, "Global services", AWS Fault Isolation Boundaries (whitepaper),
 *   https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html:
 *   global services keep their control plane in one Region and distribute their data plane; in the aws
 *   partition IAM, Organizations and Account Management have their control planes in us-east-1 (IAM's data
 *   plane is in every Region); Route 53 (public DNS) and CloudFront run their control planes in us-east-1 and
 *   their data planes in the points of presence.
 * - AWS, "Manage AWS STS in an AWS Region", IAM User Guide,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_enable-regions.html: the global
 *   (legacy) endpoint https://sts.amazonaws.com is hosted in a single Region, US East (N. Virginia), with no
 *   automatic failover. Since 2025 ("AWS STS Regional endpoints", AWS SDKs and Tools Reference Guide,
 *   https://docs.aws.amazon.com/sdkref/latest/guide/feature-sts-regionalized-endpoints.html) requests to it
 *   from workloads in Regions enabled by default are served in their own Region; from opt-in Regions and
 *   outside AWS it is still us-east-1, which is what `aws/sts` stands for. The Regional endpoints are
 *   `aws/<region>/sts`.
 * - AWS, "DNS configuration for AWS Management Console and AWS Sign-In",
 *   https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/dns-configuration-console-signin.html: the
 *   region-less signin.aws.amazon.com points at AWS Sign-In in us-east-1.
 * - AWS, "AWS Support endpoints and quotas", https://docs.aws.amazon.com/general/latest/gr/awssupport.html:
 *   every Region but us-west-2 is served by support.us-east-1.amazonaws.com.
 * - AWS, "Summary of the AWS Service Event in the Northern Virginia (US-EAST-1) Region" (2021-12-10),
 *   https://aws.amazon.com/message/12721/: on 2021-12-07 the Route 53 APIs were impaired, so records could
 *   not be changed, while existing records kept being answered; STS was impaired with the Region.
 * - Microsoft, "Azure control plane and data plane",
 *   https://learn.microsoft.com/azure/azure-resource-manager/management/control-plane-and-data-plane, and
 *   "Reliability in Azure Resource Manager", https://learn.microsoft.com/azure/reliability/reliability-resource-manager:
 *   every control-plane request goes to Resource Manager (https://management.azure.com, global, spread over
 *   regions); data-plane requests go straight to the service's endpoint and keep working without it.
 *   Microsoft Entra ID is the global identity service already in the catalog (`azure/entra-id`).
 * - Google, "Regional views of global resources", Compute Engine documentation,
 *   https://cloud.google.com/compute/docs/architecture/regional-views-global-resources: the metadata of
 *   global resources (projects, images, networks) lives in one central global database behind the global API
 *   endpoints, the global control plane; running regional resources (the `gcp/<region>/<service>` data
 *   planes) do not need it to serve.
 */
import type { ComponentSpec } from "../model/model-types.js";

/** [id, name, the ids it hard-requires]; every entry is a shared `cloud-service`. */
const CONTROL_PLANES: readonly (readonly [string, string, readonly string[]])[] = [
  ["aws/iam/control-plane", "AWS IAM control plane (users, roles, policies; us-east-1)", ["aws/us-east-1"]],
  ["aws/sts", "AWS STS global endpoint sts.amazonaws.com (us-east-1)", ["aws/us-east-1"]],
  ["aws/signin", "AWS Sign-In global endpoint, console sign-in (us-east-1)", ["aws/us-east-1"]],
  ["aws/organizations", "AWS Organizations (control plane in us-east-1)", ["aws/us-east-1"]],
  ["aws/account-management", "AWS Account Management (control plane in us-east-1)", ["aws/us-east-1"]],
  ["aws/support", "AWS Support Center and Support API (us-east-1)", ["aws/us-east-1"]],
  [
    "aws/route53/control-plane",
    "Amazon Route 53 control plane (record and zone changes; us-east-1)",
    ["aws/us-east-1"],
  ],
  [
    "aws/cloudfront/control-plane",
    "Amazon CloudFront control plane (distribution changes; us-east-1)",
    ["aws/us-east-1"],
  ],
  ["azure/resource-manager", "Azure Resource Manager, the control plane (global)", ["azure"]],
  ["gcp/compute-control-plane", "Compute Engine global control plane (global resources API)", ["gcp"]],
];

/** The control-plane components, as fresh objects on every call. */
export function controlPlaneComponents(): ComponentSpec[] {
  return CONTROL_PLANES.map(([id, name, requires]) => ({
    id,
    kind: "cloud-service",
    name,
    observed: false,
    requires: requires.map((r) => ({ type: "hard", id: r, hidden: false })),
  }));
}
