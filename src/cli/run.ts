/** The CLI core: `run(argv, io)` returns an exit status; only main.ts touches the process. */
import { SourceError } from "../model/model-errors.js";
import { type CommandTable, defaultCommands } from "./commands.js";
import { type CliIo, UsageError } from "./io.js";

function usage(commands: CommandTable = defaultCommands()): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return [
    "epicenter: when the internet shakes, say where the quake started.",
    "",
    "Usage: epicenter <command> [options]   (epicenter <command> --help for details)",
    "",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ].join("\n");
}

/** Runs `argv` (without node and the script) against `commands` (default: the built-in ones). */
export async function run(
  argv: string[],
  io: CliIo,
  commands: CommandTable = defaultCommands(),
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(usage(commands));
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.err(`epicenter: unknown command "${name}"\n\n${usage(commands)}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof SourceError) {
      io.err(error.message);
      return 1;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`epicenter ${name}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}
