/**
 * The parts check inputs are built from (check-schema.ts): `${ENV}` values, URLs, `host:port`, status
 * ranges, regular expressions, DNS record types; and the parsers normalisation uses on what they accepted.
 */
import * as z from "zod";
import { type Env, resolveEnvRefs } from "../model/env-refs.js";

export const RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA"] as const;

/** `${ENV}` references resolved from `env` (header values, heartbeat tokens). */
export const withEnvIn = (env: Env) =>
  z.string().transform((text, ctx) => {
    const { value, missing } = resolveEnvRefs(text, env);
    for (const name of missing)
      ctx.addIssue({ code: "custom", message: `environment variable ${name} is not set` });
    return value;
  });

export const url = (protocols: string[]) =>
  z.string().refine(
    (text) => {
      try {
        return protocols.includes(new URL(text).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a ${protocols.map((p) => `${p}//`).join(" or ")} URL` },
  );

/** `host:port` or `[v6]:port`; the port may be left out only where `defaultPort` is given. */
export function parseHostPort(
  text: string,
  defaultPort?: number,
): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m) return undefined;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port === undefined || port < 1 || port > 65535) return undefined;
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

export const hostPort = (defaultPort?: number) =>
  z.string().refine((t) => parseHostPort(t, defaultPort) !== undefined, {
    error: `must be host:port${defaultPort ? ` (port defaults to ${defaultPort})` : ""}, e.g. db.acme.example:5432`,
  });

/** "200-399", "200-299,404", 204 or a list of those → inclusive ranges; undefined when malformed. */
export function parseStatusRanges(
  spec: string | number | (string | number)[],
): [number, number][] | undefined {
  const parts = (Array.isArray(spec) ? spec : [spec]).flatMap((p) => String(p).split(","));
  const ranges: [number, number][] = [];
  for (const part of parts) {
    const m = /^\s*(\d{3})\s*(?:-\s*(\d{3}))?\s*$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = Number(m[2] ?? m[1]);
    if (lo < 100 || hi > 599 || lo > hi) return undefined;
    ranges.push([lo, hi]);
  }
  return ranges.length > 0 ? ranges : undefined;
}

export const statusSpec = z
  .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))])
  .refine((s) => parseStatusRanges(s) !== undefined, {
    error: 'must be status codes or ranges between 100 and 599, like "200-399" or "200-299,404"',
  });

export const regex = z.string().refine(
  (text) => {
    try {
      new RegExp(text);
      return true;
    } catch {
      return false;
    }
  },
  { error: "is not a valid regular expression" },
);

/** `host` or `host:port` as node:dns setServers wants it (IPv6 in brackets when a port is given). */
export function formatServer(text: string): string {
  const { host, port } = parseHostPort(text, 53)!;
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
