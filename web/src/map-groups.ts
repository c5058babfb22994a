/**
 * The map's grouping, pure (no DOM): every component is placed in one provider group and, when it runs in a
 * region, that provider's region group; a group is drawn collapsed (one node with a count and its worst state)
 * unless expanded, and the dependencies between what is drawn are bundled into one edge per pair with a weight.
 * So 5,000 services draw as a few dozen nodes until the reader opens the part that matters.
 */

/** One component as the map receives it; `status` is one word of STATUS_ORDER. */
export interface MapComponent {
  id: string;
  kind: string;
  label: string;
  status: string;
  /** In the current incident's blast radius (or its epicenter). */
  hit: boolean;
}

/** An edge goes from a dependent to a dependency, as /api/v1/graph gives them. */
export interface MapEdge {
  from: string;
  to: string;
}

export interface MapGroup {
  id: string;
  label: string;
  parent: string | null;
  /** Subgroups (regions of a provider), sorted by id. */
  children: string[];
  /** Components directly in this group (not in a subgroup), sorted by id. */
  members: string[];
  /** Components in this group and its subgroups. */
  count: number;
  /** The worst status among them, in STATUS_ORDER. */
  worst: string;
  /** How many of them are in the blast radius. */
  hits: number;
}

export interface MapGrouping {
  groups: Map<string, MapGroup>;
  /** Provider groups, sorted by id. */
  roots: string[];
  /** Each component's innermost group. */
  groupOf: Map<string, string>;
}

/** Least to most severe; a word not listed counts as unknown. */
export const STATUS_ORDER = ["up", "model", "unknown", "degraded", "affected", "partial", "down", "failing"];
const severity = (s: string) => {
  const i = STATUS_ORDER.indexOf(s);
  return i < 0 ? STATUS_ORDER.indexOf("unknown") : i;
};

/** Model ids are `[a-z0-9._-]` segments joined by `/` (src/model/ids.ts), so a `group:` id never collides. */
export const groupId = (key: string) => `group:${key}`;

const firstSegment = (id: string) => id.split("/")[0] || id;

/**
 * Groups components by provider and region. A provider or region is its own group's member; any other
 * component takes the region (or, failing that, the provider) of its first dependency that has one, followed
 * transitively in the order the edges list them; one with none is grouped under the first segment of its id
 * (`saas/stripe` under saas, `shop/cart` under shop).
 */
export function groupComponents(components: readonly MapComponent[], edges: readonly MapEdge[]): MapGrouping {
  const byId = new Map(components.map((c) => [c.id, c]));
  const requires = new Map<string, string[]>();
  for (const e of edges) {
    if (!byId.has(e.from) || !byId.has(e.to)) continue;
    const list = requires.get(e.from);
    if (list) list.push(e.to);
    else requires.set(e.from, [e.to]);
  }
  // Where each component sits: its region and provider ids, found once (memoised; a cycle finds nothing).
  const placed = new Map<string, { region: string | null; provider: string | null }>();
  const visiting = new Set<string>();
  const place = (id: string): { region: string | null; provider: string | null } => {
    const known = placed.get(id);
    if (known) return known;
    const c = byId.get(id)!;
    let found: { region: string | null; provider: string | null } = { region: null, provider: null };
    if (c.kind === "provider") found = { region: null, provider: id };
    else if (!visiting.has(id)) {
      visiting.add(id);
      for (const dep of requires.get(id) ?? []) {
        const p = place(dep);
        if (c.kind === "region") {
          if (p.provider) found = { region: id, provider: p.provider };
        } else if (p.region) found = p;
        else if (p.provider && !found.provider) found = p;
        if (found.region) break;
      }
      visiting.delete(id);
      if (c.kind === "region" && !found.region) found = { region: id, provider: found.provider };
    }
    placed.set(id, found);
    return found;
  };

  const groups = new Map<string, MapGroup>();
  const groupOf = new Map<string, string>();
  const ensure = (key: string, parent: string | null): MapGroup => {
    const id = groupId(key);
    let g = groups.get(id);
    if (!g) {
      g = {
        id,
        label: byId.get(key)?.label ?? key,
        parent,
        children: [],
        members: [],
        count: 0,
        worst: "up",
        hits: 0,
      };
      groups.set(id, g);
      if (parent) groups.get(parent)!.children.push(id);
    }
    return g;
  };
  for (const c of [...components].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (groupOf.has(c.id)) continue; // a repeated id counts once
    const { region, provider } = place(c.id);
    const top = ensure(provider ?? firstSegment(region ?? c.id), null);
    const home = region ? ensure(region, top.id) : top;
    home.members.push(c.id);
    groupOf.set(c.id, home.id);
    for (let g: MapGroup | undefined = home; g; g = g.parent ? groups.get(g.parent) : undefined) {
      g.count++;
      if (c.hit) g.hits++;
      if (severity(c.status) > severity(g.worst)) g.worst = STATUS_ORDER[severity(c.status)]!;
    }
  }
  for (const g of groups.values()) g.children.sort();
  const roots = [...groups.values()].filter((g) => g.parent === null).map((g) => g.id);
  return { groups, roots: roots.sort(), groupOf };
}

/** The groups a component sits in, outermost first. */
export function groupPath(grouping: MapGrouping, component: string): string[] {
  const path: string[] = [];
  for (let g = grouping.groupOf.get(component); g; g = grouping.groups.get(g)?.parent ?? undefined)
    path.unshift(g);
  return path;
}

