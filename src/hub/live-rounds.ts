/**
 * Live time for the localizer: observations arrive from agents at any moment and slightly out of order; the
 * localizer wants rounds, one observation per vantage and component each (scenario.md's `interval`). This
 * buckets observations into fixed rounds of `roundMs` on the wall clock, keeps the newest result of each
 * (vantage, component) per round by its own time, and closes a round `graceMs` after its end, so a batch
 * still in flight from an agent is counted in its own round; or as soon as it has ended holding as many
 * answers as the fullest of the last rounds (every check has reported: waiting would only delay the
 * incident). An observation for a round already closed joins the open one. Pure: the caller passes the time.
 */
import type { IncidentEvent } from "../localize/incident-tracker.js";
import { Localizer, type LocalizerOptions, type LocalizerView } from "../localize/localizer.js";
import type { Observation } from "../model/observation.js";
import type { Check } from "../probe/check-types.js";

const STATUS_CODE = { up: 0, degraded: 1, down: 2 } as const;

export interface LiveRoundsOptions {
  roundMs: number;
  graceMs: number;
  localizer?: Partial<LocalizerOptions>;
  onEvent?: (event: IncidentEvent) => void;
  /** The components in maintenance at a moment (MaintenanceBook.inMaintenance), told to the localizer. */
  maintenance?: (at: number) => ReadonlySet<string>;
}

export class LiveRounds {
  readonly localizer: Localizer;
  readonly #roundMs: number;
  readonly #graceMs: number;
  readonly #component: Map<string, number>;
  readonly #vantage: Map<string, number>;
  /** Round start (ms) → vantage·components + component → the newest observation's at·4 + status code. */
  readonly #rounds = new Map<number, Map<number, number>>();
  readonly #components: number;
  /** Start of the oldest round not yet closed. */
  #open = Number.NEGATIVE_INFINITY;
  /** How many (vantage, component) answers the last few closed rounds held at most (see `ready`). */
  #expected = 0;
  #recent: number[] = [];
  #evaluations = 0;
  readonly #maintenance: ((at: number) => ReadonlySet<string>) | undefined;

  constructor(view: LocalizerView, options: LiveRoundsOptions) {
    this.#roundMs = options.roundMs;
    this.#graceMs = options.graceMs;
    this.#component = new Map(view.graph.ids.map((id, i) => [id, i]));
    this.#vantage = new Map(view.vantages.map((id, i) => [id, i]));
    this.#maintenance = options.maintenance;
    this.#components = view.graph.size;
    this.localizer = new Localizer(view, {
      ...options.localizer,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
  }

  get evaluations(): number {
    return this.#evaluations;
  }

  /**
   * Takes one observation. Returns false when the localizer cannot use it (unknown vantage or component).
   * An observation whose component is its own vantage is the vantage's self-health (anchors reachable).
   */
  add(o: Observation): boolean {
    const v = this.#vantage.get(o.vantage);
    if (v === undefined) return false;
    if (o.component === o.vantage) {
      this.localizer.reportVantageHealth(v, o.status !== "down");
      return true;
    }
    const c = this.#component.get(o.component);
    if (c === undefined) return false;
    const start = Math.max(this.#roundStart(o.at), this.#open);
    let round = this.#rounds.get(start);
    if (!round) {
      round = new Map();
      this.#rounds.set(start, round);
    }
    // The newest observation of the round wins, by when it was made rather than when it came: a late one
    // (a timeout, a batch held up) must not overwrite a newer answer of the same check.
    const key = v * this.#components + c;
    const held = round.get(key);
    const at = Math.round(o.at);
    const value = at * 4 + STATUS_CODE[o.status];
    if (held === undefined || Math.floor(held / 4) <= at) round.set(key, value);
    return true;
  }

  /**
   * Whether the oldest open round has ended and holds as many answers as the fullest of the last rounds:
   * every check has reported, so it need not wait out the grace (`tick` closes it now). A round missing
   * an answer (a check still waiting for its timeout, a batch on its way) waits for the grace as before.
   */
  ready(now: number): boolean {
    if (this.#expected === 0 || this.#rounds.size === 0) return false;
    const oldest = Math.min(...this.#rounds.keys());
    return oldest + this.#roundMs <= now && this.#rounds.get(oldest)!.size >= this.#expected;
  }

  /**
   * Closes every round that ended `graceMs` before `now`, and the oldest ones that are `ready`, feeding
   * each to the localizer in time order.
   */
  tick(now: number): number {
    let closed = 0;
    while (this.#rounds.size > 0) {
      const oldest = Math.min(...this.#rounds.keys());
      if (oldest + this.#roundMs + this.#graceMs > now && !this.ready(now)) break;
      this.#remember(this.#rounds.get(oldest)!.size);
      this.#closeRound(oldest);
      closed++;
    }
    const current = this.#roundStart(now - this.#graceMs);
    if (current > this.#open) this.#open = current;
    return closed;
  }

  /** Notes how many answers a closed round held: `ready` expects the most of the last three. */
  #remember(size: number): void {
    this.#recent.push(size);
    if (this.#recent.length > 3) this.#recent.shift();
    this.#expected = Math.max(...this.#recent);
  }

  /** Feeds one round to the localizer and evaluates it. */
  #closeRound(start: number): void {
    const round = this.#rounds.get(start)!;
    this.#rounds.delete(start);
    for (const [key, value] of round) {
      const v = Math.floor(key / this.#components);
      this.localizer.observe(start, v, key - v * this.#components, value % 4);
    }
    if (this.#maintenance) this.localizer.setMaintenance(this.#inMaintenance(start));
    // Evaluate now rather than when the next round's first observation arrives.
    this.localizer.advance(start + 1);
    this.#evaluations++;
    // What comes for it from now on joins the next round.
    if (start + this.#roundMs > this.#open) this.#open = start + this.#roundMs;
  }

  /**
   * The graph indices of the components in maintenance at any time of the round from `start`: planned work
   * that begins or ends inside a round explains what fails in it.
   */
  #inMaintenance(start: number): Set<number> {
    const out = new Set<number>();
    for (const at of [start, start + this.#roundMs - 1])
      for (const id of this.#maintenance!(at)) {
        const c = this.#component.get(id);
        if (c !== undefined) out.add(c);
      }
    return out;
  }

  #roundStart(t: number): number {
    return Math.floor(t / this.#roundMs) * this.#roundMs;
  }
}

/** The most common check interval, clamped to 5 s .. 60 s: one round per check run (heartbeats aside). */
export function defaultRound(checks: readonly Check[]): number {
  const counts = new Map<number, number>();
  for (const c of checks)
    if (c.type !== "heartbeat") counts.set(c.intervalMs, (counts.get(c.intervalMs) ?? 0) + 1);
  let best = 30_000;
  let most = 0;
  for (const [interval, n] of counts)
    if (n > most || (n === most && interval < best)) [best, most] = [interval, n];
  return Math.min(60_000, Math.max(5_000, best));
}
