/**
 * The demo's chaos: every few minutes it fails a region, a cloud service, a CDN, a DNS provider or now and then
 * blinds a vantage, for a few minutes, then restores it, one fault at a time, and says so in a line the
 * terminal prints, so the user can hold the truth against what the localizer names. The plan is a pure,
 * seeded sequence; the loop takes its clock and timer from the caller so tests run minutes in microseconds.
 */
import { compileGraph } from "../model/graph.js";
import type { ComponentSpec } from "../model/model-types.js";
import { propagateAll, UP } from "../model/propagate.js";
import { seededRandom } from "../simulate/random.js";
import { failuresInWords } from "./demo-failure-modes.js";

export type ChaosKind = "region" | "cloud-service" | "cdn" | "dns" | "vantage";

export interface ChaosTarget {
  id: string;
  kind: ChaosKind;
}

/** One fault of the plan, in ms from the start of the chaos. */
export interface ChaosStep extends ChaosTarget {
  startMs: number;
  durationMs: number;
}

export interface ChaosPlanOptions {
  seed: number;
  /** When the first fault starts (default 60 s: the first incident opens well within five minutes). */
  firstAfterMs: number;
  /** The first fault's target when it is a target (default aws/us-east-1, the story of 2021-12-07). */
  first: string;
  /** [min, max] of a fault's length (default 2 to 4 minutes) and of the quiet gap after it (1 to 3). */
  durationMs: readonly [number, number];
  gapMs: readonly [number, number];
  /** The kinds, in turn; kinds with no target are skipped. Default: the four, twice, then a vantage. */
  cycle: readonly ChaosKind[];
}

const DEFAULT_CHAOS_PLAN: ChaosPlanOptions = {
  seed: 20211207,
  firstAfterMs: 60_000,
  first: "aws/us-east-1",
  durationMs: [120_000, 240_000],
  gapMs: [60_000, 180_000],
  cycle: ["region", "cloud-service", "cdn", "dns", "region", "cloud-service", "cdn", "dns", "vantage"],
};

const COMPONENT_KINDS = new Set<string>(["region", "cloud-service", "cdn", "dns"]);

/**
 * What chaos may fail: components of a chaos kind whose failure impairs at least `minImpact` observed
 * components (so an incident has something to show), and every vantage. Model order.
 */
export function chaosTargets(
  components: ReadonlyArray<ComponentSpec>,
  vantages: ReadonlyArray<string>,
  minImpact = 2,
): ChaosTarget[] {
  const g = compileGraph({ components: [...components] }, { includeHidden: true });
  const out: ChaosTarget[] = [];
  for (let c = 0; c < g.size; c++) {
    if (!COMPONENT_KINDS.has(g.kind[c]!)) continue;
    const state = new Uint8Array(g.size);
    state[c] = 2;
    const status = propagateAll(g, { state });
    let impaired = 0;
    for (let o = 0; o < g.size; o++) if (g.observed[o] && status[o] !== UP) impaired++;
    if (impaired >= minImpact) out.push({ id: g.ids[c]!, kind: g.kind[c] as ChaosKind });
  }
  for (const id of vantages) out.push({ id, kind: "vantage" });
  return out;
}

/** The chaos plan: an endless, seeded sequence of faults that never overlap. Pure. */
export function* chaosPlan(targets: ReadonlyArray<ChaosTarget>, options: Partial<ChaosPlanOptions> = {}) {
  const o: ChaosPlanOptions = { ...DEFAULT_CHAOS_PLAN };
  for (const [key, value] of Object.entries(options))
    if (value !== undefined && key in o) Object.assign(o, { [key]: value });
  const byKind = new Map<ChaosKind, ChaosTarget[]>();
  for (const t of targets) byKind.set(t.kind, [...(byKind.get(t.kind) ?? []), t]);
  const cycle = o.cycle.filter((k) => byKind.has(k));
  if (cycle.length === 0) return;
  const random = seededRandom(o.seed);
  // Whole seconds, so the lines read "3m" or "2m41s", never milliseconds.
  const between = ([lo, hi]: readonly [number, number]) =>
    lo + Math.floor((random() * (hi - lo + 1000)) / 1000) * 1000;
  const last = new Map<ChaosKind, string>();
  const firstTarget = targets.find((t) => t.id === o.first);
  // The cycle resumes after the first target's kind.
  let cursor = firstTarget ? cycle.indexOf(firstTarget.kind) + 1 : 0;
  let at = o.firstAfterMs;
  for (let i = 0; ; i++) {
    let target: ChaosTarget;
    if (i === 0 && firstTarget) target = firstTarget;
    else {
      const kind = cycle[cursor++ % cycle.length]!;
      const pool = byKind.get(kind)!;
      const fresh = pool.length > 1 ? pool.filter((t) => t.id !== last.get(kind)) : pool;
      target = fresh[Math.floor(random() * fresh.length)]!;
    }
    last.set(target.kind, target.id);
    const durationMs = between(o.durationMs);
    const step: ChaosStep = { ...target, startMs: at, durationMs };
    yield step;
    at += durationMs + between(o.gapMs);
  }
}

