/**
 * `epicenter model suggest`: the dependencies the model probably lacks, as the hub learned them from outages
 * (components that failed and recovered with a cause they have no known path to), read from the hub's store;
 * with --write, the accepted ones merged into a config as `requires` (comments and formatting kept, by the
 * same merge discovery's --write uses).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { mergeIntoConfig } from "../discover/config-merge.js";
import type { SuspectedDependency } from "../localize/suspected-dependencies.js";
import { pairsFromEvidence } from "../localize/suspected-evidence.js";
import { dependenciesOf, type Graph } from "../model/graph.js";
import type { ComponentSpec } from "../model/model-types.js";
import { renderSuspected } from "../server/suspected-routes.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { StoreError } from "../store/store-errors.js";
import { type CliIo, UsageError } from "./io.js";
import { loadCliModel } from "./model-option.js";
import { formatTable } from "./table-format.js";
import { DEFAULT_DATA_DIR } from "./token-command.js";

/** Pairs scoring under this are listed only when asked for and never written (one aligned incident: 0.75). */
const DEFAULT_MIN_SCORE = 0.75;

const modelHelp = `epicenter model suggest [--config F] [--data DIR] [--json] [--min-score S] [--write F]

Dependencies your model probably lacks, learned by the hub from outages: a component that failed (and
recovered) together with a cause it has no known path to probably requires it. Each pair has a score,
1 - 2^-(onsets + recoveries): one incident in which it failed and recovered with the cause scores 0.75, two 0.94.
  --config F     the model to compare with: pairs it already has (a path from the component to the cause)
                 are marked and not written (default ./epicenter.yaml when it exists)
  --data DIR     the hub's data directory (default ./${DEFAULT_DATA_DIR}); EPICENTER_DATABASE_URL, when set,
                 selects PostgreSQL instead
  --min-score S  list and write only pairs scoring at least S, 0 to 1 (default ${DEFAULT_MIN_SCORE})
  --write F      merge them into config F as requires of each component (comments, order and your entries
                 kept; a component F lacks is added; an edge already there is not repeated)
  --json         machine-readable output`;

const OPTIONS = {
  config: { type: "string" },
  data: { type: "string" },
  json: { type: "boolean" },
  "min-score": { type: "string" },
  write: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function modelCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const [action, ...rest] = positionals;
  if (values.help || action === undefined) {
    io.out(modelHelp);
    return values.help ? 0 : 2;
  }
  if (action !== "suggest") throw new UsageError(`unknown action "${action}": use suggest\n\n${modelHelp}`);
  if (rest.length > 0) throw new UsageError(`unexpected "${rest[0]}"`);
  const minScore = parseMinScore(values["min-score"]);
  // The model to compare with: the given config, else ./epicenter.yaml when there is one.
  const graph =
    values.config !== undefined || existsSync(resolve(io.cwd, "epicenter.yaml"))
      ? loadCliModel(io, values.config).graph
      : null;

  // A store that cannot be opened is a StoreError: run() prints it and exits 3. This command only reads: a
  // SQLite file that is not there is a mistyped --data (opening it would make an empty store and say so
  // little as "nothing learned yet").
  const dataDir = resolve(io.cwd, values.data ?? DEFAULT_DATA_DIR);
  if (!io.env.EPICENTER_DATABASE_URL && !existsSync(join(dataDir, "epicenter.db")))
    throw new StoreError(
      "E_STORE_OPEN",
      `no hub data in ${dataDir} (no epicenter.db there): pass --data with the directory epicenter serve uses, or set EPICENTER_DATABASE_URL`,
    );
  const store: Store = await openStore({ dataDir, env: io.env });
  let all: SuspectedDependency[];
  let known: ComponentSpec[];
  try {
    all = pairsFromEvidence(await store.listSuspectedEvidence());
    known = ((await store.latestModelSnapshot())?.model as ComponentSpec[] | undefined) ?? [];
  } finally {
    await store.close();
  }
  const listed = all.filter((p) => p.score >= minScore);
  const inModel = (p: SuspectedDependency) => graph !== null && hasPath(graph, p.component, p.cause);
  const accepted = listed.filter((p) => !inModel(p));

  if (values.write !== undefined) {
    try {
      writeSuggestions(io, values.write, accepted, known);
    } catch (error) {
      // mergeIntoConfig refuses a file with YAML errors or one that is no map of settings.
      io.err(`epicenter model: ${values.write}: ${(error as Error).message}`);
      return 1;
    }
  }
  if (values.json) {
    io.out(
      JSON.stringify({ suspected: listed.map((p) => ({ ...renderSuspected(p), inModel: inModel(p) })) }),
    );
    return 0;
  }
  io.out(renderSuggestions(listed, inModel, all.length - listed.length, minScore));
  return 0;
}

