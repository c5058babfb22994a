/**
 * The model compiled into flat typed arrays: the shape every hot path (propagation, what-if, the localizer,
 * the simulator) walks. Pure; built once per model.
 */
import type { Model, RequireItem } from "./model-types.js";

export const HARD = 0;
export const SOFT = 1;
export const ANY_OF = 2;
export const AT_LEAST = 3;

export interface Graph {
  size: number;
  ids: string[];
  index: Map<string, number>;
  kind: string[];
  name: (string | undefined)[];
  observed: Uint8Array;
  /** Items of component c are itemStart[c] .. itemStart[c+1]-1. */
  itemStart: Int32Array;
  itemType: Uint8Array;
  /** k of an atLeast item; 1 for anyOf; unused otherwise. */
  itemK: Int32Array;
  /** The item's 0-based position in the component's `requires` as written (hidden items included). */
  itemPos: Int32Array;
  itemOwner: Int32Array;
  /** Members (slots) of item i are memberStart[i] .. memberStart[i+1]-1; a slot is one dependency edge. */
  memberStart: Int32Array;
  members: Int32Array;
  slotItem: Int32Array;
  /** Reverse edges: the slots naming component c are depSlots[depStart[c] .. depStart[c+1]-1]. */
  depStart: Int32Array;
  depSlots: Int32Array;
  /** Dependencies before dependents. */
  topo: Int32Array;
  rank: Int32Array;
}

export interface CompileOptions {
  /** Keep `hidden` items (the world's truth); the localizer's model leaves them out. */
  includeHidden: boolean;
}

const TYPE_CODE: Record<RequireItem["type"], number> = {
  hard: HARD,
  soft: SOFT,
  anyOf: ANY_OF,
  atLeast: AT_LEAST,
};

/** Compiles a checked model (ids unique, references resolved, acyclic). */
export function compileGraph(model: Model, options: CompileOptions): Graph {
  const comps = model.components;
  const n = comps.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(comps[i]!.id, i);
  let itemCount = 0;
  let slotCount = 0;
  for (const c of comps)
    for (const item of c.requires) {
      if (item.hidden && !options.includeHidden) continue;
      itemCount++;
      slotCount += item.type === "hard" || item.type === "soft" ? 1 : item.of.length;
    }
  const itemStart = new Int32Array(n + 1);
  const itemType = new Uint8Array(itemCount);
  const itemK = new Int32Array(itemCount);
  const itemPos = new Int32Array(itemCount);
  const itemOwner = new Int32Array(itemCount);
  const memberStart = new Int32Array(itemCount + 1);
  const members = new Int32Array(slotCount);
  const slotItem = new Int32Array(slotCount);
  const observed = new Uint8Array(n);
  let it = 0;
  let sl = 0;
  for (let c = 0; c < n; c++) {
    const spec = comps[c]!;
    observed[c] = spec.observed ? 1 : 0;
    itemStart[c] = it;
    spec.requires.forEach((item, pos) => {
      if (item.hidden && !options.includeHidden) return;
      itemType[it] = TYPE_CODE[item.type];
      itemK[it] = item.type === "atLeast" ? item.k : 1;
      itemPos[it] = pos;
      itemOwner[it] = c;
      memberStart[it] = sl;
      const ids = item.type === "hard" || item.type === "soft" ? [item.id] : item.of;
      for (const id of ids) {
        const target = index.get(id);
        if (target === undefined)
          throw new Error(`compileGraph: unresolved id "${id}" in ${spec.id}; check the model first`);
        members[sl] = target;
        slotItem[sl] = it;
        sl++;
      }
      it++;
    });
  }
  itemStart[n] = it;
  memberStart[it] = sl;

  const depStart = new Int32Array(n + 1);
  for (let s = 0; s < slotCount; s++) depStart[members[s]! + 1]!++;
  for (let c = 0; c < n; c++) depStart[c + 1]! += depStart[c]!;
  const fill = depStart.slice(0, n);
  const depSlots = new Int32Array(slotCount);
  for (let s = 0; s < slotCount; s++) depSlots[fill[members[s]!]!++] = s;

  // Kahn's algorithm: a component comes after everything it requires.
  const pending = new Int32Array(n);
  for (let c = 0; c < n; c++) pending[c] = memberStart[itemStart[c + 1]!]! - memberStart[itemStart[c]!]!;
  const topo = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let c = 0; c < n; c++) if (pending[c] === 0) topo[tail++] = c;
  while (head < tail) {
    const c = topo[head++]!;
    for (let d = depStart[c]!; d < depStart[c + 1]!; d++) {
      const owner = itemOwner[slotItem[depSlots[d]!]!]!;
      if (--pending[owner]! === 0) topo[tail++] = owner;
    }
  }
  if (tail !== n) throw new Error("compileGraph: the model has a cycle; check the model first");
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[topo[r]!] = r;

  return {
    size: n,
    ids: comps.map((c) => c.id),
    index,
    kind: comps.map((c) => c.kind),
    name: comps.map((c) => c.name),
    observed,
    itemStart,
    itemType,
    itemK,
    itemPos,
    itemOwner,
    memberStart,
    members,
    slotItem,
    depStart,
    depSlots,
    topo,
    rank,
  };
}

/** Components c directly requires (each once). */
export function dependenciesOf(g: Graph, c: number): number[] {
  const out = new Set<number>();
  for (let s = g.memberStart[g.itemStart[c]!]!; s < g.memberStart[g.itemStart[c + 1]!]!; s++)
    out.add(g.members[s]!);
  return [...out];
}
