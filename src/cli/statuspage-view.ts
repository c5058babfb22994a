/** `epicenter check --statuspage URL`: what a vendor's status feed says now, and the catalog ids it maps to. */
import type { StatuspageCheck } from "../probe/check-types.js";
import { classifyError } from "../probe/probe-errors.js";
import { readStatusFeed, type StatusFeedView } from "../probe/status-feed-read.js";
import type { CliIo } from "./io.js";
import { formatTable } from "./table-format.js";

/** Reads the feed through the target guard; 0 when it was read, 1 (one line on stderr) when not. */
export async function statuspageView(
  url: string,
  format: StatuspageCheck["format"],
  timeoutMs: number,
  json: boolean,
  io: CliIo,
): Promise<number> {
  let view: StatusFeedView;
  try {
    view = await readStatusFeed(url, format, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const { errorClass, message } =
      error instanceof Error && (error.name === "StatusFeedError" || error.name === "FeedError")
        ? { errorClass: "protocol", message: error.message }
        : classifyError(error, "exchange");
    io.err(`${url}: status feed not read (${errorClass}: ${message})`);
    return 1;
  }
  io.out(json ? JSON.stringify(view) : renderView(url, view));
  return 0;
}

function renderView(url: string, view: StatusFeedView): string {
  const lines = [
    `${url}: ${view.format}, ${view.components.length} components, ${view.incidents.length} incidents`,
  ];
  if (view.components.length > 0)
    lines.push(
      ...formatTable([
        ["COMPONENT", "STATUS", "CATALOG ID"],
        ...view.components.map((c) => [c.name, c.status, c.id ?? "-"]),
      ]),
    );
  if (view.incidents.length > 0)
    lines.push(
      ...formatTable([
        ["INCIDENT", "STATUS", "IMPACT", "UPDATED", "COMPONENTS"],
        ...view.incidents.map((i) => [
          i.title,
          i.status,
          i.impact,
          i.updatedAt ?? "-",
          i.components.length > 3
            ? `${i.components.slice(0, 3).join(", ")} +${i.components.length - 3}`
            : i.components.join(", "),
        ]),
      ]),
    );
  return lines.join("\n");
}
