/**
 * The layering of src/ (docs/architecture.md), enforced: no file-level import cycle, no folder importing a
 * folder above it, and no `node:` module or driver in the pure folders. Imports are read with a regex over
 * the import/export lines (type-only imports count: a type cycle is still two files that need each other).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** Bottom first. A folder may import its own layer and those below; folder cycles are refused anyway. */
const LAYERS: readonly (readonly string[])[] = [
  ["model"],
  ["catalog", "simulate", "localize", "whatif", "replay"],
  ["store", "probe", "notify", "bus", "discover", "import"],
  ["hub"],
  ["server"],
  ["config"],
  ["demo"],
  ["cli"],
];

/** Folders with no I/O: no `node:` module, no database, bus or HTTP client. */
const PURE = ["model", "catalog", "localize", "whatif", "simulate", "import"];
const DRIVERS = /^(node:|pg$|pg\/|better-sqlite3|@nats-io\/|undici)/;
/** Declared adapters inside pure folders, each with its reason. */
const ADAPTERS: Record<string, string> = {
  "simulate/recorded.ts": "reads a scenario's recorded observations file (JSON Lines)",
};

const SRC = fileURLToPath(new URL("../src/", import.meta.url));
const IMPORT =
  /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm;

interface Source {
  /** Path under src/, e.g. `model/graph.ts`. */
  file: string;
  folder: string;
  /** Specifiers as written. */
  specifiers: string[];
  /** Files under src/ it imports. */
  imports: string[];
}

function sources(): Source[] {
  const files = (readdirSync(SRC, { recursive: true }) as string[])
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith(".d.ts"))
    .map((f) => f.split("\\").join("/"))
    .sort();
  return files.map((file) => {
    const text = readFileSync(join(SRC, file), "utf8");
    const specifiers = [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
    const imports = specifiers
      .filter((s) => s.startsWith("."))
      .map((s) => relative(SRC, resolve(dirname(join(SRC, file)), s)).replace(/\.js$/, ".ts"))
      .map((f) => f.split("\\").join("/"));
    return { file, folder: file.split("/")[0]!, specifiers, imports };
  });
}

/** Every strongly connected component with more than one node (or a self-loop), each as one cycle path. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const members: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      members.push(w);
    } while (w !== v);
    if (members.length > 1 || graph.get(v)?.includes(v)) found.push(cyclePath(graph, new Set(members), v));
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** One concrete cycle through `start` inside its component (breadth first, so the shortest), closed. */
function cyclePath(graph: Map<string, string[]>, members: Set<string>, start: string): string[] {
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = from.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

const all = sources();
const rank = new Map(LAYERS.flatMap((layer, i) => layer.map((folder) => [folder, i] as const)));

describe("layering of src/", () => {
  it("declares every folder in one layer", () => {
    const folders = [...new Set(all.map((s) => s.folder))].filter((f) => !f.endsWith(".ts"));
    expect(folders.filter((f) => !rank.has(f))).toEqual([]);
  });

  it("has no file that imports a file importing it back (no cycle at all)", () => {
    const graph = new Map(all.map((s) => [s.file, s.imports]));
    expect(cycles(graph).map((c) => c.join(" → "))).toEqual([]);
  });

  it("has no folder cycle", () => {
    const graph = new Map<string, string[]>();
    for (const s of all)
      for (const target of s.imports) {
        const folder = target.split("/")[0]!;
        if (folder !== s.folder) graph.set(s.folder, [...(graph.get(s.folder) ?? []), folder]);
        else graph.set(s.folder, graph.get(s.folder) ?? []);
      }
    expect(cycles(graph).map((c) => c.join(" → "))).toEqual([]);
  });

  it("has no folder importing a folder above it", () => {
    const upward = all.flatMap((s) =>
      s.imports
        .filter((target) => (rank.get(target.split("/")[0]!) ?? -1) > (rank.get(s.folder) ?? -1))
        .map((target) => `src/${s.file} imports src/${target}`),
    );
    expect(upward).toEqual([]);
  });

  it("keeps node: modules and drivers out of the pure folders", () => {
    const impure = all
      .filter((s) => PURE.includes(s.folder) && ADAPTERS[s.file] === undefined)
      .flatMap((s) => s.specifiers.filter((x) => DRIVERS.test(x)).map((x) => `src/${s.file} imports ${x}`));
    expect(impure).toEqual([]);
  });

  it("finds the imports it judges (the regex still reads this codebase's style)", () => {
    const graph = all.find((s) => s.file === "model/graph.ts");
    expect(graph?.imports.length).toBeGreaterThan(0);
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
          ["d", ["a"]],
        ]),
      ),
    ).toEqual([["a", "b", "c", "a"]]);
  });
});
