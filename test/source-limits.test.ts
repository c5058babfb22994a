/**
 * Hostile config and scenario files (issue 13, item 9): an alias bomb ("billion laughs") and a file too large
 * to parse are invalid files like any other — `file:line` (or the file) and exit 1 from validate, replay and
 * serve, never a stack trace and exit 70.
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../src/cli/run.js";
import { MAX_SOURCE_BYTES } from "../src/config/source-file.js";
import { captureIo } from "./capture-io.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "epicenter-limits-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Nine levels of nine aliases: ~4·10^8 nodes if expanded. */
function bomb(head: string): string {
  const levels = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
  const lines = [head, `${levels[0]}: &${levels[0]} [${Array(9).fill('"lol"').join(",")}]`];
  for (let i = 1; i < levels.length; i++)
    lines.push(
      `${levels[i]}: &${levels[i]} [${Array(9)
        .fill(`*${levels[i - 1]}`)
        .join(",")}]`,
    );
  return `${lines.join("\n")}\n`;
}

/** A file of `bytes` bytes without writing them: a sparse file, so the test costs no disk or time. */
function sparse(name: string, bytes: number): string {
  const file = join(dir, name);
  const fd = openSync(file, "w");
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return file;
}

const commands = (file: string): string[][] => [
  ["validate", file],
  ["serve", "--config", file, "--port", "0", "--data", dir],
];

describe("hostile source files", () => {
  it("an alias bomb in a config is refused with file:line and exit 1 by validate and serve", async () => {
    const file = join(dir, "epicenter.yaml");
    writeFileSync(file, bomb("version: 1"));
    for (const argv of commands(file)) {
      const { io, err } = captureIo(dir);
      expect(await run(argv, io), argv[0]).toBe(1);
      expect(err.join("\n")).toMatch(/epicenter\.yaml:3: YAML aliases expand too far/);
      expect(err.join("\n")).not.toMatch(/\n\s+at /);
    }
  });

  it("an alias bomb in a scenario is refused with file:line and exit 1 by replay", async () => {
    const file = join(dir, "bomb-scenario.yaml");
    writeFileSync(file, bomb("version: 1\nname: bomb"));
    const { io, err, out } = captureIo(dir);
    expect(await run(["replay", file, "--json"], io)).toBe(1);
    expect(out).toEqual([]);
    expect(err.join("\n")).toMatch(/bomb-scenario\.yaml:4: YAML aliases expand too far/);
  });

  it("a config or scenario over the size limit is refused unread, naming the file and the limit", async () => {
    const config = sparse("huge.yaml", MAX_SOURCE_BYTES + 1024 * 1024);
    for (const argv of [...commands(config), ["replay", config]]) {
      const { io, err } = captureIo(dir);
      expect(await run(argv, io), argv[0]).toBe(1);
      expect(err.join("\n")).toContain(`${config}: cannot read: 17 MiB is larger than the 16 MiB limit`);
    }
  });
});
