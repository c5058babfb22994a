/**
 * Answers the public status page's documents (badges, feeds) with validators: cacheable by anyone for a
 * minute, an ETag from the body, and 304 for a caller that holds this very body already.
 */
import { createHash } from "node:crypto";
import type { Context } from "hono";

const CACHE = "public, max-age=60";

/** `body` as `type`, with Cache-Control and ETag; 304 when If-None-Match names its tag. */
export function cacheable(
  c: Context,
  body: string,
  type: string,
  headers: Record<string, string> = {},
): Response {
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  const validators = { "Cache-Control": CACHE, ETag: etag };
  const held = c.req.header("if-none-match");
  if (held?.split(",").some((t) => t.trim().replace(/^W\//, "") === etag))
    return c.body(null, 304, validators);
  return c.body(body, 200, { ...validators, ...headers, "Content-Type": type });
}
