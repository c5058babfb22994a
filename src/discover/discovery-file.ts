/**
 * Reads a discovery file for the concentration report: the output of `discover --json` (one object,
 * `{domains, components}`, whose domains carry no components of their own) or a `--cache` file (one
 * `{domain, results}` per line), or one made by hand or by another tool. Only what the model needs is
 * required (each domain's name and requires); the rest defaults to empty. Pure: takes the text, returns
 * results or throws a SourceError naming the file, the line (JSON lines) and the JSON path.
 */
import * as z from "zod";
import { ID_RULE, isValidId } from "../model/ids.js";
import { formatPath, SourceError, type SourceIssue } from "../model/model-errors.js";
import type { DiscoveredComponent, DomainResult, RequireOut } from "./discovery-types.js";

const missing = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? "missing" : `expected ${expected}`;

const REQUIRE = "a component id, {id, soft: true} or {anyOf: [ids]}";

const idSchema = z
  .string({ error: missing("a component id") })
  .refine(isValidId, { error: (issue) => `invalid id "${String(issue.input)}": ${ID_RULE}` });

const requireSchema: z.ZodType<RequireOut> = z.union(
  [
    idSchema,
    z.strictObject({ id: idSchema, soft: z.literal(true) }),
    z.strictObject({ anyOf: z.array(idSchema).min(1) }),
  ],
  {
    error: (issue) =>
      typeof issue.input === "string" ? `invalid id "${issue.input}": ${ID_RULE}` : `expected ${REQUIRE}`,
  },
);

const requiresSchema = z.array(requireSchema, {
  error: missing("a list of requires (component ids, {id, soft}, {anyOf})"),
});

const componentSchema = z.object(
  {
    id: idSchema,
    kind: z.string({ error: missing("a string") }).default("provider"),
    name: z.string({ error: missing("a string") }).optional(),
    requires: requiresSchema.default([]),
  },
  { error: missing("an object {id, kind, name, requires}") },
);

const domainSchema = z.object(
  {
    domain: idSchema,
    requires: requiresSchema,
    evidence: z.array(z.unknown(), { error: missing("a list") }).default([]),
    providers: z
      .array(z.object({ id: idSchema, domain: z.string() }), { error: missing("a list") })
      .default([]),
    components: z.array(componentSchema, { error: missing("a list of components") }).default([]),
    via: idSchema.optional(),
    depth: z.number({ error: missing("a number") }).optional(),
  },
  { error: missing("an object {domain, requires, evidence}") },
);

const outputSchema = z.object(
  {
    domains: z.array(domainSchema, { error: missing("a list of domains") }),
    components: z.array(componentSchema, { error: missing("a list of components") }).default([]),
  },
  { error: missing("an object {domains, components}") },
);

const cacheEntrySchema = z.object(
  {
    domain: z.string({ error: missing("a string") }),
    results: z.array(domainSchema, { error: missing("a list of results") }),
  },
  { error: missing("an object {domain, results}") },
);

export interface DiscoveryFile {
  /** Per-domain results, direct and indirect (`via`), as discovery made them. */
  results: DomainResult[];
  /** Components the file declares at its top level (a `--json` output's). */
  components: DiscoveredComponent[];
}

function componentOf(c: z.output<typeof componentSchema>): DiscoveredComponent {
  return { id: c.id, kind: c.kind, name: c.name ?? c.id, requires: c.requires };
}

function domainOf(d: z.output<typeof domainSchema>): DomainResult {
  const result: DomainResult = {
    domain: d.domain,
    requires: d.requires,
    evidence: d.evidence as DomainResult["evidence"],
    providers: d.providers,
    components: d.components.map(componentOf),
  };
  if (d.via !== undefined) result.via = d.via;
  if (d.depth !== undefined) result.depth = d.depth;
  return result;
}

function issuesOf(file: string, line: number, error: z.ZodError): SourceIssue[] {
  return error.issues.map((issue) => ({ file, line, path: formatPath(issue.path), message: issue.message }));
}

/** Parses `text`, the content of `file` (named in errors as given). */
export function parseDiscoveryFile(file: string, text: string): DiscoveryFile {
  let whole: unknown;
  let wholeError: Error | undefined;
  try {
    whole = JSON.parse(text);
  } catch (error) {
    wholeError = error as Error;
  }
  const lines = text.split("\n");
  if (wholeError === undefined) {
    // A cache of a single line is one JSON value too; it has `results` where an output has `domains`.
    const isEntry =
      typeof whole === "object" && whole !== null && "results" in whole && !("domains" in whole);
    if (!isEntry) {
      const parsed = outputSchema.safeParse(whole);
      if (!parsed.success) throw new SourceError(issuesOf(file, 0, parsed.error));
      return {
        results: parsed.data.domains.map(domainOf),
        components: parsed.data.components.map(componentOf),
      };
    }
  } else if (lines.filter((l) => l.trim() !== "").length <= 1)
    throw new SourceError([{ file, line: 0, path: "", message: `not JSON (${wholeError.message})` }]);
  return parseCache(file, lines);
}

/**
 * JSON lines, later entries for a domain replacing earlier ones. A line that is no JSON is skipped, as
 * `discover --cache` does when it resumes (a run killed mid-write leaves one, and that domain is
 * discovered again further down); a line that is JSON but not an entry is an error.
 */
function parseCache(file: string, lines: string[]): DiscoveryFile {
  const byDomain = new Map<string, DomainResult[]>();
  const issues: SourceIssue[] = [];
  let json = 0;
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    json++;
    const parsed = cacheEntrySchema.safeParse(value);
    if (!parsed.success) issues.push(...issuesOf(file, i + 1, parsed.error));
    else byDomain.set(parsed.data.domain, parsed.data.results.map(domainOf));
  });
  if (json === 0) issues.push({ file, line: 0, path: "", message: "not discovery output: no line is JSON" });
  if (issues.length > 0) throw new SourceError(issues);
  return { results: [...byDomain.values()].flat(), components: [] };
}
