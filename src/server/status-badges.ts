/**
 * Badges for READMEs and wikis: GET /status/badge/{component}.svg (the service's state now, in a word) and
 * /status/badge/{component}/uptime.svg?days=30 (its uptime over the last days, "unknown" when no vantage saw
 * it). Public like the status page, and only for the services it shows; cacheable for a minute, with an ETag.
 */
import type { Context } from "hono";
import * as z from "zod";
import type { Hub } from "../hub/hub-api.js";
import { ApiError } from "./api-errors.js";
import { BADGE_COLORS, badgeSvg } from "./badge-svg.js";
import { cacheable } from "./public-cache.js";
import { defineRoute, type Route } from "./route-table.js";
import { displayName, type ServiceStatus } from "./service-status.js";
import { type Service, services } from "./status-page-data.js";
import { dailyUptime, hourlyRollups, percent, uptimeOf, windowStart } from "./status-uptime.js";

const STATE_WORDS: Record<ServiceStatus, string> = {
  up: "up",
  degraded: "degraded",
  partial: "partial outage",
  down: "down",
  unknown: "unknown",
};

/** An SVG opened on its own is a document: it may load nothing and run nothing (it has no script anyway). */
const SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

const uptimeQuery = z.strictObject({
  days: z
    .string()
    .regex(/^\d+$/, { error: "must be a whole number of days" })
    .transform(Number)
    .pipe(z.number().int().min(1).max(90))
    .optional()
    .meta({ description: "Days back, today included (1 to 90, default 30)" }),
});

const findService = (hub: Hub, id: string): Service | undefined =>
  services(hub).find((s) => s.spec.id === id);

/** The public service named in the path, or 404 saying which ones there are. */
function publicService(hub: Hub, id: string): Service {
  const found = findService(hub, id);
  if (!found)
    throw new ApiError(
      404,
      "not_found",
      `no service ${id} on the status page; badges exist for the monitored services that /status/api/v2/summary.json lists`,
    );
  return found;
}

const svg = (c: Context, body: string) =>
  cacheable(c, body, "image/svg+xml; charset=utf-8", { "Content-Security-Policy": SVG_POLICY });

/** The component's id from a path parameter Hono took with its `.svg` suffix (see route-table's honoPath). */
const withoutSuffix = (param: string) => param.replace(/\.svg$/, "");

/** The service's state now, in a word. */
const stateBadge = (c: Context, service: Service) =>
  svg(
    c,
    badgeSvg({
      label: displayName(service.spec, service.spec.id),
      message: STATE_WORDS[service.status],
      color: BADGE_COLORS[service.status],
    }),
  );

const param = {
  component: { description: "A monitored service's id, such as acme/api", slashes: true },
};

export const badgeRoutes: Route[] = [
  // Before the state badge: acme/api/uptime.svg would also read as the state of a service acme/api/uptime.
  defineRoute({
    method: "GET",
    path: "/status/badge/{component}/uptime.svg",
    access: "public",
    tag: "status page",
    summary:
      "Public, no token: a badge of the service's uptime over the last days (the share of the time some vantage saw it that it answered; unknown when none did)",
    params: param,
    query: uptimeQuery,
    produces: "image/svg+xml",
    responses: {
      200: "SVG, shields.io flat style",
      304: "Not modified (If-None-Match)",
      404: "No such public service",
    },
    handler: async ({ c, hub, params, query, now }) => {
      // acme/uptime.svg is also the state badge of a service acme/uptime: when there is no service acme and
      // there is one acme/uptime, that is what the path names.
      const whole = findService(hub, params.component!)
        ? undefined
        : findService(hub, `${params.component}/uptime`);
      if (whole) return stateBadge(c, whole);
      const service = publicService(hub, params.component!);
      const days = query.days ?? 30;
      const at = now();
      const from = windowStart(at, days);
      const uptime = uptimeOf(
        dailyUptime(await hourlyRollups(hub, service.spec.id, from, at + 1), from, days),
      );
      const color =
        uptime === null
          ? BADGE_COLORS.unknown
          : uptime >= 0.999
            ? BADGE_COLORS.up
            : uptime >= 0.99
              ? BADGE_COLORS.degraded
              : uptime >= 0.95
                ? BADGE_COLORS.partial
                : BADGE_COLORS.down;
      return svg(
        c,
        badgeSvg({
          label: `${displayName(service.spec, service.spec.id)} uptime ${days}d`,
          message: uptime === null ? "unknown" : percent(uptime),
          color,
        }),
      );
    },
  }),
  defineRoute({
    method: "GET",
    path: "/status/badge/{component}.svg",
    access: "public",
    tag: "status page",
    summary:
      "Public, no token: a badge of the service's state now, in a word (up, degraded, partial outage, down, unknown)",
    params: param,
    produces: "image/svg+xml",
    responses: {
      200: "SVG, shields.io flat style",
      304: "Not modified (If-None-Match)",
      404: "No such public service",
    },
    handler: ({ c, hub, params }) => stateBadge(c, publicService(hub, withoutSuffix(params.component!))),
  }),
];
