/**
 * A real `epicenter serve` child process for fault tests: the CLI compiled once with tsc (test/compile-child.ts),
 * started with the given arguments and environment; its URL and first admin token are read from the banner.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { compileForChild } from "./compile-child.js";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface ServeChild {
  proc: ChildProcess;
  url: string;
  /** The first admin token (printed once, on a fresh store), else null. */
  token: string | null;
  /** Everything it printed so far (stderr lines prefixed). */
  lines: string[];
  exited: Promise<number | null>;
}

/**
 * Compiles the CLI for child processes into node_modules/.cache/<name>; returns the entry to run. tsc emits
 * despite type errors, and those are the typecheck's to report (`npm test` runs it first): only a missing
 * output fails here.
 */
export function compileServe(name: string): string {
  const out = join(root, "node_modules", ".cache", name);
  const entry = join(out, "test", "fixtures", "serve-entry.js");
  try {
    compileForChild(name, "test/fixtures/serve-entry.ts");
  } catch (error) {
    if (!existsSync(entry)) throw error;
  }
  return entry;
}

/** Starts `serve --port 0 ...args` and resolves once its banner has printed the URL. */
export async function startServeChild(
  entry: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ServeChild> {
  const proc = spawn(process.execPath, [entry, "serve", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const child: ServeChild = {
    proc,
    url: "",
    token: null,
    lines: [],
    exited: new Promise((r) => proc.on("exit", (code) => r(code))),
  };
  proc.stderr!.on("data", (d: Buffer) => child.lines.push(`stderr: ${d}`));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve did not start in ${timeoutMs} ms:\n${child.lines.join("\n")}`)),
      timeoutMs,
    );
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) while starting:\n${child.lines.join("\n")}`));
    });
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      child.lines.push(line);
      const u = /hub on (http:\/\/\S+)/.exec(line);
      if (u) child.url = u[1]!;
      const t = /^\s+(ept_\S+)$/.exec(line);
      if (t) child.token = t[1]!;
      if (line.startsWith("───") && child.url) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await ready;
  return child;
}
