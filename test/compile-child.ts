/**
 * Compiles one source file's import closure with tsc into node_modules/.cache/<name>, for tests whose child
 * processes are plain Node without a TypeScript loader. Returns the output folder (mirrors the repository).
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export function compileForChild(name: string, entry: string): string {
  const out = join(root, "node_modules", ".cache", name);
  rmSync(out, { recursive: true, force: true });
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const flags = ["--outDir", out, "--rootDir", root, "--strict", "--module", "NodeNext"];
  flags.push("--moduleResolution", "NodeNext", "--target", "ES2022", "--skipLibCheck", "--types", "node");
  execFileSync(process.execPath, [tsc, ...flags, entry], { cwd: root, stdio: "pipe" });
  return out;
}
