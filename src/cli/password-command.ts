/**
 * `epicenter password-hash`: makes the scrypt hash a user's password goes into epicenter.yaml as
 * (`server.users[].passwordHash`), so the file never holds a plain password. The password is read from
 * standard input: typed without echo (and twice) at a terminal, or the first line of a pipe.
 */
import { parseArgs } from "node:util";
import { hashPassword } from "../server/password-hash.js";
import { type CliIo, UsageError } from "./io.js";

const MIN_LENGTH = 8;
const MAX_BYTES = 1024;

const passwordHelp = `epicenter password-hash

Reads a password from standard input (typed without echo at a terminal, asked twice; or piped: the first
line) and prints its scrypt hash, scrypt$N$r$p$salt$hash, for epicenter.yaml:

  server:
    users:
      - { name: alice, role: viewer, passwordHash: "scrypt$32768$8$3$..." }

Each run uses a new random salt, so the same password gives a different hash each time. Passwords shorter
than ${MIN_LENGTH} characters are refused.`;

/** What the command reads the password from: process.stdin, or a stream in tests. */
export interface PasswordInput extends AsyncIterable<Buffer | string> {
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
  setEncoding?: (encoding: BufferEncoding) => unknown;
  on?: (event: "data", listener: (chunk: string) => void) => unknown;
  off?: (event: "data", listener: (chunk: string) => void) => unknown;
  resume?: () => unknown;
  pause?: () => unknown;
}

export async function passwordCommand(
  argv: string[],
  io: CliIo,
  input: PasswordInput = process.stdin,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    io.out(passwordHelp);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(
      `unexpected "${positionals[0]}": the password is read from standard input, never from the command line (it would stay in the shell's history)`,
    );
  let password: string;
  if (input.isTTY && input.setRawMode) {
    password = await readHidden(input, "Password: ", io);
    const again = await readHidden(input, "Again: ", io);
    if (again !== password) {
      io.err("epicenter password-hash: the two passwords differ; nothing printed");
      return 1;
    }
  } else password = await readPiped(input);
  if ([...password].length < MIN_LENGTH) {
    io.err(
      `epicenter password-hash: ${password === "" ? "no password on standard input" : `the password is shorter than ${MIN_LENGTH} characters`}; pipe one in (printf '%s\\n' "$PASSWORD" | epicenter password-hash) or run it at a terminal`,
    );
    return 1;
  }
  io.out(await hashPassword(password));
  return 0;
}

/** The first line of a pipe (one trailing \n or \r\n dropped), at most MAX_BYTES. */
async function readPiped(input: PasswordInput): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_BYTES) throw new UsageError(`standard input is longer than ${MAX_BYTES} bytes`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0]!;
}

/** One line typed at a terminal in raw mode, echoing nothing; Backspace edits, Ctrl-C cancels. */
function readHidden(input: PasswordInput, prompt: string, io: CliIo): Promise<string> {
  io.progress(prompt);
  input.setRawMode!(true);
  input.setEncoding?.("utf8");
  input.resume?.();
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    const finish = () => {
      input.off?.("data", onData);
      input.setRawMode!(false);
      input.pause?.();
      io.progress("\n");
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") {
          finish();
          resolve(chars.join(""));
          return;
        }
        if (ch === "\u0003") {
          finish();
          reject(new UsageError("cancelled"));
          return;
        }
        if (ch === "\u007f" || ch === "\b") chars = chars.slice(0, -1);
        else if (ch === "\u0015")
          chars = []; // Ctrl-U: clear the line
        else if (ch >= " ") chars.push(ch);
      }
    };
    input.on!("data", onData);
  });
}