function parseMinScore(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MIN_SCORE;
  const n = /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 0 && n <= 1))
    throw new UsageError(`--min-score "${text}": give a number from 0 to 1, like 0.75`);
  return n;
}

/** Whether the model already has a path from `component` to `cause` (then the suggestion is no news). */
function hasPath(g: Graph, component: string, cause: string): boolean {
  const from = g.index.get(component);
  const to = g.index.get(cause);
  if (from === undefined || to === undefined) return false;
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length > 0) {
    for (const d of dependenciesOf(g, todo.pop()!)) {
      if (d === to) return true;
      if (!seen.has(d)) {
        seen.add(d);
        todo.push(d);
      }
    }
  }
  return false;
}

function renderSuggestions(
  pairs: readonly SuspectedDependency[],
  inModel: (p: SuspectedDependency) => boolean,
  below: number,
  minScore: number,
): string {
  const more = below > 0 ? [`${below} more below score ${minScore} (--min-score 0 lists them)`] : [];
  if (pairs.length === 0)
    return [
      "No suspected dependencies yet: the hub records one when a component fails with a cause it has no known path to.",
      ...more,
    ].join("\n");
  const rows = [
    ["COMPONENT", "", "CAUSE", "SCORE", "INCIDENTS", ""],
    ...pairs.map((p) => [
      p.component,
      "probably requires",
      p.cause,
      p.score.toFixed(3),
      String(p.incidents.length),
      inModel(p) ? "(already in the model)" : "",
    ]),
  ];
  return [...formatTable(rows, ["left", "left", "left", "right", "right", "left"]), ...more].join("\n");
}

/** Merges the pairs into `file` as hard requires of their components; writes nothing when nothing is new. */
function writeSuggestions(
  io: CliIo,
  file: string,
  pairs: readonly SuspectedDependency[],
  known: readonly ComponentSpec[],
): void {
  const byComponent = new Map<string, ComponentSpec>();
  const kinds = new Map(known.map((c) => [c.id, c]));
  for (const p of pairs) {
    let c = byComponent.get(p.component);
    if (!c) {
      const k = kinds.get(p.component);
      c = {
        id: p.component,
        kind: k?.kind ?? "service",
        ...(k?.name ? { name: k.name } : {}),
        observed: false,
        requires: [],
      };
      byComponent.set(p.component, c);
    }
    c.requires.push({ type: "hard", id: p.cause, hidden: false });
  }
  const path = resolve(io.cwd, file);
  const before = existsSync(path) ? readFileSync(path, "utf8") : "";
  const merged = mergeIntoConfig(
    before,
    [...byComponent.values()],
    `suggested by epicenter model suggest on ${new Date().toISOString().slice(0, 10)} (failed with these causes in outages): review before relying on it`,
  );
  if (merged.added.length + merged.extended.length === 0) {
    io.err(`${file}: nothing to add (every suggested dependency is there already)`);
    return;
  }
  writeFileSync(path, merged.text);
  io.err(
    `${file}: ${merged.extended.length} components gained requires, ${merged.added.length} added (existing entries kept)`,
  );
}