/** The clock and timer chaos runs on; the default is the process's. */
export interface ChaosTimer {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What chaos acts on: a DemoWorld fits. `impact` lets the lines say how many services the truth hits. */
export interface ChaosWorld {
  readonly components: ComponentSpec[];
  readonly vantages: ReadonlyArray<{ id: string }>;
  inject(fault: { id: string }): unknown;
  clear(id: string): unknown;
  impact?(): { down: string[]; degraded: string[] };
}

export interface ChaosEvent {
  type: "fail" | "restore";
  /** `timer.now()` when it happened. */
  at: number;
  target: ChaosTarget;
  durationMs: number;
  /** What to print: "chaos: failing aws/us-east-1 (region) for 3m: 13 services down, 5 degraded". */
  line: string;
}

export interface ChaosOptions extends Partial<ChaosPlanOptions> {
  /** Default: `chaosTargets(world.components, world.vantages)`. */
  targets?: ChaosTarget[];
  timer?: ChaosTimer;
  onChange?: (event: ChaosEvent) => void;
}

export interface Chaos {
  /** The fault held now, if any. */
  readonly active: ChaosStep | null;
  /** Cancels what is scheduled and restores the active fault (with its event). */
  stop(): void;
}

const processTimer: ChaosTimer = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Starts the chaos loop on `world`; the first fault comes `firstAfterMs` after this call. */
export function startChaos(world: ChaosWorld, options: ChaosOptions = {}): Chaos {
  const timer = options.timer ?? processTimer;
  const targets =
    options.targets ??
    chaosTargets(
      world.components,
      world.vantages.map((v) => v.id),
    );
  const plan = chaosPlan(targets, options);
  const emit = options.onChange ?? (() => {});
  const start = timer.now();
  let pending: unknown;
  let active: ChaosStep | null = null;
  let stopped = false;

  const restore = (note: string) => {
    const step = active!;
    active = null;
    world.clear(step.id);
    const what = step.kind === "vantage" ? `${step.id} can see again` : `${step.id} restored`;
    emit({
      type: "restore",
      at: timer.now(),
      target: targetOf(step),
      durationMs: step.durationMs,
      line: `chaos: ${what}${note}`,
    });
  };
  const next = () => {
    const step = plan.next();
    if (step.done) return;
    pending = timer.setTimeout(() => fail(step.value), Math.max(0, start + step.value.startMs - timer.now()));
  };
  const fail = (step: ChaosStep) => {
    active = step;
    world.inject({ id: step.id });
    emit({
      type: "fail",
      at: timer.now(),
      target: targetOf(step),
      durationMs: step.durationMs,
      line: failLine(world, step),
    });
    pending = timer.setTimeout(() => {
      restore(` after ${formatDuration(step.durationMs)}`);
      next();
    }, step.durationMs);
  };
  next();
  return {
    get active() {
      return active;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (pending !== undefined) timer.clearTimeout(pending);
      if (active) restore(" (chaos stopped)");
    },
  };
}

function targetOf(step: ChaosStep): ChaosTarget {
  return { id: step.id, kind: step.kind };
}

function failLine(world: ChaosWorld, step: ChaosStep): string {
  const length = formatDuration(step.durationMs);
  if (step.kind === "vantage")
    return `chaos: blinding ${step.id} (the watcher's own network fails) for ${length}`;
  const impact = world.impact?.();
  const hit = impact ? `: ${impact.down.length} services down, ${impact.degraded.length} degraded` : "";
  const how = failuresInWords(step.kind);
  return `chaos: failing ${step.id} (${step.kind}) for ${length}${hit}${how ? ` (${how})` : ""}`;
}

/** "3m", "2m30s", "45s". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m === 0) return `${rest}s`;
  return rest === 0 ? `${m}m` : `${m}m${rest}s`;
}
