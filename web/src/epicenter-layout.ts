/**
 * The epicenter view's layout (pure): the named cause at the centre, its blast radius in rings along the
 * dependency path (each unobserved component at its distance from the cause, the user's monitored services
 * outermost), each node sized by how many of those services depend on the cause through it.
 */

/** What the layout reads of the model: GET /api/v1/graph's nodes and edges (an edge: dependent → dependency). */
export interface LayoutModel {
  nodes: readonly { id: string; name: string | null; observed: boolean }[];
  edges: readonly { from: string; to: string }[];
}

export interface LayoutInput {
  cause: string;
  /** Everything the cause takes down or degrades, and what the incident lists as affected. */
  blast: ReadonlySet<string>;
  model: LayoutModel;
  /** Runners-up of the ranking, drawn apart and faint. */
  runnersUp: readonly { component: string; confidence: number }[];
  /** How bad each is, smaller worse: which nodes a full ring keeps. */
  severity: (id: string) => number;
  /** Nodes a ring shows at most (the rest are counted). */
  maxPerRing?: { inner: number; outer: number };
}

export interface LaidNode {
  id: string;
  /** The id, or its tail below the cause (`dynamodb` under `aws/us-east-1`). */
  label: string;
  ring: number;
  x: number;
  y: number;
  /** Radians from the top, clockwise. */
  angle: number;
  r: number;
  /** Monitored services in the blast radius that depend on the cause through it (itself counted). */
  carries: number;
  observed: boolean;
}

export interface LaidLink {
  from: string;
  to: string;
  carries: number;
  /** No path in the model: affected with the cause through a dependency the model lacks. */
  suspected: boolean;
}

export interface EpicenterLayout {
  size: number;
  centre: number;
  radii: number[];
  nodes: LaidNode[];
  links: LaidLink[];
  /** Nodes left out of each ring for room. */
  hidden: number[];
  runnersUp: { id: string; confidence: number; inBlast: boolean }[];
}

/** Space per node along an inner ring (horizontal labels) and along the outer one (labels along the radius). */
const INNER_SPACING = 96;
const OUTER_SPACING = 17;
const RING_STEP = 120;
/** Room past the outer ring for its labels. */
const LABEL_ROOM = 190;

export function nodeRadius(carries: number, cause: boolean): number {
  return cause ? 30 : Math.min(24, 6 + 3 * Math.sqrt(carries));
}

