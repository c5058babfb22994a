/** YAML parsing that remembers where every value came from, so errors can name a line. */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from "yaml";
import type * as z from "zod";
import { formatPath, SourceError, type SourceIssue } from "./model-errors.js";

export interface YamlSource {
  file: string;
  value: unknown;
  /** 1-based line of the value at `path`, or of its nearest ancestor found. */
  lineOf(path: ReadonlyArray<PropertyKey>): number;
  issue(path: ReadonlyArray<PropertyKey>, message: string): SourceIssue;
}

/**
 * How far one alias may expand (the yaml package's `maxAliasCount`): generous for hand-written anchors,
 * a refusal for an alias bomb, whose nine levels of nine would otherwise build ~10^9 nodes.
 */
const MAX_ALIAS_COUNT = 1000;

/** Parses YAML (or JSON) text; syntax errors become a SourceError with their lines. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SourceError(
      doc.errors.map((e) => ({
        file,
        line: lineCounter.linePos(e.pos[0]).line,
        path: "",
        message: `YAML syntax: ${e.message.split("\n")[0]}`,
      })),
    );
  }
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? 0 : lineCounter.linePos(offset).line;
  // A list or map as a key has no JavaScript form: the yaml package would stringify it and write a warning
  // to the process's stderr, so it is refused here with its line.
  const collectionKeys: SourceIssue[] = [];
  visit(doc, {
    Pair(_key, pair, ancestors) {
      if (isMap(pair.key) || isSeq(pair.key))
        collectionKeys.push({
          file,
          line: lineAt((pair.key as Node).range?.[0]) || 1,
          path: formatPath(keyPath([...ancestors, pair])),
          message: "a key must be a plain value (a name or number), not a list or map",
        });
    },
  });
  if (collectionKeys.length > 0) throw new SourceError(collectionKeys);
  const lineOf = (path: ReadonlyArray<PropertyKey>): number => {
    let node: unknown = doc.contents;
    // An empty document has no node at all: its problems are on its first line.
    let line = lineAt((node as Node | null)?.range?.[0]) || 1;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
        );
        if (!pair) return line;
        line = lineAt((pair.key as Node).range?.[0]) || line;
        node = pair.value;
        if (node && (node as Node).range) line = lineAt((node as Node).range?.[0]) || line;
      } else if (isSeq(node) && typeof seg === "number") {
        node = node.items[seg];
        if (!node) return line;
        line = lineAt((node as Node).range?.[0]) || line;
      } else {
        return line;
      }
    }
    return line;
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The yaml package refuses an alias that expands too far ("billion laughs") with a bare ReferenceError
    // and no position; the first alias is where the expansion starts, so that is the line to show.
    if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error;
    let line = 0;
    visit(doc, {
      Alias(_key, node) {
        line = lineAt(node.range?.[0]);
        return visit.BREAK;
      },
    });
    throw new SourceError(
      [
        {
          file,
          line,
          path: "",
          message: `YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} nodes each)`,
        },
      ],
      { cause: error },
    );
  }
  return {
    file,
    value,
    lineOf,
    issue: (path, message) => ({ file, line: lineOf(path), path: formatPath(path), message }),
  };
}

/** The key path of the last of `chain` (a node and its ancestors from the document down), as far as it has one. */
function keyPath(chain: readonly unknown[]): (string | number)[] {
  const path: (string | number)[] = [];
  chain.forEach((node, i) => {
    const next = chain[i + 1];
    if (isPair(node) && next !== undefined && next !== node.key && isScalar(node.key))
      path.push(String(node.key.value));
    else if (isSeq(node) && next !== undefined) path.push(node.items.indexOf(next as never));
  });
  return path;
}

/**
 * Turns zod issues into source issues with lines. For a union (like a `requires` item), reports the
 * branch the user most likely meant rather than every branch's complaint.
 */
export function zodIssues(
  source: YamlSource,
  issues: ReadonlyArray<z.core.$ZodIssue>,
  base: ReadonlyArray<PropertyKey> = [],
): SourceIssue[] {
  const out: SourceIssue[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const best = [...issue.errors].sort((a, b) => branchPenalty(a) - branchPenalty(b))[0]!;
      out.push(...zodIssues(source, best, path));
    } else if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push(source.issue([...path, key], `unknown key "${key}"`));
    } else {
      out.push(source.issue(path, plainMessage(issue)));
    }
  }
  return out;
}

function branchPenalty(branch: ReadonlyArray<z.core.$ZodIssue>): number {
  let penalty = 0;
  for (const i of branch) penalty += i.path.length === 0 && i.code === "invalid_type" ? 100 : 1;
  return penalty;
}

function plainMessage(issue: z.core.$ZodIssue): string {
  return issue.message.replace(/^Invalid input: /, "");
}

/** Throws a SourceError when `issues` is not empty. */
export function throwIfAny(issues: SourceIssue[]): void {
  if (issues.length > 0) throw new SourceError(issues);
}
