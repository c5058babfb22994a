/** The `probes:` section of epicenter.yaml (config/ composes it); probe/ owns its syntax. */
import * as z from "zod";
import { nameServerProblem } from "./name-server.js";
import { DENIABLE_RANGES, parseCidr } from "./target-guard.js";

const nameServer = z.string().superRefine((text, ctx) => {
  const problem = nameServerProblem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** `probes:` at the top of epicenter.yaml: where probes may connect, which extra CAs they trust. */
export const probesSchema = z.strictObject({
  deny: z.array(z.enum(DENIABLE_RANGES)).optional(),
  allow: z
    .array(z.string().refine((t) => parseCidr(t) !== undefined, { error: "must be a CIDR like 10.1.0.0/16" }))
    .optional(),
  /** Extra trusted CAs: PEM certificates, or paths to PEM files relative to the config file. */
  ca: z.array(z.string().min(1)).optional(),
  /**
   * Well-known targets each vantage probes to judge its own health ("can I reach the world?"), as
   * `epicenter check` TARGETs: https://..., tcp://host:port, dns://name?server=..., tls://host:port.
   */
  anchors: z.array(z.string().min(1)).optional(),
  /**
   * Every http check keeps its connection open between runs unless it says `reuse: false` (default false:
   * each run resolves, connects and handshakes anew, as a user's browser does).
   */
  reuse: z.boolean().optional(),
  /**
   * The DNS server (`host:port`, an IP address) http, tls and dns checks ask instead of the system's
   * resolver; per vantage as `{ default: ..., vantages: { vantage/x: ... } }`.
   */
  resolver: z
    .union([
      nameServer,
      z.strictObject({
        default: nameServer.optional(),
        vantages: z.record(z.string(), nameServer).optional(),
      }),
    ])
    .optional(),
});
