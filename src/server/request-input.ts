/**
 * Reading a request's query and JSON body through a route's zod schemas: 400 with the bad field's path,
 * 413 past the body limit (checked while reading, so a huge body is never buffered whole), 415 for non-JSON.
 */
import type { Context } from "hono";
import type * as z from "zod";
import { ApiError, invalidInput } from "./api-errors.js";

export const DEFAULT_BODY_LIMIT = 64 * 1024;

export function parseQuery(c: Context, schema: z.ZodType): unknown {
  const flat: Record<string, string> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length > 1)
      throw new ApiError(400, "invalid_request", `query parameter "${name}" given more than once`, {
        path: name,
      });
    flat[name] = values[0]!;
  }
  const parsed = schema.safeParse(flat);
  if (!parsed.success) throw invalidInput(parsed.error.issues, "query");
  return parsed.data;
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, "payload_too_large", `body larger than ${limit} bytes; send smaller batches`);
}

/** The body as text, refusing it once it passes `limit` bytes (by Content-Length or by counting). */
async function readText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch (error) {
    throw new ApiError(400, "invalid_json", "body is not valid UTF-8", { cause: error });
  }
}

export async function parseBody(c: Context, schema: z.ZodType, limit: number): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type))
    throw new ApiError(
      415,
      "unsupported_media_type",
      "send the body as JSON with Content-Type: application/json",
    );
  const text = await readText(c.req.raw, limit);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, "invalid_json", `body is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(parsed.error.issues, "body");
  return parsed.data;
}
