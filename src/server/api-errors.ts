/**
 * The API's one error type and its JSON shape, `{"error": {"code", "message", "path"?}}`. Handlers throw
 * `ApiError`; the app's error handler is the only place that turns it (or anything else) into a response.
 */
import type * as z from "zod";
import { formatPath } from "../model/model-errors.js";

export interface ErrorBody {
  error: { code: string; message: string; path?: string; refusals?: RefusalBody[] };
}

/** One refused observation of an ingested batch: where, why (`unknown_component`, `future_time`, ...). */
export interface RefusalBody {
  index: number;
  path: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly code: string;
  /** The bad field (`observations[3].status`, a query parameter's name), when one is to blame. */
  readonly path: string | undefined;
  /** Extra response headers (WWW-Authenticate on 401, Allow on 405). */
  readonly headers: Record<string, string>;
  /** Each refused observation of a batch (the ingest's 422), so an agent can set exactly those aside. */
  readonly refusals: RefusalBody[] | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: {
      path?: string;
      headers?: Record<string, string>;
      refusals?: RefusalBody[];
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.path = options.path;
    this.headers = options.headers ?? {};
    this.refusals = options.refusals;
  }

  body(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.path !== undefined ? { path: this.path } : {}),
        ...(this.refusals !== undefined ? { refusals: this.refusals } : {}),
      },
    };
  }
}

/**
 * A 400 for the first zod issue (one clear complaint beats a wall of them), with its path. `where` says which
 * part of the request was wrong ("body", "query", "path") so the message reads on its own.
 */
export function invalidInput(issues: ReadonlyArray<z.core.$ZodIssue>, where: string): ApiError {
  const issue = pickIssue(issues);
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  const path = formatPath(keys.length > 0 ? [...issue.path, keys[0]!] : issue.path);
  const message =
    keys.length > 0
      ? `unknown ${where === "query" ? "query parameter" : "field"} "${keys[0]}"`
      : issue.message.replace(/^Invalid input: /, "");
  return new ApiError(
    400,
    "invalid_request",
    path ? `${where} ${path}: ${message}` : `${where}: ${message}`,
    {
      path,
    },
  );
}

/** The issue to report: inside a union, the branch that got furthest (deepest path) rather than the union itself. */
function pickIssue(issues: ReadonlyArray<z.core.$ZodIssue>): z.core.$ZodIssue {
  const first = issues[0]!;
  if (first.code !== "invalid_union" || first.errors.length === 0) return first;
  const branches = first.errors.map((branch) =>
    branch.map((i) => ({ ...i, path: [...first.path, ...i.path] })),
  );
  branches.sort((a, b) => depth(b) - depth(a));
  return pickIssue(branches[0]!);
}

function depth(branch: ReadonlyArray<z.core.$ZodIssue>): number {
  return Math.max(0, ...branch.map((i) => i.path.length));
}
