import type { Env } from "../model/env-refs.js";

/** What a command may touch of the outside world: passed in, so tests run commands without a process. */
export interface CliIo {
  /** Writes a line to standard output. */
  out: (line: string) => void;
  /** Writes a line to standard error. */
  err: (line: string) => void;
  /** Writes raw text to standard error (progress bars redraw one line). */
  progress: (text: string) => void;
  /** Whether stderr is a terminal (progress bars only then). */
  isTty: boolean;
  cwd: string;
  /** The environment (`${VAR}` in configs, EPICENTER_* settings); main.ts passes process.env. */
  env: Env;
}

/** A usage error: the command line itself is wrong (exit status 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly code = "E_USAGE";
}
