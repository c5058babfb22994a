/**
 * The localizer: consumes observations in time order and keeps incidents, one per epicenter.
 * It knows only the model without hidden edges and the vantage ids: never faults, noise or expectations.
 * Pure: time comes from the observations (or the caller's clock through `advance`).
 */
import type { Graph } from "../model/graph.js";
import { UP } from "../model/propagate.js";
import { type CoOnsetOptions, type EstablishedCohort, weighCoOnset } from "./co-onset.js";
import { DEFAULT_EVIDENCE, Evidence, type EvidenceOptions, judgeVantages } from "./evidence.js";
import { Explainer } from "./explain.js";
import type { EvidenceCosts, ExplainedFault, ExplainOptions } from "./explain-types.js";
import {
  type Cause,
  type Incident,
  type IncidentEvent,
  IncidentTracker,
  type Ranked,
  type TrackerOptions,
} from "./incident-tracker.js";
import type { SuspectedDependency } from "./suspected-dependencies.js";

/** What a localizer may know: the model it is told (no hidden edges) and who watches. */
export interface LocalizerView {
  graph: Graph;
  vantages: string[];
}

export interface LocalizerOptions {
  evidence: Partial<EvidenceOptions>;
  explain: Partial<ExplainOptions>;
  tracker: Partial<TrackerOptions>;
  coOnset: Partial<CoOnsetOptions>;
  onEvent?: (event: IncidentEvent) => void;
}

export class Localizer {
  readonly #g: Graph;
  readonly #vantages: string[];
  readonly #observedAt: Int32Array;
  readonly #observed: number[];
  readonly #evidence: Evidence;
  readonly #explainer: Explainer;
  readonly #tracker: IncidentTracker;
  readonly #seen: Int8Array[];
  readonly #costs: Float64Array;
  readonly #floor: number;
  readonly #onEvent: ((event: IncidentEvent) => void) | undefined;
  #roundAt = Number.NEGATIVE_INFINITY;
  #roundHasData = false;
  #signature = "";
  /** The components in maintenance, sorted and joined (see `setMaintenance`). */
  #maintenanceKey = "";
  /** Per observed component: 0 when up, else 1 + 3·state + the firmest evidence level seen in that state. */
  readonly #held: Uint8Array;
  #causes: Cause[] = [];
  /** The first-place components of each fault of the last explanation. */
  #faults: number[][] = [];
  /** What each of those faults explained, and when it began (see `#persisting`). */
  #faultExplains: number[][] = [];
  #faultOnset = new Map<number, number>();
  #count = 0;
  /** Evaluations so far. */
  #round = 0;
  /** Per observed component: the evaluation at which it began failing, or -1 while it is up. */
  readonly #onset: Int32Array;
  /** Per observed component: the onset of its last failure, and the evaluation it ended at. */
  readonly #lastOnset: Int32Array;
  readonly #upAt: Int32Array;
  readonly #coOnset: Partial<CoOnsetOptions>;
  /** Onsets of the cohorts of the last explanation (see co-onset.ts). */
  #cohortOnsets: EstablishedCohort[] = [];
  /** The last explanation's faults and the impaired components it explained. */
  #explained: ExplainedFault[] = [];
  #impaired: number[] = [];
  /** Members of the last weighing's cohorts with no host (see co-onset.ts `carried`). */
  #carried: ReadonlySet<number> = new Set();
  /** Whether the last weighing left a cohort waiting for its members to settle. */
  #waiting = false;
  /**
   * Per vantage, what it last said of its own health (live agents probe well-known anchors): false, it is
   * blind whatever its checks say; true, it is not, however many of its checks fail (with one vantage,
   * every check failing is otherwise taken for the watcher's own fault); null, it said nothing.
   */
  readonly #selfHealthy: (boolean | null)[];

