/**
 * What a fault costs given the explanations before this one: faults persist, so a fault held in first place
 * last time is discounted, spares the dependents it held impaired for free, and once it is recovering spares
 * every edge for free. Split from the search (explain.ts) because this memory of earlier explanations is its
 * own job: the search asks it for prices (`FaultPrices`) and tells it, after each explanation, what held.
 * Pure.
 */
import type { Graph } from "../model/graph.js";
import { UP } from "../model/propagate.js";
import type { ExplainedFault, ExplainOptions } from "./explain-types.js";
import type { FaultPrices } from "./hypothesis.js";

/** Observed components up to which the fault cost is `faultCost` alone. */
const SCALE_FROM = 100;

export class FaultPersistence implements FaultPrices {
  readonly #g: Graph;
  readonly #o: ExplainOptions;
  readonly #faultCost: number;
  /** What the model's size adds to the fault cost (`faultCostPerScale`), in nats. */
  readonly scaleCost: number;
  /** First-place components of the previous explanation's faults (see `persistDiscount`). */
  #persisting: Set<number> | undefined;
  /**
   * Per first-place component of the explanation so far, the first-hop dependents it has held impaired
   * while it persisted: its reach, to tell a dependent that recovered from one it never struck.
   */
  #reach = new Map<number, Set<number>>();
  /**
   * Persisting faults that have begun to recover (some symptom of theirs came back up), this explanation
   * and the last; a fault stays in its tail while it persists (see `spareCost`).
   */
  readonly #recovering = new Set<number>();
  #tailing = new Set<number>();
  /** True while ranking alternatives rather than choosing faults. */
  #ranking = false;
  /** Components known to be failing on purpose (planned maintenance): see `know`. */
  #known: ReadonlySet<number> = new Set();

  /** `observed`: how many observed components the graph has (the fault cost grows with it). */
  constructor(g: Graph, observed: number, options: ExplainOptions) {
    this.#g = g;
    this.#o = options;
    this.scaleCost = options.faultCostPerScale * Math.max(0, Math.log(observed / SCALE_FROM));
    this.#faultCost = options.faultCost + this.scaleCost;
  }

  /**
   * Components in planned maintenance: known causes of what fails below them, so a fault there costs
   * nothing and spares any of its dependents for free (planned work may take down some of what needs it,
   * or none). The search then explains failures below them by them, and planned work is not read as an
   * outage of the provider above it.
   */
  know(components: ReadonlySet<number>): void {
    this.#known = components;
  }

  prior(c: number, optimistic = false): number {
    if (this.#known.has(c)) return 0;
    const discount = this.#persisting?.has(c) && (optimistic || !this.#ranking) ? this.#o.persistDiscount : 0;
    return this.#faultCost - discount;
  }

  /**
   * An edge of a fault that held first place in the previous explanation spares for free when its dependent
   * was impaired then: dependents recovering one by one is how an outage ends (the long partial tail), not
   * evidence against the cause. And once such a fault is recovering, every edge spares for free: which
   * dependents it strikes was paid for when it was chosen, and a cause whose impact steps down strikes a
   * fresh few (a scenario's next fault on the same component draws its struck edges anew). So the cause
   * keeps explaining what is still failing below it instead of handing each remaining dependent an incident
   * of its own. At its onset a fault pays in full: its healthy dependents speak against it until it has
   * shown what it is.
   */
  spareCost(c: number, slot: number): number {
    if (this.#known.has(c)) return 0;
    if (!this.#persisting?.has(c)) return this.#o.sparedCost;
    if (this.#recovering.has(c)) return 0;
    const g = this.#g;
    return this.#reach.get(c)?.has(g.itemOwner[g.slotItem[slot]!]!) ? 0 : this.#o.sparedCost;
  }

  /**
   * While ranking, a persisting fault keeps its discount only as it recovers (a dependent impaired before
   * is spared now): at its onset, as evidence firms up, a better-fitting name must be free to take over.
   */
  recoveryDiscount(c: number): number {
    return this.#ranking && this.#persisting?.has(c) ? this.#o.persistDiscount : 0;
  }

  reached(c: number, owner: number): boolean {
    return this.#reach.get(c)?.has(owner) === true;
  }

  /** Whether prices are for ranking alternatives (true) or for choosing faults. */
  rank(ranking: boolean): void {
    this.#ranking = ranking;
  }

  /** Whether c persists from the previous explanation (or was made to, see `adopt`). */
  persists(c: number): boolean {
    return this.#persisting?.has(c) === true;
  }

  /** Lets c persist in this explanation too (an heir of a previous fault, trying or taking its place). */
  adopt(c: number): void {
    this.#persisting?.add(c);
  }

  /** Takes back `adopt`. */
  disown(c: number): void {
    this.#persisting?.delete(c);
  }

  /** Nothing is impaired: no fault persists into the next explanation with what it reached. */
  forget(): void {
    this.#reach.clear();
  }

  /**
   * Starts an explanation: the first component of each previous group persists, and one is recovering when
   * it was already in its tail or something it explained last time (`explainedBefore`) is no longer impaired.
   */
  begin(
    previous: ReadonlyArray<ReadonlyArray<number>>,
    impaired: ReadonlyArray<number>,
    explainedBefore: (c: number) => Iterable<number> | undefined,
  ): void {
    // Only the fault chosen last time persists; a name tied with it persists in its place if it takes over
    // (see the kept loop in Explainer's greedy selection).
    this.#persisting = new Set(previous.map((group) => group[0]!).filter((c) => c !== undefined));
    const isImpaired = new Set(impaired);
    this.#recovering.clear();
    for (const c of this.#persisting) {
      if (this.#tailing.has(c)) this.#recovering.add(c);
      else
        for (const x of explainedBefore(c) ?? [])
          if (!isImpaired.has(x)) {
            this.#recovering.add(c);
            break;
          }
    }
  }

  /**
   * Ends an explanation: keeps the reach of each first-place component of `faults`, given the states the
   * committed faults predict (`status`, with every fault committed), and which of them are in their tail.
   */
  end(faults: ReadonlyArray<ExplainedFault>, status: (c: number) => number): void {
    this.#reach = this.#nextReach(faults, status);
    this.#tailing = new Set(faults.map((f) => f.component).filter((c) => this.#recovering.has(c)));
    this.#persisting = undefined;
  }

  #nextReach(faults: ReadonlyArray<ExplainedFault>, status: (c: number) => number): Map<number, Set<number>> {
    const g = this.#g;
    const next = new Map<number, Set<number>>();
    for (const f of faults) {
      const top = f.ranked[0]?.confidence ?? 0;
      const names = new Set([f.component]);
      for (const r of f.ranked) if (r.confidence >= top - 1e-9) names.add(r.component);
      for (const c of names) {
        const reach = new Set(this.#persisting?.has(c) ? (this.#reach.get(c) ?? []) : []);
        for (let d = g.depStart[c]!; d < g.depStart[c + 1]!; d++) {
          const owner = g.itemOwner[g.slotItem[g.depSlots[d]!]!]!;
          if (status(owner) !== UP) reach.add(owner);
        }
        next.set(c, reach);
      }
    }
    return next;
  }
}