export function layoutEpicenter(input: LayoutInput): EpicenterLayout {
  const { cause, model } = input;
  const max = input.maxPerRing ?? { inner: 24, outer: 60 };
  const spec = new Map(model.nodes.map((n) => [n.id, n]));
  const inBlast = (id: string) => id === cause || input.blast.has(id);
  const dependents = new Map<string, string[]>();
  const dependencies = new Map<string, string[]>();
  for (const e of model.edges) {
    if (!inBlast(e.from) || !inBlast(e.to)) continue;
    (dependents.get(e.to) ?? dependents.set(e.to, []).get(e.to)!).push(e.from);
    (dependencies.get(e.from) ?? dependencies.set(e.from, []).get(e.from)!).push(e.to);
  }
  // Distance from the cause along dependents, inside the blast radius.
  const depth = new Map<string, number>([[cause, 0]]);
  const queue = [cause];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const d of dependents.get(id) ?? [])
      if (!depth.has(d)) {
        depth.set(d, depth.get(id)! + 1);
        queue.push(d);
      }
  }
  const observed = (id: string) => spec.get(id)?.observed === true;
  const members = [...new Set([cause, ...input.blast])].filter((id) => spec.has(id));
  let deepest = 0;
  for (const id of members)
    if (id !== cause && !observed(id)) deepest = Math.max(deepest, depth.get(id) ?? 1);
  const outer = members.some((id) => id !== cause && observed(id)) ? deepest + 1 : deepest;
  const ringOf = (id: string) => (id === cause ? 0 : observed(id) ? outer : (depth.get(id) ?? 1));

  // Services carried: the monitored members reachable from each node along dependents (itself included).
  const carried = new Map<string, Set<string>>();
  // Memoized along the DAG; `open` holds the path being walked, so a cycle (which the model refuses) cannot loop.
  const open = new Set<string>();
  const carriedBy = (id: string): Set<string> => {
    const known = carried.get(id);
    if (known) return known;
    const out = new Set<string>(observed(id) ? [id] : []);
    open.add(id);
    for (const d of dependents.get(id) ?? []) if (!open.has(d)) for (const s of carriedBy(d)) out.add(s);
    open.delete(id);
    carried.set(id, out);
    return out;
  };
  const carries = (id: string) => carriedBy(id).size;
  // Affected without a path from the cause count for the cause too: the view shows them hanging from it.
  const centreCarries = members.filter((id) => id !== cause && observed(id)).length;

  const rings: string[][] = Array.from({ length: outer + 1 }, () => []);
  for (const id of members) rings[ringOf(id)]!.push(id);
  const hidden = rings.map(() => 0);
  for (const [k, ids] of rings.entries()) {
    const limit = k === outer && outer > 0 ? max.outer : max.inner;
    ids.sort((a, b) => input.severity(a) - input.severity(b) || carries(b) - carries(a) || (a < b ? -1 : 1));
    if (ids.length > limit) {
      hidden[k] = ids.length - limit;
      ids.length = limit;
    }
  }

  // Radii: a fixed step, widened where a ring needs the room for its nodes.
  const radii = [0];
  for (let k = 1; k <= outer; k++) {
    const spacing = k === outer ? OUTER_SPACING : INNER_SPACING;
    radii.push(
      Math.max(
        radii[k - 1]! + RING_STEP,
        ((rings[k]!.length + (hidden[k]! > 0 ? 1 : 0)) * spacing) / (2 * Math.PI),
      ),
    );
  }
  const size = Math.ceil(2 * ((radii[outer] ?? 0) + LABEL_ROOM));
  const centre = size / 2;

  // Angles ring by ring: each node near the mean angle of what it depends on, then spread evenly in that order.
  // The cause has no angle: what hangs from it alone is spread by id.
  const angle = new Map<string, number>();
  const nodes: LaidNode[] = [];
  const place = (id: string, ring: number, turn: number) => {
    const a = ((turn % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
    angle.set(id, a);
    const r = radii[ring]!;
    nodes.push({
      id,
      label: label(id, cause),
      ring,
      x: centre + r * Math.sin(a),
      y: centre - r * Math.cos(a),
      angle: a,
      r: nodeRadius(id === cause ? centreCarries : carries(id), id === cause),
      carries: id === cause ? centreCarries : carries(id),
      observed: observed(id),
    });
  };
  place(cause, 0, 0);
  angle.delete(cause);
  for (let k = 1; k <= outer; k++) {
    const ids = rings[k]!;
    // Rounded: equal means summed in another order must sort alike (then by id).
    const wanted = new Map(
      ids.map((id) => {
        const w = meanAngle(dependencies.get(id) ?? [], angle);
        return [id, w === undefined ? undefined : Math.round(w * 1e9) / 1e9];
      }),
    );
    const key = (id: string) => wanted.get(id) ?? Number.POSITIVE_INFINITY;
    ids.sort((a, b) => key(a) - key(b) || (a < b ? -1 : 1));
    // One slot more for the "+N more" note of a full ring.
    const slots = ids.length + (hidden[k]! > 0 ? 1 : 0);
    const step = (2 * Math.PI) / Math.max(1, slots);
    // The turn of the whole ring that keeps nodes nearest their wanted angles (a circular mean of the gaps).
    const gaps = ids.flatMap((id, i) => {
      const w = wanted.get(id);
      return w === undefined ? [] : [w - i * step];
    });
    const offset = gaps.length > 0 ? circularMean(gaps) : 0;
    ids.forEach((id, i) => {
      place(id, k, offset + i * step);
    });
  }

  const shown = new Set(nodes.map((n) => n.id));
  const links: LaidLink[] = [];
  for (const n of nodes) {
    if (n.id === cause) continue;
    const drawn = (dependencies.get(n.id) ?? []).filter((d) => shown.has(d));
    const below = drawn.filter((d) => ringOf(d) < n.ring);
    if (drawn.length === 0 && !depth.has(n.id)) {
      links.push({ from: n.id, to: cause, carries: n.carries, suspected: true });
      continue;
    }
    // Inward where it can; a service hit only through another of your services links to it along the ring.
    for (const d of below.length > 0 ? below : drawn)
      links.push({ from: n.id, to: d, carries: n.carries, suspected: false });
  }
  return {
    size,
    centre,
    radii,
    nodes,
    links,
    hidden,
    runnersUp: input.runnersUp.map((r) => ({
      id: r.component,
      confidence: r.confidence,
      inBlast: shown.has(r.component),
    })),
  };
}

/** The circular mean of the placed dependencies' angles, or undefined when none is placed. */
function meanAngle(deps: readonly string[], angle: Map<string, number>): number | undefined {
  const placed = deps.flatMap((d) => {
    const a = angle.get(d);
    return a === undefined ? [] : [a];
  });
  return placed.length > 0 ? circularMean(placed) : undefined;
}

/** The mean of angles on the circle, in [0, 2π). */
function circularMean(angles: readonly number[]): number {
  let x = 0;
  let y = 0;
  for (const a of angles) {
    x += Math.sin(a);
    y += Math.cos(a);
  }
  const a = Math.atan2(x, y);
  return a < 0 ? a + 2 * Math.PI : a;
}

function label(id: string, cause: string): string {
  return id.startsWith(`${cause}/`) ? id.slice(cause.length + 1) : id;
}
