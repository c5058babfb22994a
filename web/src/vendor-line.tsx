/** The incident page's "vendor said so" line: how late the vendor's own status feed admitted it. */
import type { IncidentDetail } from "./api.js";
import { duration } from "./ui.js";

export function VendorLine({ vendor }: { vendor: IncidentDetail["vendor"] }) {
  if (!vendor) return null;
  const lead = vendor.leadMs;
  const said =
    vendor.admittedAt === null || lead === null
      ? `${vendor.source} has not said so.`
      : lead >= 0
        ? `${vendor.source} said so ${duration(lead)} later.`
        : `${vendor.source} said so ${duration(-lead)} earlier.`;
  const over = vendor.resolvedAt
    ? ` It said all was up again at ${new Date(vendor.resolvedAt).toISOString().slice(11, 16)} UTC.`
    : "";
  return <p data-testid="vendor-lag">{`Vendor's status page: ${said}${over}`}</p>;
}
