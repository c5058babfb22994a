/**
 * Discovery results as a model: the JSON output (domains with requires and evidence, and the components
 * to declare), and the ComponentSpecs the concentration report and --write use. Pure. An indirect edge
 * that would close a dependency cycle is left out, with a note in the evidence.
 */
import type { ComponentSpec, RequireItem } from "../model/model-types.js";
import type { DiscoveredComponent, DiscoveryOutput, DomainResult, RequireOut } from "./discovery-types.js";

function members(item: RequireOut): string[] {
  return typeof item === "string" ? [item] : "anyOf" in item ? item.anyOf : [item.id];
}

function requireItem(item: RequireOut): RequireItem {
  if (typeof item === "string") return { type: "hard", id: item, hidden: false };
  if ("anyOf" in item) return { type: "anyOf", of: [...item.anyOf], hidden: false };
  return { type: "soft", id: item.id, hidden: false };
}

function outOf(item: RequireItem): RequireOut | undefined {
  if (item.type === "hard") return item.id;
  if (item.type === "soft") return { id: item.id, soft: true };
  if (item.type === "anyOf") return { anyOf: [...item.of] };
  return undefined;
}

/**
 * Declared components for an output: discovered ones, and providers whose own DNS was found. `given` are
 * components declared already (a `--json` output read back): they come first, and a result's own
 * declaration of the same id does not replace them.
 */
export function assembleOutput(
  results: readonly DomainResult[],
  catalog: readonly ComponentSpec[],
  given: readonly DiscoveredComponent[] = [],
): DiscoveryOutput {
  const catalogById = new Map(catalog.map((c) => [c.id, c]));
  const declared = new Map<string, DiscoveredComponent>();
  const edges = new Map<string, string[]>();
  const addEdges = (id: string, items: readonly RequireOut[]) =>
    edges.set(id, [...(edges.get(id) ?? []), ...items.flatMap(members)]);
  for (const c of catalog)
    addEdges(
      c.id,
      c.requires.flatMap((r) => (r.type === "atLeast" ? r.of : (outOf(r) ?? []))),
    );
  for (const c of given)
    if (!declared.has(c.id)) {
      declared.set(c.id, { ...c, requires: [...c.requires] });
      addEdges(c.id, c.requires);
    }
  for (const r of results) {
    for (const c of r.components)
      if (!declared.has(c.id)) {
        declared.set(c.id, { ...c, requires: [...c.requires] });
        addEdges(c.id, c.requires);
      }
    if (r.via === undefined) addEdges(r.domain, r.requires);
  }
  const reaches = (from: string, to: string): boolean => {
    const stack = [from];
    const visited = new Set<string>();
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (id === to) return true;
      if (visited.has(id)) continue;
      visited.add(id);
      stack.push(...(edges.get(id) ?? []));
    }
    return false;
  };
  const domains: DomainResult[] = [];
  for (const r of results) {
    if (r.via === undefined) {
      domains.push(r);
      continue;
    }
    const provider = r.via;
    let target = declared.get(provider);
    if (!target) {
      const spec = catalogById.get(provider);
      const base = spec?.requires.map(outOf).filter((x): x is RequireOut => x !== undefined) ?? [];
      target = { id: provider, kind: spec?.kind ?? "provider", name: spec?.name ?? provider, requires: base };
    }
    const kept: RequireOut[] = [];
    const evidence = [...r.evidence];
    for (const item of r.requires) {
      if (members(item).some((m) => m === provider || reaches(m, provider))) {
        evidence.push({
          component: provider,
          record: JSON.stringify(item),
          reason: "left out: would close a cycle",
        });
        continue;
      }
      const key = JSON.stringify(item);
      if (!target.requires.some((x) => JSON.stringify(x) === key)) kept.push(item);
    }
    if (kept.length > 0) {
      target.requires.push(...kept);
      addEdges(provider, kept);
      declared.set(provider, target);
    }
    domains.push({ ...r, requires: kept, evidence });
  }
  return {
    domains: domains.map(({ providers: _p, components: _c, ...rest }) => rest as DomainResult),
    components: [...declared.values()],
  };
}

/** The output as components: each direct domain an observed service, plus the declarations. */
export function discoveryComponents(output: DiscoveryOutput): ComponentSpec[] {
  const specs: ComponentSpec[] = output.components.map((c) => ({
    id: c.id,
    kind: c.kind,
    name: c.name,
    observed: false,
    requires: c.requires.map(requireItem),
  }));
  for (const d of output.domains)
    if (d.via === undefined)
      specs.push({ id: d.domain, kind: "service", observed: true, requires: d.requires.map(requireItem) });
  return specs;
}
