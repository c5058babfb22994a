/** POST /api/v1/discover: what domains depend on, as `epicenter discover --json` prints it (editor role). */
import * as z from "zod";
import type { DiscoveryService } from "../discover/discovery-service.js";
import { discoverResponse } from "./api-responses.js";
import { defineRoute, type Route } from "./route-table.js";

const DOMAIN = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

const discoverBody = z.strictObject({
  domains: z
    .array(
      z
        .string()
        .transform((d) => d.toLowerCase().replace(/\.$/, ""))
        .refine((d) => DOMAIN.test(d), { error: "must be a domain name like example.com" }),
    )
    .min(1)
    .max(20)
    .meta({ description: "Domains to analyse (at most 20 a request; the CLI's --from does thousands)" }),
  hosts: z.array(z.string().min(1).max(253)).max(20).optional(),
  depth: z.number().int().min(0).max(2).optional(),
});

/** Discovery sends DNS queries and reads certificates: an editor's action, not a viewer's. */
export function discoverRoutes(service: () => DiscoveryService): Route[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/v1/discover",
      access: "editor",
      tag: "model",
      summary:
        "Discover what domains depend on (DNS providers, CDNs, hosting, CA, mail), each edge with its evidence",
      body: discoverBody,
      response: discoverResponse,
      responses: { 200: '`{"domains": [{"domain", "requires", "evidence"}], "components": [...]}`' },
      handler: async ({ c, body }) => c.json(await service().discover(body)),
    }),
  ];
}
