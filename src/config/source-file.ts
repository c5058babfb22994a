/**
 * Reading the files a config names (the config itself, scenarios, CA files) through a reader the caller
 * passes in; the node:fs reader is the default, chosen here once.
 */
import { readFileSync } from "node:fs";
import { SourceError } from "../model/model-errors.js";

/** Returns a file's text or throws (an error with an errno `code` such as ENOENT, as node:fs does). */
export type ReadFile = (path: string) => string;

/** The reader of the real file system. */
export const readTextFile: ReadFile = (path) => readFileSync(path, "utf8");

/** The text of a config or scenario file; a file that cannot be read is a SourceError naming it. */
export function readSource(file: string, readFile: ReadFile = readTextFile): string {
  try {
    return readFile(file);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new SourceError([{ file, line: 0, path: "", message: `cannot read: ${why}` }], { cause: error });
  }
}