/** What stands for a component on the map: its outermost collapsed group, or itself when all are expanded. */
export function representative(
  grouping: MapGrouping,
  expanded: ReadonlySet<string>,
  component: string,
): string {
  for (const g of groupPath(grouping, component)) if (!expanded.has(g)) return g;
  return component;
}

/** One drawn edge: every dependency between what `source` and `target` stand for, `weight` of them. */
export interface BundledEdge {
  id: string;
  source: string;
  target: string;
  weight: number;
}

/**
 * Bundles the edges between what is drawn: one edge per ordered pair of representatives, weighted by how many
 * dependencies it stands for; dependencies inside one representative are not drawn (no self-edges).
 */
export function bundleEdges(
  grouping: MapGrouping,
  expanded: ReadonlySet<string>,
  edges: readonly MapEdge[],
): BundledEdge[] {
  const out = new Map<string, BundledEdge>();
  const rep = new Map<string, string>();
  const repOf = (id: string) => {
    let r = rep.get(id);
    if (r === undefined) {
      r = representative(grouping, expanded, id);
      rep.set(id, r);
    }
    return r;
  };
  for (const e of edges) {
    if (!grouping.groupOf.has(e.from) || !grouping.groupOf.has(e.to)) continue;
    const source = repOf(e.from);
    const target = repOf(e.to);
    if (source === target) continue;
    const id = `${source}>${target}`;
    const b = out.get(id);
    if (b) b.weight++;
    else out.set(id, { id, source, target, weight: 1 });
  }
  return [...out.values()];
}

/** One drawn node: a component, a collapsed group, or an expanded group (a compound parent, no position). */
export interface DrawnNode {
  id: string;
  label: string;
  parent: string | null;
  kind: "component" | "collapsed" | "expanded";
  /** Centre of a component or collapsed group; expanded groups are sized by what they hold. */
  x: number;
  y: number;
  size: number;
}

const COMPONENT_CELL = { w: 90, h: 56 };
const GROUP_PAD = 28;

/** Diameter of a collapsed group: grows with the square root of its count, so area tracks size. */
export const collapsedSize = (count: number) => Math.min(96, 28 + 5 * Math.sqrt(count));

/**
 * What to draw for `expanded`, positioned: a group not expanded is one node; an expanded group holds its
 * subgroups and members, packed in rows (a preset layout, so thousands of components lay out in milliseconds).
 * An expanded group inside a collapsed one stays hidden.
 */
export function drawnNodes(grouping: MapGrouping, expanded: ReadonlySet<string>): DrawnNode[] {
  const out: DrawnNode[] = [];
  interface Box {
    w: number;
    h: number;
    place: (x: number, y: number) => void;
  }
  const componentBox = (id: string, parent: string): Box => ({
    ...COMPONENT_CELL,
    place: (x, y) => {
      out.push({
        id,
        label: id,
        parent,
        kind: "component",
        x: x + COMPONENT_CELL.w / 2,
        y: y + 20,
        size: 16,
      });
    },
  });
  const groupBox = (g: MapGroup): Box => {
    if (!expanded.has(g.id)) {
      const size = collapsedSize(g.count);
      const w = Math.max(size + 40, 150);
      return {
        w,
        h: size + 60,
        place: (x, y) => {
          out.push({
            id: g.id,
            label: g.label,
            parent: g.parent,
            kind: "collapsed",
            x: x + w / 2,
            y: y + size / 2 + 10,
            size,
          });
        },
      };
    }
    const inner = pack([
      ...g.children.map((c) => groupBox(grouping.groups.get(c)!)),
      ...g.members.map((m) => componentBox(m, g.id)),
    ]);
    return {
      w: inner.w + 2 * GROUP_PAD,
      h: inner.h + 2 * GROUP_PAD + 20,
      place: (x, y) => {
        out.push({ id: g.id, label: g.label, parent: g.parent, kind: "expanded", x: 0, y: 0, size: 0 });
        inner.place(x + GROUP_PAD, y + GROUP_PAD + 20);
      },
    };
  };
  const top = pack(grouping.roots.map((r) => groupBox(grouping.groups.get(r)!)));
  top.place(0, 0);
  return out;
}

/** Packs boxes in rows about as wide as the square root of their total area (a roughly square whole). */
function pack(boxes: { w: number; h: number; place: (x: number, y: number) => void }[]) {
  const area = boxes.reduce((s, b) => s + b.w * b.h, 0);
  const widest = boxes.reduce((m, b) => Math.max(m, b.w), 0);
  const target = Math.max(widest, Math.sqrt(area) * 1.3);
  const rows: { boxes: typeof boxes; h: number }[] = [];
  let row: { boxes: typeof boxes; h: number; w: number } = { boxes: [], h: 0, w: 0 };
  for (const b of boxes) {
    if (row.boxes.length > 0 && row.w + b.w > target) {
      rows.push(row);
      row = { boxes: [], h: 0, w: 0 };
    }
    row.boxes.push(b);
    row.w += b.w;
    row.h = Math.max(row.h, b.h);
  }
  if (row.boxes.length > 0) rows.push(row);
  const w = Math.max(0, ...rows.map((r) => r.boxes.reduce((s, b) => s + b.w, 0)));
  const h = rows.reduce((s, r) => s + r.h, 0);
  return {
    w,
    h,
    place: (x: number, y: number) => {
      let dy = y;
      for (const r of rows) {
        let dx = x;
        for (const b of r.boxes) {
          b.place(dx, dy);
          dx += b.w;
        }
        dy += r.h;
      }
    },
  };
}