  constructor(view: LocalizerView, options: Partial<LocalizerOptions> = {}) {
    this.#g = view.graph;
    this.#vantages = view.vantages;
    this.#observedAt = new Int32Array(this.#g.size).fill(-1);
    this.#observed = [];
    for (let c = 0; c < this.#g.size; c++)
      if (this.#g.observed[c]) {
        this.#observedAt[c] = this.#observed.length;
        this.#observed.push(c);
      }
    this.#evidence = new Evidence(this.#observed.length, { ...DEFAULT_EVIDENCE, ...options.evidence });
    this.#explainer = new Explainer(this.#g, this.#observed.length, options.explain);
    this.#floor = options.explain?.evidenceFloor ?? 1e-4;
    this.#tracker = new IncidentTracker(options.tracker);
    this.#seen = view.vantages.map(() => new Int8Array(this.#observed.length).fill(-1));
    this.#costs = new Float64Array(3 * this.#observed.length);
    this.#held = new Uint8Array(this.#observed.length);
    this.#onEvent = options.onEvent;
    this.#onset = new Int32Array(this.#observed.length).fill(-1);
    this.#lastOnset = new Int32Array(this.#observed.length).fill(-1);
    this.#upAt = new Int32Array(this.#observed.length).fill(-1_000_000);
    this.#coOnset = options.coOnset ?? {};
    this.#selfHealthy = view.vantages.map(() => null);
  }

  /**
   * The components in planned maintenance now (graph indices; the hub passes its maintenance windows' before
   * each evaluation): known causes of what fails below them, so planned work is named as such and not read
   * as an outage of the provider above it. A change is explained anew at the next evaluation.
   */
  setMaintenance(components: ReadonlySet<number>): void {
    const key = [...components].sort((a, b) => a - b).join(",");
    if (key === this.#maintenanceKey) return;
    this.#maintenanceKey = key;
    this.#explainer.know(new Set(components));
    // Not the same explanation any more, whatever the evidence says.
    this.#signature = "";
  }

  /** Observations handled so far. */
  get observations(): number {
    return this.#count;
  }

  get incidents(): Incident[] {
    return this.#tracker.incidents;
  }

  /** Dependencies the model probably lacks, learned from the incidents so far (best score first). */
  suspectedDependencies(): SuspectedDependency[] {
    return this.#tracker.suspected.list();
  }

  /**
   * One check result. `vantage` indexes the view's vantages, `component` the graph; status is 0 up,
   * 1 degraded, 2 down. Times must not decrease; a later time closes the round before it.
   */
  observe(t: number, vantage: number, component: number, status: number): void {
    if (t > this.#roundAt) this.advance(t);
    const at = this.#observedAt[component]!;
    if (at < 0) return;
    this.#seen[vantage]![at] = status;
    this.#roundHasData = true;
    this.#count++;
  }

  /**
   * A vantage's own health (live agents probe well-known anchors): an unhealthy vantage is blind from the
   * next evaluation on, until it reports healthy again, so its failed checks are set aside and it gets a
   * vantage incident ("is it me?") even when no other vantage watches the same components; a healthy one is
   * believed, so a lone vantage whose every check fails reports a failing world, not itself.
   */
  reportVantageHealth(vantage: number, healthy: boolean): void {
    if (vantage >= 0 && vantage < this.#selfHealthy.length) this.#selfHealthy[vantage] = healthy;
  }

  /** Closes the current round if `now` is past it, evaluating what it saw. */
  advance(now: number): void {
    if (now <= this.#roundAt) return;
    if (this.#roundHasData) this.#evaluate(this.#roundAt);
    this.#roundAt = now;
  }

  /** Evaluates the last round; call at the end of a stream. */
  finish(): void {
    if (this.#roundHasData) this.#evaluate(this.#roundAt);
  }

  /**
   * The last explanation's faults that persist into this one. A fault persists through its own symptoms:
   * once every failure still below it began before it did (sites a concurrent cause had already taken down,
   * through a dependency the model lacks), it has ended, and those failures are its predecessor's again
   * rather than its long tail.
   */
  #persisting(): number[][] {
    const onset = this.#onset;
    const observedAt = this.#observedAt;
    return this.#faults.filter((group, i) => {
      const since = this.#faultOnset.get(group[0]!);
      if (since === undefined) return true;
      const explains = this.#faultExplains[i] ?? [];
      if (explains.length === 0) return true;
      return explains.some((c) => {
        const o = onset[observedAt[c]!]!;
        return o < 0 || o >= since - CO_ONSET_SLACK;
      });
    });
  }

  /**
   * When each fault began: kept from the last explanation for a fault that persists (under any of its
   * names), else the onset most of what it explains share.
   */
  #onsetsOf(faults: ReadonlyArray<ExplainedFault>): Map<number, number> {
    const next = new Map<number, number>();
    const onset = this.#onset;
    const observedAt = this.#observedAt;
    for (const f of faults) {
      const names = [f.component, ...f.ranked.map((r) => r.component)];
      const kept = names.map((c) => this.#faultOnset.get(c)).find((o) => o !== undefined);
      if (kept !== undefined) {
        next.set(f.component, kept);
        continue;
      }
      const count = new Map<number, number>();
      let mode = -1;
      for (const c of f.explains) {
        const o = onset[observedAt[c]!]!;
        if (o < 0) continue;
        const n = (count.get(o) ?? 0) + 1;
        count.set(o, n);
        if (mode < 0 || n > count.get(mode)! || (n === count.get(mode)! && o > mode)) mode = o;
      }
      if (mode >= 0) next.set(f.component, mode);
    }
    return next;
  }

  #evaluate(at: number): void {
    this.#roundHasData = false;
    const step = ++this.#round;
    const verdicts = judgeVantages(this.#seen).map((v, i) => {
      const said = this.#selfHealthy[i];
      if (said === null) return v;
      return said
        ? { ...v, blind: false }
        : { ...v, blind: true, disagreement: Math.max(v.disagreement, 0.95) };
    });
    const ev = this.#evidence;
    const n = this.#observed.length;
    const checks: number[] = [];
    for (let i = 0; i < n; i++) {
      ev.predict(i);
      checks.length = 0;
      for (let v = 0; v < this.#seen.length; v++) {
        const s = this.#seen[v]![i]!;
        if (s >= 0 && !verdicts[v]!.blind) checks.push(s);
      }
      ev.updateRound(i, checks);
    }
    for (const row of this.#seen) row.fill(-1);
    ev.adapt();

    const impaired: number[] = [];
    let signature = "";
    const held = this.#held;
    for (let i = 0; i < n; i++) {
      const likely = ev.likely(i);
      if (likely === UP) {
        held[i] = 0;
        if (this.#onset[i]! >= 0) {
          this.#lastOnset[i] = this.#onset[i]!;
          this.#upAt[i] = step;
          this.#onset[i] = -1;
        }
        continue;
      }
      // A failure that comes back within a few evaluations (a missed or flipped check in between) keeps the
      // onset it had: it is the same failure, and belongs to the same cohort.
      if (this.#onset[i]! < 0)
        this.#onset[i] = step - this.#upAt[i]! <= FLAP_WINDOW ? this.#lastOnset[i]! : step;
      impaired.push(this.#observed[i]!);
      // The explanation is recomputed when the impaired set changes or its evidence firms up, not when a
      // firm belief wobbles for a round of missing checks.
      const pUp = ev.probability(i, UP);
      const firmness = pUp < 1e-3 ? 2 : pUp < 0.05 ? 1 : 0;
      const code = likely * 3 + firmness + 1;
      const prev = held[i]!;
      // Only a firm belief is held: a weak one must be re-explained as it weakens, or a stale explanation of
      // a few flipped checks would outlive them.
      const firmBefore = prev !== 0 && Math.floor((prev - 1) / 3) === likely && (prev - 1) % 3 === 2;
      held[i] = firmBefore ? prev : code;
      signature += `${i}:${held[i]},`;
    }
    const changed = signature !== this.#signature;
    if (changed) {
      this.#signature = signature;
      for (let i = 0; i < 3 * n; i++) this.#costs[i] = -Math.log(Math.max(ev.belief[i]!, this.#floor));
      const costs: EvidenceCosts = { observedAt: this.#observedAt, cost: this.#costs };
      // Members of a common cause outside the model stay its members while they fail: the explanation need
      // not find, for each of them again, that no modelled fault explains it.
      const carried = this.#carried;
      const toExplain = carried.size > 0 ? impaired.filter((c) => !carried.has(c)) : impaired;
      this.#explained = this.#explainer.explain(costs, toExplain, this.#persisting());
      this.#impaired = impaired;
    }
    // A cohort waiting for its members to settle is weighed again each evaluation, even when the
    // explanation stands.
    if (changed || this.#waiting) {
      const ids = this.#g.ids;
      const observedAt = this.#observedAt;
      const weighed = weighCoOnset(
        {
          faults: this.#explained,
          impaired: this.#impaired,
          onset: (c) => this.#onset[observedAt[c]!]!,
          now: this.#round,
          established: this.#cohortOnsets,
          carried: this.#carried,
          dependsOn: (c, cause) => dependsOn(this.#g, c, cause),
          scaleCost: this.#explainer.scaleCost,
          gain: (c) => {
            const o = observedAt[c]!;
            const cost = this.#costs;
            return Math.max(0, cost[3 * o + UP]! - Math.min(cost[3 * o + 1]!, cost[3 * o + 2]!));
          },
        },
        this.#coOnset,
      );
      this.#faults = firstPlaces(weighed.faults);
      this.#faultExplains = weighed.faults.map((f) => f.explains);
      this.#faultOnset = this.#onsetsOf(weighed.faults);
      this.#cohortOnsets = weighed.established;
      this.#waiting = weighed.waiting;
      this.#carried = new Set(weighed.cohorts.filter((c) => c.host < 0).flatMap((c) => c.members));
      const suspected = weighed.faults.map(() => [] as number[]);
      const merged = weighed.faults.map(() => [] as number[]);
      const causes: Cause[] = [];
      for (const cohort of weighed.cohorts)
        if (cohort.host >= 0) {
          suspected[cohort.host]!.push(...cohort.members);
          merged[cohort.host]!.push(...cohort.merged);
        } else if (cohort.members.length > 0)
          causes.push(unexplainedCause(cohort.members.map((c) => ids[c]!)));
      this.#causes = [
        ...weighed.faults.map((f, i) => ({
          ranked: canonical(
            f.ranked.map((r) => ({ component: ids[r.component]!, confidence: round(r.confidence) })),
          ),
          affected: [...new Set([...f.explains, ...merged[i]!, ...suspected[i]!])].map((c) => ids[c]!).sort(),
          vantage: false,
          ...(suspected[i]!.length > 0 ? { suspected: suspected[i]!.map((c) => ids[c]!).sort() } : {}),
        })),
        ...causes,
      ];
    }
    const causes = [...this.#causes];
    verdicts.forEach((v, i) => {
      if (v.blind)
        causes.push({
          ranked: [
            {
              component: this.#vantages[i]!,
              confidence: round(Math.min(0.99, Math.max(0.5, v.disagreement))),
            },
          ],
          affected: [],
          vantage: true,
        });
    });
    for (const event of this.#tracker.observe(at, causes)) this.#onEvent?.(event);
  }
}

/** Whether component a depends on component b in graph g, through any kind of requirement. */
function dependsOn(g: Graph, a: number, b: number): boolean {
  const seen = new Set<number>([a]);
  const stack = [a];
  while (stack.length > 0) {
    const c = stack.pop()!;
    for (let s = g.memberStart[g.itemStart[c]!]!; s < g.memberStart[g.itemStart[c + 1]!]!; s++) {
      const m = g.members[s]!;
      if (m === b) return true;
      if (!seen.has(m)) {
        seen.add(m);
        stack.push(m);
      }
    }
  }
  return false;
}

/** Evaluations by which a failure may precede the fault that caused it (evidence firms at different speeds). */
const CO_ONSET_SLACK = 2;

/** Evaluations within which a component failing again continues its last failure (for its onset). */
const FLAP_WINDOW = 4;

/** The components that held first place in each fault's ranking: the faults that persist. */
function firstPlaces(faults: ReadonlyArray<ExplainedFault>): number[][] {
  return faults.map((f) => {
    const top = f.ranked[0]?.confidence ?? 0;
    const names = f.ranked.filter((r) => r.confidence >= top - 1e-9).map((r) => r.component);
    // Names tied with the chosen fault persist with it; a ranking whose first place is some other component
    // (it explains the symptoms differently) does not lend its names to this fault.
    if (!names.includes(f.component)) return [f.component];
    return [f.component, ...names.filter((c) => c !== f.component)];
  });
}

/**
 * Failures that began together with no modelled cause that explains them (a common cause outside the
 * model): one cause, named by up to three of its members (what the model can say: they fail on their own),
 * so it raises one incident, not one per member.
 */
function unexplainedCause(members: string[]): Cause {
  const named = members.slice(0, 3);
  return {
    ranked: named.map((component) => ({ component, confidence: round(1 / named.length) })),
    affected: members,
    vantage: false,
    unexplained: true,
  };
}

/** Best first, ties in id order, and alternatives too unlikely to mention left out (the best always stays). */
function canonical(ranked: Ranked[]): Ranked[] {
  const sorted = ranked.sort((a, b) => b.confidence - a.confidence || (a.component < b.component ? -1 : 1));
  return sorted.filter((r, i) => i === 0 || r.confidence >= 0.01);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
