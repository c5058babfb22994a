/** Errors in user-written files (configs, scenarios), each naming the file, line and key path. */

export interface SourceIssue {
  file: string;
  /** 1-based line, or 0 when the position is not known. */
  line: number;
  /** Key path like `components[3].requires[1]`; empty for the whole file. */
  path: string;
  message: string;
}

export function formatIssue(issue: SourceIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** A file that cannot be used as written; `issues` lists every problem found, not just the first. */
export class SourceError extends Error {
  override readonly name = "SourceError";
  readonly code = "E_SOURCE";
  constructor(
    readonly issues: SourceIssue[],
    options?: { cause?: unknown },
  ) {
    super(issues.map(formatIssue).join("\n"), options);
  }
}

/** A path array as users read it: `["components", 3, "requires", 1]` → `components[3].requires[1]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
