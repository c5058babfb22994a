/**
 * The dashboard takes the server's API contract as types: web/src imports src/ with `import type` (erased, so
 * neither zod nor any server module reaches the bundle), and what it does import at run time from src/ loads no
 * package and no `node:` module, however deep. Imports are read with a regex, as test/layering.test.ts does.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'"`;]*?\sfrom\s+)?["']([^"']+)["']/gm;

interface Import {
  specifier: string;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].map((m) => ({ specifier: m[3]!, typeOnly: m[2] !== undefined }));
}

/** The source file a relative specifier names (`./x.js` is `./x.ts` or `./x.tsx`). */
function target(from: string, specifier: string): string {
  const path = resolve(dirname(from), specifier).replace(/\.js$/, "");
  return existsSync(`${path}.ts`) ? `${path}.ts` : `${path}.tsx`;
}

/** Everything `file` loads at run time, transitively: each package or node: module, with the chain to it. */
function runtimeLoads(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  return importsOf(file)
    .filter((i) => !i.typeOnly)
    .flatMap((i) =>
      i.specifier.startsWith(".")
        ? runtimeLoads(target(file, i.specifier), seen).map((x) => `${relative(ROOT, file)} → ${x}`)
        : [`${relative(ROOT, file)} → ${i.specifier}`],
    );
}

const web = (readdirSync(join(ROOT, "web/src"), { recursive: true }) as string[])
  .filter((f) => /\.tsx?$/.test(f))
  .map((f) => join(ROOT, "web/src", f));

describe("the dashboard's imports of src/", () => {
  const intoSrc = web.flatMap((file) =>
    importsOf(file)
      .filter((i) => i.specifier.startsWith("../../src/"))
      .map((i) => ({ file, ...i })),
  );

  it("take the API contract's schemas as types only", () => {
    const contract = intoSrc.filter((i) => /-responses\.js$/.test(i.specifier));
    expect(contract.length).toBeGreaterThan(0);
    expect(
      contract.filter((i) => !i.typeOnly).map((i) => `${relative(ROOT, i.file)}: ${i.specifier}`),
    ).toEqual([]);
  });

  it("load no package and no node: module from src/ at run time", () => {
    const loads = intoSrc
      .filter((i) => !i.typeOnly)
      .flatMap((i) =>
        runtimeLoads(target(i.file, i.specifier)).map((x) => `${relative(ROOT, i.file)} → ${x}`),
      );
    expect(loads).toEqual([]);
  });

  it("sees a runtime load where there is one (the reader still reads this codebase)", () => {
    expect(runtimeLoads(join(ROOT, "src/server/api-responses.ts"))).toContain(
      "src/server/api-responses.ts → zod",
    );
  });
});
