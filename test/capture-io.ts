/** A CliIo that records what a command prints, for tests that call run(argv, io). */
import type { CliIo } from "../src/cli/io.js";

export function captureIo(
  cwd = process.cwd(),
  env: CliIo["env"] = {},
): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    progress: () => {},
    isTty: false,
    cwd,
    env,
  };
  return { io, out, err };
}
