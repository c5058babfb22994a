/** The CLI core: `run(argv, io)` returns an exit status; only main.ts touches the process. */
import { BusError } from "../bus/bus-errors.js";
import { DemoWorldError } from "../demo/demo-world-error.js";
import { SourceError } from "../model/model-errors.js";
import { ListenError } from "../server/serve-http.js";
import { StoreError } from "../store/store-errors.js";
import { type CommandTable, defaultCommands } from "./commands.js";
import { type CliIo, UsageError } from "./io.js";

/**
 * Exit statuses (README, CLI): 0 success; 1 invalid input (a file with errors, a check that found a problem);
 * 2 bad usage; 3 something the command needs is unavailable: the store cannot be opened, the bus reached, the
 * address or port listened on, the demo's loopback addresses bound. main.ts adds 70 for an internal error.
 */
export const EXIT_UNAVAILABLE = 3;

/** The named errors of the edges a command meets, each a one-line message that says what to do. */
function unavailable(error: unknown): error is Error {
  return (
    error instanceof StoreError ||
    error instanceof BusError ||
    error instanceof ListenError ||
    (error instanceof DemoWorldError &&
      (error.code === "port-in-use" || error.code === "loopback-unavailable"))
  );
}

function usage(commands: CommandTable = defaultCommands()): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return [
    "epicenter: when the internet shakes, say where the quake started.",
    "",
    "Usage: epicenter <command> [options]   (epicenter <command> --help for details)",
    "Exit status: 0 ok, 1 invalid input, 2 bad usage, 3 a store, bus or port unavailable, 70 internal error",
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
    if (unavailable(error)) {
      io.err(`epicenter ${name}: ${error.message}`);
      return EXIT_UNAVAILABLE;
    }
    throw error;
  }
}
