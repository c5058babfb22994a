/**
 * A reader that stops early (`epicenter replay FILE | head -1`) closes the CLI's standard output: the
 * command ends quietly with its own exit status, not with an unhandled EPIPE and a stack trace (it did).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { compileServe } from "./serve-child.js";

const root = fileURLToPath(new URL("..", import.meta.url));
let entry: string;

beforeAll(() => {
  entry = compileServe("epicenter-cli-pipe");
}, 300_000);

describe("CLI output into a pipe closed early", () => {
  it.each([["schema"], ["replay", "examples/scenarios/aws-us-east-1-2025-10-20.yaml"]])(
    "epicenter %s into a closed pipe exits 0 without an EPIPE stack trace",
    async (...args) => {
      const proc = spawn(process.execPath, [entry, ...args], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      });
      // The reader goes away before the command has written anything (it takes a moment to start).
      proc.stdout.destroy();
      let stderr = "";
      proc.stderr.on("data", (d: Buffer) => {
        stderr += d;
      });
      const code = await new Promise<number | null>((resolve) => proc.on("close", resolve));
      expect(stderr).not.toMatch(/EPIPE|Unhandled 'error' event/);
      expect(code).toBe(0);
    },
    120_000,
  );
});
