/**
 * Reading the files a config names (the config itself, scenarios, CA files) through a reader the caller
 * passes in; the node:fs reader is the default, chosen here once.
 */
import { readFileSync, statSync } from "node:fs";
import { SourceError } from "../model/model-errors.js";

/** Returns a file's text or throws (an error with an errno `code` such as ENOENT, as node:fs does). */
export type ReadFile = (path: string) => string;

/**
 * The largest config or scenario file read (16 MiB). Hand-written files are kilobytes; a 100 MB one held the
 * hub's event loop 5.6 s and grew it by 460 MB while it was parsed, so past this it is refused unread.
 */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

/** A file larger than MAX_SOURCE_BYTES; `size` is its size in bytes. */
export class SourceTooLargeError extends Error {
  override readonly name = "SourceTooLargeError";
  readonly code = "E_SOURCE_TOO_LARGE";
  constructor(readonly size: number) {
    super(`${mib(size)} is larger than the ${mib(MAX_SOURCE_BYTES)} limit`);
  }
}

/** The reader of the real file system; the size is checked before reading, so a huge file costs nothing. */
export const readTextFile: ReadFile = (path) => {
  const { size } = statSync(path);
  if (size > MAX_SOURCE_BYTES) throw new SourceTooLargeError(size);
  return readFileSync(path, "utf8");
};

/** The text of a config or scenario file; a file that cannot be read (or is too large) is a SourceError naming it. */
export function readSource(file: string, readFile: ReadFile = readTextFile): string {
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "file not found"
        : error instanceof SourceTooLargeError
          ? error.message
          : String(error);
    throw new SourceError([{ file, line: 0, path: "", message: `cannot read: ${why}` }], { cause: error });
  }
  // Another reader (tests, an embedding program) gets the same limit, measured on the text it returned.
  if (text.length > MAX_SOURCE_BYTES / 3 && Buffer.byteLength(text) > MAX_SOURCE_BYTES) {
    const why = new SourceTooLargeError(Buffer.byteLength(text)).message;
    throw new SourceError([{ file, line: 0, path: "", message: `cannot read: ${why}` }]);
  }
  return text;
}

function mib(bytes: number): string {
  return `${Number((bytes / 1024 / 1024).toFixed(1))} MiB`;
}
