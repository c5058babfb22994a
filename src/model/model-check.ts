/** Checks a model beyond its syntax: unknown and duplicate ids, quorum sizes, cycles. Pure. */
import { closestId } from "./ids.js";
import { type ComponentSpec, itemMembers } from "./model-types.js";

export interface ModelProblem {
  /** Path relative to the component list, e.g. `[3, "requires", 1]`. */
  path: (string | number)[];
  message: string;
}

/**
 * Every problem in `components`, in file order. `position[i]` maps component i to its index in the file's
 * list (components merged from a catalog have none and are reported by id).
 */
export function checkModel(
  components: ReadonlyArray<ComponentSpec>,
  reservedIds: Iterable<string> = [],
): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const index = new Map<string, number>();
  const reserved = new Set(reservedIds);
  components.forEach((c, i) => {
    if (index.has(c.id)) {
      problems.push({
        path: [i, "id"],
        message: `duplicate id "${c.id}" (first declared at [${index.get(c.id)}])`,
      });
    } else if (reserved.has(c.id)) {
      problems.push({
        path: [i, "id"],
        message: `id "${c.id}" is already a vantage; ids share one namespace`,
      });
    } else {
      index.set(c.id, i);
    }
  });
  components.forEach((c, i) => {
    c.requires.forEach((item, j) => {
      if (item.type === "atLeast" && item.k > item.of.length) {
        problems.push({
          path: [i, "requires", j, "atLeast"],
          message: `atLeast ${item.k} of ${item.of.length} members can never hold; k must be between 1 and ${item.of.length}`,
        });
      }
      const members = itemMembers(item);
      members.forEach((id, m) => {
        if (index.has(id)) return;
        const path: (string | number)[] =
          item.type === "hard" || item.type === "soft"
            ? [i, "requires", j]
            : [i, "requires", j, item.type === "anyOf" ? "anyOf" : "of", m];
        const hint = closestId(id, index.keys());
        const why = reserved.has(id)
          ? " (that is a vantage, not a component)"
          : hint
            ? `; did you mean "${hint}"?`
            : "";
        problems.push({ path, message: `unknown component "${id}"${why}` });
      });
    });
  });
  problems.push(...findCycles(components, index));
  return problems;
}

/** One problem per cycle found, printing the cycle (`a → b → a`). Iterative DFS: models can be deep. */
function findCycles(components: ReadonlyArray<ComponentSpec>, index: Map<string, number>): ModelProblem[] {
  const n = components.length;
  const color = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const problems: ModelProblem[] = [];
  const deps = (i: number) => {
    const out: number[] = [];
    for (const item of components[i]!.requires)
      for (const id of itemMembers(item)) {
        const j = index.get(id);
        if (j !== undefined) out.push(j);
      }
    return out;
  };
  for (let root = 0; root < n; root++) {
    if (color[root] !== 0) continue;
    const stack: { node: number; next: number[]; at: number }[] = [{ node: root, next: deps(root), at: 0 }];
    color[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.at >= top.next.length) {
        color[top.node] = 2;
        stack.pop();
        continue;
      }
      const child = top.next[top.at++]!;
      if (color[child] === 1) {
        const from = stack.findIndex((f) => f.node === child);
        const cycle = stack.slice(from).map((f) => components[f.node]!.id);
        cycle.push(components[child]!.id);
        problems.push({ path: [child, "requires"], message: `dependency cycle: ${cycle.join(" → ")}` });
      } else if (color[child] === 0) {
        color[child] = 1;
        stack.push({ node: child, next: deps(child), at: 0 });
      }
    }
  }
  return problems;
}
