/**
 * Reads a recorded observations file (JSON Lines, scenario.md) into the same sink the simulator feeds, as a
 * stream: the file is read in chunks twice, once to validate every line (all errors at once, so a bad line
 * at the end never yields half a replay) and once to feed, so memory stays flat whatever its size.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { SourceError, type SourceIssue } from "../model/model-errors.js";
import type { Scenario } from "./scenario-types.js";
import { type ObservationSink, STATUS_OF } from "./simulator.js";

export interface RecordedReadOptions {
  /** Bytes read at a time (default 1 MiB). */
  chunkSize?: number;
  /** Longest line accepted, in characters (default 64 KiB): a longer one is an error naming its line. */
  maxLineLength?: number;
}

/** At most this many errors are listed: enough to fix a file, not enough to flood a terminal. */
const MAX_ISSUES = 50;

/** The first MAX_ISSUES issues, and a count of the rest, so that a file with thousands of bad lines says so. */
class IssueList {
  readonly listed: SourceIssue[] = [];
  #more = 0;
  #firstMore = 0;

  add(issue: SourceIssue): void {
    if (this.listed.length < MAX_ISSUES) this.listed.push(issue);
    else if (this.#more++ === 0) this.#firstMore = issue.line;
  }

  get empty(): boolean {
    return this.listed.length === 0;
  }

  error(file: string): SourceError {
    const more =
      this.#more === 0
        ? []
        : [
            {
              file,
              line: this.#firstMore,
              path: "",
              message: `and ${this.#more} more bad lines from here on (the first ${MAX_ISSUES} are listed)`,
            },
          ];
    return new SourceError([...this.listed, ...more]);
  }
}

/** Validates the whole file first (all errors at once), then feeds it; returns the number of observations. */
export function readRecorded(
  scenario: Scenario,
  file: string,
  sink: ObservationSink,
  options: RecordedReadOptions = {},
): number {
  const vantages = new Map(scenario.vantages.map((v, i) => [v, i]));
  const components = new Map(scenario.model.components.map((c, i) => [c.id, i]));
  const issues = new IssueList();
  let last = Number.NEGATIVE_INFINITY;
  let count = 0;
  // Filled by parseLine for each good line, so that a line costs its JSON.parse and nothing more.
  const row: Row = [0, 0, 0, 0];
  forEachLine(file, options, issues, (line, number) => {
    const issue = parseLine(line, last, vantages, components, row);
    if (issue !== null) {
      issues.add({ file, line: number, path: issue.path, message: issue.message });
      // A line wrong elsewhere still sets the clock, so the next line's order is judged against it.
      if (issue.t !== undefined && issue.t > last) last = issue.t;
    } else {
      last = row[0];
      count++;
    }
  });
  if (!issues.empty) throw issues.error(file);
  last = Number.NEGATIVE_INFINITY;
  forEachLine(file, options, issues, (line, number) => {
    const issue = parseLine(line, last, vantages, components, row);
    // Every line passed the first pass; one that fails now was written in between, and is not fed.
    if (issue !== null)
      throw new SourceError([
        {
          file,
          line: number,
          path: issue.path,
          message: `${issue.message} (the file changed while it was read)`,
        },
      ]);
    last = row[0];
    sink(row[0], row[1], row[2], row[3]);
  });
  if (!issues.empty) throw issues.error(file);
  return count;
}

/**
 * Calls `onLine` with each non-blank line (trimmed, without its line break) and its 1-based number, reading
 * `chunkSize` bytes at a time; UTF-8 split across chunks and CRLF line ends are handled. A line longer than
 * `maxLineLength` is reported in `issues` and skipped without being held.
 */
function forEachLine(
  file: string,
  options: RecordedReadOptions,
  issues: IssueList,
  onLine: (line: string, number: number) => void,
): void {
  const chunkSize = options.chunkSize ?? 1 << 20;
  const maxLine = options.maxLineLength ?? 1 << 16;
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw new SourceError(
      [{ file, line: 0, path: "", message: `cannot read observations: ${String(error)}` }],
      {
        cause: error,
      },
    );
  }
  const buffer = Buffer.allocUnsafe(chunkSize);
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let number = 0;
  let skipping = false;
  const emit = (raw: string) => {
    number++;
    if (skipping) {
      skipping = false;
      return;
    }
    const line = raw.trim();
    if (line !== "") onLine(line, number);
  };
  const tooLong = () => {
    issues.add({ file, line: number + 1, path: "", message: `line longer than ${maxLine} characters` });
    skipping = true;
    pending = "";
  };
  try {
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, buffer, 0, chunkSize, null);
      } catch (error) {
        throw new SourceError(
          [{ file, line: number + 1, path: "", message: `cannot read observations: ${String(error)}` }],
          { cause: error },
        );
      }
      const text = read > 0 ? decoder.write(buffer.subarray(0, read)) : decoder.end();
      let from = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", from)) {
        const piece = text.slice(from, nl);
        if (!skipping && pending.length + piece.length > maxLine) tooLong();
        emit(skipping ? "" : pending + piece);
        pending = "";
        from = nl + 1;
      }
      if (!skipping) {
        pending += text.slice(from);
        if (pending.length > maxLine) tooLong();
      }
      if (read === 0) break;
    }
    if (pending !== "" || skipping) emit(pending);
  } finally {
    closeSync(fd);
  }
}

type Row = [number, number, number, number];

function parseLine(
  line: string,
  last: number,
  vantages: Map<string, number>,
  components: Map<string, number>,
  row: Row,
): { path: string; message: string; t?: number } | null {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return { path: "", message: "not valid JSON" };
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj))
    return { path: "", message: "not a JSON object" };
  const o = obj as Record<string, unknown>;
  // for-in over a parsed object sees its own keys only (its prototype's are not enumerable).
  for (const key in o)
    if (key !== "t" && key !== "vantage" && key !== "component" && key !== "status")
      return { path: key, message: `unknown key "${key}"` };
  if (typeof o.t !== "number" || !Number.isFinite(o.t) || o.t < 0)
    return { path: "t", message: "t must be a number of seconds ≥ 0" };
  if (o.t < last)
    return {
      path: "t",
      message: `t ${o.t} is before the previous line's ${last}; lines must be in time order`,
    };
  const v = vantages.get(String(o.vantage));
  if (v === undefined) return { path: "vantage", message: `unknown vantage "${String(o.vantage)}"`, t: o.t };
  const c = components.get(String(o.component));
  if (c === undefined)
    return { path: "component", message: `unknown component "${String(o.component)}"`, t: o.t };
  // Own keys only: "constructor" or "__proto__" would otherwise find Object.prototype's and pass as a status.
  const status = String(o.status);
  const s = Object.hasOwn(STATUS_OF, status) ? STATUS_OF[status] : undefined;
  if (s === undefined)
    return {
      path: "status",
      message: `status must be up, degraded or down, not "${String(o.status)}"`,
      t: o.t,
    };
  row[0] = o.t;
  row[1] = v;
  row[2] = c;
  row[3] = s;
  return null;
}
