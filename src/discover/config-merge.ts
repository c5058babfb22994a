/**
 * Merging discovered components into an epicenter.yaml without clobbering what the user wrote: the yaml
 * Document API keeps comments, order and formatting; an existing component only gains requires it lacks,
 * and a new one is appended with a comment saying where it came from.
 */
import { isMap, isScalar, isSeq, parseDocument, type YAMLMap, YAMLSeq } from "yaml";
import type { ComponentSpec, RequireItem } from "../model/model-types.js";

function plain(item: RequireItem): unknown {
  if (item.type === "hard") return item.id;
  if (item.type === "soft") return { id: item.id, soft: true };
  if (item.type === "anyOf") return { anyOf: item.of };
  return { atLeast: item.k, of: item.of };
}

/** A canonical key of a requires entry as written (string, or a map), to tell whether it is already there. */
function keyOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (Array.isArray(o.anyOf)) return `anyOf:${[...o.anyOf].sort().join(",")}`;
    if (typeof o.id === "string") return o.soft === true ? `soft:${o.id}` : o.id;
  }
  return JSON.stringify(value);
}

export interface MergeReport {
  text: string;
  added: string[];
  extended: string[];
}

/** Returns the new file text; `text` is the current file ("" for a new file). */
export function mergeIntoConfig(
  text: string,
  components: readonly ComponentSpec[],
  note: string,
): MergeReport {
  const doc = parseDocument(text === "" ? "version: 1\ncomponents: []\n" : text);
  if (doc.errors.length > 0)
    throw new Error(`cannot merge into a file with YAML errors: ${doc.errors[0]!.message}`);
  if (doc.contents === null) doc.contents = doc.createNode({ components: [] }) as never;
  if (!isMap(doc.contents)) throw new Error("cannot merge: the file is not a YAML map of settings");
  let seq = doc.get("components");
  if (!isSeq(seq)) {
    seq = new YAMLSeq();
    doc.set("components", seq);
  }
  const list = seq as YAMLSeq;
  const existing = new Map<string, YAMLMap>();
  for (const node of list.items) {
    if (!isMap(node)) continue;
    const id = node.get("id");
    if (typeof id === "string") existing.set(id, node);
  }
  const added: string[] = [];
  const extended: string[] = [];
  for (const c of components) {
    const found = existing.get(c.id);
    if (!found) {
      const value: Record<string, unknown> = { id: c.id, kind: c.kind };
      if (c.name) value.name = c.name;
      if (c.observed) value.observed = true;
      if (c.requires.length > 0) value.requires = c.requires.map(plain);
      const node = doc.createNode(value);
      if (added.length === 0) node.commentBefore = ` ${note}`;
      list.add(node);
      added.push(c.id);
      continue;
    }
    let requires = found.get("requires");
    if (requires === undefined || (isScalar(requires) && requires.value === null)) {
      requires = new YAMLSeq();
      found.set("requires", requires);
    }
    if (!isSeq(requires)) continue;
    const have = new Set((requires as YAMLSeq).items.map((n) => keyOf(doc.createNode(n).toJSON())));
    const fresh = c.requires.map(plain).filter((r) => !have.has(keyOf(r)));
    for (const r of fresh) (requires as YAMLSeq).add(doc.createNode(r));
    if (fresh.length > 0) extended.push(c.id);
  }
  return { text: doc.toString(), added, extended };
}
